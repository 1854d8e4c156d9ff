// Tunes the model settings on a validation window carved from the end of the training period (never on
// anything after asOf): fit on [.., asOf - N months), score on [asOf - N months, asOf). Coordinate ascent
// over small grids keeps it to a few dozen cheap evaluations; similarity matrices are cached per setting.
import { addMonths } from './calendar.js';
import { buildUserItems, sliceLog, type PurchaseLog } from './purchase-log.js';
import { groundTruth } from './ground-truth.js';
import { fitReco, DEFAULT_PARAMS, type FitCache, type FittedReco, type RecoParams } from './fit.js';
import { buyAgainWindows, chooseBuyAgain, type BuyAgainChoice } from './buy-again-choice.js';
import { ndcgAt } from './ranking-metrics.js';
import { sampleKeys, trainCrossSellRanker, type RankerReport } from './ranker-training.js';
import type { TextIndex } from './text-similarity.js';
import { calibrateNextBest } from './next-best.js';
import { chooseTier } from './tier.js';
import type { UserItems } from './purchase-log.js';

export type TuneResult = {
  params: RecoParams;
  tuned: boolean;
  validation: { from: number; to: number; crossSellNdcg: number; buyAgainNdcg: number; users: number };
  evaluations: number;
  ranker: RankerReport | null;
  buyAgain: BuyAgainChoice | null;
};

export type { BuyAgainChoice };

type Grid<T> = { [K in keyof T]?: T[K][] };

const SIM_GRID: Grid<RecoParams['sim']> = {
  tau: [60, 120, 180, 365, Infinity],
  alpha: [0.5, 0.75, 1],
  beta: [0.15, 0.3, 0.45, 0.6, 0.75],
  k: [50, 100, 200],
};
const CROSS_GRID: Grid<RecoParams['cross']> = { tau: [30, 90, 180, 365, Infinity], popWeight: [0, 0.05, 0.1, 0.2, 0.4, 0.8] };
const POP_TAU = [7, 14, 30, 90, Infinity];

/**
 * The next-best calibration for `params` as of asOfDay, learned on the validation window (the 3 months before
 * asOfDay; `validation` saves rebuilding it). An earlier, held-out window was tried and promised more than
 * the test window delivered: on a young org the accounts with history that far back are the loyal early
 * ones, so re-order rates learned there run high.
 */
export function calibrateAt(
  log: PurchaseLog,
  asOfDay: number,
  params: RecoParams,
  opts: {
    months?: number;
    groups?: { of: Int32Array; count: number };
    text?: TextIndex | null;
    maxUsers?: number;
    validation?: { ui: UserItems; from: number; bought: Map<number, Set<number>>; cache?: FitCache };
  } = {},
): RecoParams {
  const from = addMonths(asOfDay, -(opts.months ?? 3));
  const v = opts.validation;
  if (v && v.from === from) return withCalibration(params, v.ui, from, asOfDay, v.bought, opts, v.cache);
  const ui = buildUserItems(sliceLog(log, -Infinity, from));
  return withCalibration(params, ui, from, asOfDay, groundTruth(ui, sliceLog(log, from, asOfDay)).all, opts);
}

/** Calibrates the next-best merge on [from, to): accounts with history before it, bought or not. */
function withCalibration(
  params: RecoParams,
  ui: UserItems,
  from: number,
  to: number,
  bought: Map<number, Set<number>>,
  opts: { groups?: { of: Int32Array; count: number }; text?: TextIndex | null; maxUsers?: number },
  cache?: FitCache,
): RecoParams {
  const users: number[] = [];
  for (let u = 0; u < ui.nUsers; u++) if (ui.ptr[u + 1] > ui.ptr[u]) users.push(u);
  const fit = fitReco(ui, from, { ...params, nextBest: null }, opts.groups, cache, opts.text);
  const cal = calibrateNextBest(fit, bought, sampleKeys(users, opts.maxUsers ?? 2000), opts.groups?.of, { horizonDays: to - from });
  return { ...params, nextBest: { ...cal, window: { from, to } } };
}

/** Deterministic sample of at most n keys (every stride-th), so tuning cost stays bounded on big orgs. */
function sampleUsers<T>(m: Map<number, T>, n: number): Map<number, T> {
  if (m.size <= n) return m;
  return new Map(sampleKeys([...m.keys()], n).map((k) => [k, m.get(k)!]));
}

export function crossSellNdcg(fit: FittedReco, truth: Map<number, Set<number>>, groupOf?: Int32Array): number {
  const per = crossSellNdcgPerAccount(fit, truth, groupOf);
  return per.length ? per.reduce((a, b) => a + b, 0) / per.length : 0;
}

