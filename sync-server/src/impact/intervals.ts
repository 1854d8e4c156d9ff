// The interval arithmetic behind the lift figures. Accounts, not recommendations, are what the holdout
// randomises, so every variance here treats an account's recommendations as one cluster.
import { mulberry32 } from '../lib/random.js';

export const Z95 = 1.959963984540054;
const Z80 = 0.8416212335729143; // one-sided power of 80%

export type Interval = [number, number];

/** Per account: recommendations (n), converted (y), won revenue (w). */
export type AccountOutcome = { n: number; y: number; w: number };

/** Ratio estimate Σy/Σn with its account-clustered delta-method variance, and the per-account variance behind it. */
export function clusteredRate(accounts: AccountOutcome[]): { rate: number; variance: number; unitVariance: number } {
  const m = accounts.length;
  const n = accounts.reduce((s, a) => s + a.n, 0);
  const y = accounts.reduce((s, a) => s + a.y, 0);
  if (m === 0 || n === 0) return { rate: NaN, variance: NaN, unitVariance: NaN };
  const rate = y / n;
  const nBar = n / m;
  const ss = accounts.reduce((s, a) => s + (a.y - rate * a.n) ** 2, 0);
  // s² of the linearised residuals per account, in rate units; Var(rate) ≈ s²/m.
  const unitVariance = m > 1 ? ss / (m - 1) / nBar ** 2 : NaN;
  return { rate, variance: unitVariance / m, unitVariance };
}

/** Difference of two clustered rates (a − b) with its 95% Wald interval. */
export function rateDifference(a: AccountOutcome[], b: AccountOutcome[]): { diff: number; ci95: Interval; se: number } {
  const ra = clusteredRate(a);
  const rb = clusteredRate(b);
  const diff = ra.rate - rb.rate;
  const se = Math.sqrt(ra.variance + rb.variance);
  return { diff, se, ci95: [diff - Z95 * se, diff + Z95 * se] };
}

function wilson(x: number, n: number): Interval {
  const p = x / n;
  const z2 = Z95 * Z95;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Newcombe's hybrid score interval (his method 10) for p1 − p2: sound at small counts and rates near 0 or 1. */
export function newcombeDifference(x1: number, n1: number, x2: number, n2: number): { diff: number; ci95: Interval } {
  if (n1 === 0 || n2 === 0) return { diff: NaN, ci95: [NaN, NaN] };
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const [l1, u1] = wilson(x1, n1);
  const [l2, u2] = wilson(x2, n2);
  const d = p1 - p2;
  return { diff: d, ci95: [d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)] };
}

/**
 * Difference of mean won revenue per account (a − b), with a percentile bootstrap interval: accounts are
 * resampled with replacement within each group, `resamples` times, from a seeded generator so the same data
 * always gives the same interval. Revenue is heavy-tailed, which is why no normal approximation is used.
 */
export function bootstrapMeanDifference(a: number[], b: number[], seed: number, resamples = 2000): { diff: number; ci95: Interval } {
  const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
  if (a.length === 0 || b.length === 0) return { diff: NaN, ci95: [NaN, NaN] };
  const rnd = mulberry32(seed);
  const draws = new Float64Array(resamples);
  const resample = (v: number[]): number => {
    let s = 0;
    for (let k = 0; k < v.length; k++) s += v[Math.floor(rnd() * v.length)];
    return s / v.length;
  };
  for (let r = 0; r < resamples; r++) draws[r] = resample(a) - resample(b);
  draws.sort();
  const at = (q: number): number => draws[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))];
  return { diff: mean(a) - mean(b), ci95: [at(0.025), at(0.975)] };
}

/**
 * Accounts needed in total for a two-sided 5% test to detect a rate difference `delta` with 80% power, given the
 * per-account variances of the two groups and the share of accounts held out.
 */
export function accountsNeeded(delta: number, treatedUnitVariance: number, holdoutUnitVariance: number, holdoutShare: number): number {
  if (!(delta > 0) || !(holdoutShare > 0 && holdoutShare < 1) || !Number.isFinite(treatedUnitVariance) || !Number.isFinite(holdoutUnitVariance)) return NaN;
  const perTotal = treatedUnitVariance / (1 - holdoutShare) + holdoutUnitVariance / holdoutShare;
  return Math.ceil(((Z95 + Z80) ** 2 * perTotal) / delta ** 2);
}