function crossSellNdcgPerAccount(fit: FittedReco, truth: Map<number, Set<number>>, groupOf?: Int32Array): number[] {
  const out: number[] = [];
  for (const [u, rel] of truth) out.push(ndcgAt(fit.cross.recommend(u, 10, groupOf ? groupOf[u] : -1).map((r) => r.item), rel, 10));
  return out;
}

/**
 * The popularity decay for the segment-popularity tier: all-time buyers unless a shorter decay beats it by
 * two standard errors on the validation window (the blend's decay was chosen beside co-purchase scores, and
 * on a small book a short decay mostly follows a handful of recent orders).
 */
function popularityDecay(
  ui: UserItems,
  from: number,
  params: RecoParams,
  truth: Map<number, Set<number>>,
  groups: { of: Int32Array; count: number } | undefined,
  cache: FitCache,
): number {
  const perFor = (popTau: number): number[] =>
    crossSellNdcgPerAccount(fitReco(ui, from, { ...params, popTau, cross: { ...params.cross, ranker: null, popularityOnly: true } }, groups, cache), truth, groups?.of);
  const base = perFor(Infinity);
  let best = Infinity;
  let bestMean = mean(base);
  for (const tau of POP_TAU) {
    if (!Number.isFinite(tau)) continue;
    const per = perFor(tau);
    const m = mean(per);
    if (m > bestMean && beatsByTwoSe(per, base)) {
      best = tau;
      bestMean = m;
    }
  }
  return best;
}

/**
 * Whether popularity within the account's segment beats popularity over the whole org by two standard errors
 * on the validation window. On a small book a segment's counts are a handful of accounts, and the whole org's
 * are the steadier guess.
 */
function segmentsHelp(
  ui: UserItems,
  from: number,
  params: RecoParams,
  truth: Map<number, Set<number>>,
  groups: { of: Int32Array; count: number } | undefined,
  cache: FitCache,
): boolean {
  if (!groups) return false;
  const perFor = (wholeOrg: boolean): number[] => crossSellNdcgPerAccount(fitReco(ui, from, { ...params, cross: { ...params.cross, wholeOrg } }, groups, cache), truth, groups.of);
  return beatsByTwoSe(perFor(false), perFor(true));
}

const mean = (v: readonly number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);

/** Whether a's mean per-account score beats b's on the same accounts by more than the comparison's noise. */
function beatsByTwoSe(a: readonly number[], b: readonly number[]): boolean {
  return mean(a) - mean(b) > twoSe(a, b);
}

/** Two standard errors of the mean per-account difference a - b (the noise of a comparison on one window). */
function twoSe(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  if (n < 2) return Infinity;
  const diff = a.map((v, k) => v - b[k]);
  const m = diff.reduce((s, v) => s + v, 0) / n;
  return 2 * Math.sqrt(diff.reduce((s, v) => s + (v - m) ** 2, 0) / (n - 1) / n);
}

export function tuneReco(
  log: PurchaseLog,
  asOfDay: number,
  opts: {
    months?: number;
    maxUsers?: number;
    passes?: number;
    similarity?: boolean;
    groups?: { of: Int32Array; count: number };
    start?: RecoParams;
    /** Product text for the ranker's content feature. */
    text?: TextIndex | null;
    /** false skips the second-stage ranker; rankerUsers caps the accounts it learns from per window. */
    ranker?: boolean;
    rankerUsers?: number;
  } = {},
): TuneResult {
  const from = addMonths(asOfDay, -(opts.months ?? 3));
  const before = sliceLog(log, -Infinity, from);
  const window = sliceLog(log, from, asOfDay);
  const ui = buildUserItems(before);
  const truthAll = groundTruth(ui, window);
  const cs = sampleUsers(truthAll.crossSell, opts.maxUsers ?? 2000);
  const ba = sampleUsers(truthAll.buyAgain, opts.maxUsers ?? 2000);
  const start = structuredClone(opts.start ?? DEFAULT_PARAMS);
  // The first stage is tuned on its own: a ranker carried over from stored settings would judge every blend.
  start.cross.ranker = null;
  start.cross.popularityOnly = false;
  const result = (params: RecoParams, c: number, b: number, tuned: boolean, evaluations: number): TuneResult => ({
    params,
    tuned,
    validation: { from, to: asOfDay, crossSellNdcg: c, buyAgainNdcg: b, users: Math.max(cs.size, ba.size) },
    evaluations,
    ranker: null,
    buyAgain: null,
  });
  if (cs.size < 20 && ba.size < 20) {
    // Too little history to tune cross-sell on; buy-again pools up to six windows, so it is still decided on the data.
    const choice = chooseBuyAgain(buyAgainWindows(log, asOfDay, opts.maxUsers ?? 2000, { ui, from }), start.buyAgain);
    const validation = { ui, from, bought: truthAll.all };
    const tier = chooseTier({ tuned: false, validationAccounts: cs.size, popularityNdcg: null, coPurchaseNdcg: null, rankerKept: false, rankerReason: null });
    const params: RecoParams = { ...start, cross: { ...start.cross, ranker: null, popularityOnly: true }, buyAgain: choice.params, tier };
    const out = result(calibrateAt(log, asOfDay, params, { ...opts, validation }), 0, 0, false, 0);
    out.buyAgain = choice.choice;
    return out;
  }

  const cache: FitCache = { ui, sims: new Map() };
  let evaluations = 0;
  const evalCross = (p: RecoParams): number => {
    evaluations++;
    return crossSellNdcg(fitReco(ui, from, p, opts.groups, cache), cs, opts.groups?.of);
  };
  let best = start;
  let bestScore = evalCross(best);
  const tryParam = (mutate: (p: RecoParams) => void): void => {
    const cand = structuredClone(best);
    mutate(cand);
    if (JSON.stringify(cand) === JSON.stringify(best)) return;
    const s = evalCross(cand);
    if (s > bestScore + 1e-9) {
      best = cand;
      bestScore = s;
    }
  };
  const tuneBlend = (): void => {
    for (const v of CROSS_GRID.tau ?? []) tryParam((p) => (p.cross.tau = v));
    // Weight and decay of popularity interact (a short decay needs more weight), so they are searched jointly.
    for (const w of CROSS_GRID.popWeight ?? []) {
      for (const t of POP_TAU) {
        tryParam((p) => {
          p.cross.popWeight = w;
          p.popTau = t;
        });
      }
    }
  };
  // The blend first: it is cheap (no similarity rebuild) and the neighbourhood settings' best values
  // depend on how much popularity is mixed in.
  for (let pass = 0; pass < (opts.passes ?? 2); pass++) {
    tuneBlend();
    for (const [key, values] of Object.entries(opts.similarity === false ? {} : SIM_GRID) as [keyof RecoParams['sim'], number[]][]) {
      for (const v of values) tryParam((p) => ((p.sim as unknown as Record<string, number>)[key] = v));
    }
  }
  tuneBlend();

  const chosen = chooseBuyAgain(buyAgainWindows(log, asOfDay, opts.maxUsers ?? 2000, { ui, from }), start.buyAgain);
  const out = result({ ...best, buyAgain: chosen.params }, bestScore, chosen.choice.ndcg[chosen.choice.order] ?? 0, true, evaluations);
  out.buyAgain = chosen.choice;
  if (opts.ranker !== false) {
    const trained = trainCrossSellRanker(log, asOfDay, out.params, {
      groups: opts.groups,
      text: opts.text,
      // At least 500 accounts per window even when the blend is tuned on fewer: 15 weights need the evidence.
      maxUsers: opts.rankerUsers ?? Math.max(500, opts.maxUsers ?? 2000),
      cache: { ...cache, from },
    });
    out.params.cross = { ...out.params.cross, ranker: trained.model };
    out.ranker = trained.report;
  }
  // The tier: co-purchase must beat plain segment popularity on the validation window to be used at all.
  const popularityFit = fitReco(ui, from, { ...best, cross: { ...best.cross, ranker: null, popularityOnly: true } }, opts.groups, cache);
  const popPer = crossSellNdcgPerAccount(popularityFit, cs, opts.groups?.of);
  const coPer = crossSellNdcgPerAccount(fitReco(ui, from, best, opts.groups, cache), cs, opts.groups?.of);
  const tier = chooseTier({
    tuned: true,
    validationAccounts: cs.size,
    popularityNdcg: mean(popPer),
    coPurchaseNdcg: mean(coPer),
    margin: twoSe(coPer, popPer),
    rankerKept: !!out.params.cross.ranker,
    rankerReason: out.ranker?.reason ?? null,
  });
  out.params.tier = tier;
  if (tier.tier === 'segment-popularity') {
    out.params.cross = { ...out.params.cross, ranker: null, popularityOnly: true };
    out.params.popTau = popularityDecay(ui, from, best, cs, opts.groups, cache);
    out.params.cross.wholeOrg = !segmentsHelp(ui, from, out.params, cs, opts.groups, cache);
  }
  out.params = calibrateAt(log, asOfDay, out.params, { ...opts, validation: { ui, from, bought: truthAll.all, cache } });
  return out;
}
