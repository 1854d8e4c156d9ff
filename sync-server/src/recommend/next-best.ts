// One next-best list per account: the buy-again and cross-sell candidates merged by their calibrated chance
// of being bought in the next window. Each kind has its own calibration (a small logistic model over the
// kind's score or the account's own history of the product, its rank in the kind's list and how active the
// account is), learned on the validation window at the end of the training period, so a due re-order and a
// new product are compared on one scale: the chance the account buys it. That probability is also the score a
// rep sees.
import { rhythm, scoreBuyAgain, type BuyAgainItem } from './buy-again.js';
import { fitLogistic, logisticProbability } from './logistic.js';
import type { FittedReco } from './fit.js';
import type { ScoredItem } from './cross-sell.js';
import { ndcgAt } from './ranking-metrics.js';

export type { KindCalibration, NextBestCalibration } from './calibration.js';
import { CALIBRATION_FEATURES, type KindCalibration, type NextBestCalibration } from './calibration.js';

export type NextBestKind = 'Buy again' | 'Cross-sell';
export type NextBestItem = { item: number; kind: NextBestKind; probability: number; kindRank: number; entry: number };

/** Candidates each kind brings to the merge: the merged top 10 can then be all of one kind. */
export const NEXT_BEST_DEPTH = 10;
const BUY_FEATURES = 7;
const CROSS_FEATURES = 6;
const ACTIVITY_FEATURES = 3;

type Fit = Pick<FittedReco, 'ui' | 'buyAgain' | 'params' | 'asOfDay' | 'cross'>;

/**
 * Order counts as rates per 90 days of the account's tenure, not raw counts: a history grows between the
 * window a calibration is learned on and the one it is applied to, and a raw count would then read as a
 * busier account than it is (seen as over-confident top deciles).
 */
function tenureQuarters(fit: Fit, u: number): number {
  const { ui } = fit;
  const first = ui.userFirstDay[u];
  return Math.max(30, first >= 0 ? fit.asOfDay - first : 30) / 90;
}

function accountActivity(fit: Fit, u: number): [number, number] {
  const { ui } = fit;
  const since = ui.userLastDay[u] >= 0 ? Math.max(0, fit.asOfDay - ui.userLastDay[u]) : 365;
  return [Math.log((ui.userOrders[u] + 0.5) / tenureQuarters(fit, u)), Math.log1p(since)];
}

/**
 * Only signals whose meaning carries from the window a calibration is learned on to the next one. Left out: the
 * product's momentum (buyers in the last 30 days), which turns over with the season (summer's trending lines are
 * not Christmas's): it still orders the list, it no longer sets its chances. On Online Retail it was most of the
 * top deciles' over-promise. The pick's rank stays: it carries what the tuned ordering knows, and without it a
 * book with few re-orders could no longer tell which of its re-orders to interleave with new products.
 */
function buyRow(fit: Fit, u: number, b: BuyAgainItem, r: number, x: Float64Array, o: number): void {
  const { ui } = fit;
  const [orders, since] = accountActivity(fit, u);
  x[o] = Math.log((ui.orders[b.entry] + 0.5) / tenureQuarters(fit, u));
  x[o + 1] = Math.log1p(Math.max(0, fit.asOfDay - ui.lastDay[b.entry]));
  x[o + 2] = orders;
  x[o + 3] = since;
  x[o + 4] = rhythm(ui, b.entry, fit.asOfDay).due;
  x[o + 5] = relativeRepeatRate(fit, b.item);
  x[o + 6] = Math.log1p(r);
}

/**
 * The product's repeat rate as a log ratio to the org's (weighted by buyers), not the raw rate: the share of a
 * product's buyers who bought it twice grows with the length of the history, so between the window a
 * calibration is learned on and the next one every raw rate rises, and the chances with it (seen as top
 * deciles that promised 0.68 and got 0.54 on Online Retail's Christmas quarter). The ratio keeps its meaning.
 */
function relativeRepeatRate(fit: Fit, item: number): number {
  return Math.log(fit.buyAgain.repeatRate[item] / fit.buyAgain.meanRepeatRate);
}

/** The account's own signals for whether it orders at all in the window: order rate, days since, breadth. */
function activityRow(fit: Fit, u: number, x: Float64Array, o: number): void {
  const [orders, since] = accountActivity(fit, u);
  x[o] = orders;
  x[o + 1] = since;
  x[o + 2] = Math.log1p(fit.ui.ptr[u + 1] - fit.ui.ptr[u]);
}

function crossRow(fit: Fit, u: number, c: ScoredItem, r: number, x: Float64Array, o: number): void {
  const [orders, since] = accountActivity(fit, u);
  const s = Math.min(1, Math.max(0, c.score / fit.cross.maxScore));
  x[o] = s;
  x[o + 1] = Math.log(1e-3 + s);
  x[o + 2] = Math.log1p(r);
  x[o + 3] = orders;
  x[o + 4] = since;
  x[o + 5] = Math.log1p(fit.ui.ptr[u + 1] - fit.ui.ptr[u]);
}

/** The chance account u orders anything in the window (1 for a calibration learned before it was separate). */
function activeChance(fit: Fit, cal: NextBestCalibration, u: number): number {
  if (!cal.activity) return 1;
  const x = activityScratch;
  activityRow(fit, u, x, 0);
  return probability(cal.activity, x, 0);
}

function probability(cal: KindCalibration, x: Float64Array, o: number, rank = 0): number {
  if (cal.byRank?.length) return cal.byRank[Math.min(rank, cal.byRank.length - 1)];
  if (!cal.model) return cal.rate;
  const p = logisticProbability(cal.model, x, o);
  return cal.isotonic ? interpolate(cal.isotonic, p) : p;
}

function interpolate(f: { xs: number[]; ys: number[] }, p: number): number {
  const { xs, ys } = f;
  if (p <= xs[0]) return ys[0];
  if (p >= xs[xs.length - 1]) return ys[ys.length - 1];
  let lo = 0;
  let hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= p) lo = mid;
    else hi = mid;
  }
  const t = xs[hi] > xs[lo] ? (p - xs[lo]) / (xs[hi] - xs[lo]) : 0;
  return ys[lo] + t * (ys[hi] - ys[lo]);
}

/** Isotonic fit of outcomes on predictions: equal-count bins (at least 50 rows, at most 40 bins), then PAV. */
export function fitIsotonic(pred: ArrayLike<number>, y: ArrayLike<number>): { xs: number[]; ys: number[] } | null {
  const n = pred.length;
  if (n < 100) return null;
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => pred[a] - pred[b]);
  const bins = Math.max(2, Math.min(40, Math.floor(n / 50)));
  let blocks: { x: number; y: number; w: number }[] = [];
  for (let b = 0; b < bins; b++) {
    const lo = Math.floor((b * n) / bins);
    const hi = Math.floor(((b + 1) * n) / bins);
    let sx = 0;
    let sy = 0;
    for (let k = lo; k < hi; k++) {
      sx += pred[order[k]];
      sy += y[order[k]];
    }
    blocks.push({ x: sx / (hi - lo), y: sy / (hi - lo), w: hi - lo });
  }
  // Pool adjacent violators: merge neighbours until the rates never fall as the prediction rises.
  const out: { x: number; y: number; w: number }[] = [];
  for (const b of blocks) {
    out.push({ ...b });
    while (out.length > 1 && out[out.length - 2].y > out[out.length - 1].y) {
      const c = out.pop()!;
      const p = out.pop()!;
      const w = p.w + c.w;
      out.push({ x: (p.x * p.w + c.x * c.w) / w, y: (p.y * p.w + c.y * c.w) / w, w });
    }
  }
  blocks = out;
  return { xs: blocks.map((b) => b.x), ys: blocks.map((b) => b.y) };
}

/** Both kinds' candidates for account u, each with its calibrated probability, in kind order. */
export function kindCandidates(
  fit: Fit,
  cal: NextBestCalibration,
  u: number,
  group: number,
  opts: { depth?: number; allowed?: (item: number) => boolean } = {},
): { buyAgain: NextBestItem[]; crossSell: NextBestItem[] } {
  const depth = opts.depth ?? NEXT_BEST_DEPTH;
  const buy = fit.ui.ptr[u + 1] > fit.ui.ptr[u] ? scoreBuyAgain(fit.ui, fit.buyAgain, fit.params.buyAgain, fit.asOfDay, u, depth, opts.allowed) : [];
  const cross = fit.cross.recommend(u, depth, group, opts.allowed);
  const xb = new Float64Array(BUY_FEATURES);
  const xc = new Float64Array(CROSS_FEATURES);
  const active = activeChance(fit, cal, u);
  return {
    buyAgain: buy.map((b, r) => {
      buyRow(fit, u, b, r, xb, 0);
      return { item: b.item, kind: 'Buy again', probability: active * probability(cal.buyAgain, xb, 0, r), kindRank: r, entry: b.entry };
    }),
    crossSell: cross.map((c, r) => {
      crossRow(fit, u, c, r, xc, 0);
      return { item: c.item, kind: 'Cross-sell', probability: active * probability(cal.crossSell, xc, 0, r), kindRank: r, entry: -1 };
    }),
  };
}

/**
 * Merges two kind-ordered lists by probability, keeping each kind's own order (a kind's list is already its
 * best ordering; the calibration only says how the two kinds interleave). Ties go to the re-order.
 */
export function mergeByProbability(a: readonly NextBestItem[], b: readonly NextBestItem[], k: number): NextBestItem[] {
  const out: NextBestItem[] = [];
  let i = 0;
  let j = 0;
  while (out.length < k && (i < a.length || j < b.length)) {
    if (j >= b.length || (i < a.length && a[i].probability >= b[j].probability)) out.push(a[i++]);
    else out.push(b[j++]);
  }
  return out;
}

export function nextBest(fit: Fit, cal: NextBestCalibration, u: number, group: number, k: number, allowed?: (item: number) => boolean): NextBestItem[] {
  const c = kindCandidates(fit, cal, u, group, { allowed });
  return cal.merge === 'buyAgainFirst' ? [...c.buyAgain, ...c.crossSell].slice(0, k) : mergeByProbability(c.buyAgain, c.crossSell, k);
}

/**
 * Below this share of the applied window's history before the calibration window, the calibration is learned per
 * rank only (NextBestCalibration.basis). The same rule as the buy-again choice's windows (buy-again-choice.ts):
 * a window with less than half the cutoff's history before it describes a younger book. On Online Retail cut at
 * 2011-06-09 the calibration window has 7 days of history before it: every re-order there was bought once, a few
 * days earlier, and models over those features, applied to accounts with three months of history, put most picks
 * at their lowest level (0.09 predicted where 0.15-0.26 were bought).
 */
export const YOUNG_HISTORY_SHARE = 0.5;

/** Days of history before the calibration window and before the window after it (null without a horizon). */
function historyDays(fit: Fit, horizonDays: number | undefined): { calibrationDays: number; appliedDays: number } | null {
  if (horizonDays === undefined) return null;
  let first = Infinity;
  for (const d of fit.ui.userFirstDay) if (d >= 0 && d < first) first = d;
  if (!Number.isFinite(first)) return null;
  const calibrationDays = Math.max(0, fit.asOfDay - first);
  return { calibrationDays, appliedDays: calibrationDays + horizonDays };
}

/** The observed rate at each rank, shrunk by one row towards the kind's rate so a thin rank does not read 0 or 1. */
function rankRates(y: Uint8Array, ranks: Uint8Array, n: number, depth: number): number[] {
  let pos = 0;
  for (let k = 0; k < n; k++) pos += y[k];
  const rate = n ? pos / n : 0;
  const rows = new Float64Array(depth);
  const hits = new Float64Array(depth);
  for (let k = 0; k < n; k++) {
    rows[ranks[k]]++;
    hits[ranks[k]] += y[k];
  }
  return Array.from(rows, (c, r) => (hits[r] + rate) / (c + 1));
}

/**
 * Learns the calibration from `users` (accounts with history at fit.asOfDay) and what they bought in the window
 * after it (`bought`, per account). Two parts, multiplied: the chance the account orders anything in the window
 * (learned on every account, bought or not), and each kind's chance of the product given that it orders (learned
 * on the accounts that ordered). Whether an account orders in a given quarter is mostly not in its history, and a
 * re-order depends on it far more than a new product does: over all accounts, one model per kind had to average
 * the two, and on Online Retail its top re-orders promised 0.59 where 0.54 were bought. Within one account both
 * kinds share the first factor, so the merge compares the kinds' own chances given an order, which is what the
 * list is judged on (accounts that order). horizonDays: the length of the window the chances will be applied
 * after (the calibration window's own length); with it, a young book is calibrated per rank (YOUNG_HISTORY_SHARE).
 */
export function calibrateNextBest(
  fit: Fit,
  bought: Map<number, Set<number>>,
  users: readonly number[],
  groupOf?: Int32Array,
  opts: { horizonDays?: number } = {},
): NextBestCalibration {
  const depth = NEXT_BEST_DEPTH;
  const history = historyDays(fit, opts.horizonDays);
  const young = history !== null && history.calibrationDays < YOUNG_HISTORY_SHARE * history.appliedDays;
  const xa = new Float64Array(users.length * ACTIVITY_FEATURES);
  const ya = new Uint8Array(users.length);
  const xb = new Float64Array(users.length * depth * BUY_FEATURES);
  const yb = new Uint8Array(users.length * depth);
  const xc = new Float64Array(users.length * depth * CROSS_FEATURES);
  const yc = new Uint8Array(users.length * depth);
  let nb = 0;
  let nc = 0;
  // Per account that bought something: its candidates' rows, to compare the two ways of merging afterwards.
  const lists: { u: number; buy: [number, number][]; cross: [number, number][] }[] = [];
  // Each row's rank in its kind's list, for the per-rank rates of a young book.
  const rb = new Uint8Array(users.length * depth);
  const rc = new Uint8Array(users.length * depth);
  users.forEach((u, k) => {
    activityRow(fit, u, xa, k * ACTIVITY_FEATURES);
    const rel = bought.get(u);
    if (!rel || rel.size === 0) return;
    ya[k] = 1;
    const l = { u, buy: [] as [number, number][], cross: [] as [number, number][] };
    const buy = scoreBuyAgain(fit.ui, fit.buyAgain, fit.params.buyAgain, fit.asOfDay, u, depth);
    buy.forEach((b, r) => {
      buyRow(fit, u, b, r, xb, nb * BUY_FEATURES);
      l.buy.push([b.item, nb]);
      rb[nb] = r;
      yb[nb++] = rel.has(b.item) ? 1 : 0;
    });
    const cross = fit.cross.recommend(u, depth, groupOf ? groupOf[u] : -1);
    cross.forEach((c, r) => {
      crossRow(fit, u, c, r, xc, nc * CROSS_FEATURES);
      l.cross.push([c.item, nc]);
      rc[nc] = r;
      yc[nc++] = rel.has(c.item) ? 1 : 0;
    });
    lists.push(l);
  });
  const kind = (x: Float64Array, y: Uint8Array, n: number, d: number, ranks?: Uint8Array): KindCalibration => {
    let pos = 0;
    for (let k = 0; k < n; k++) pos += y[k];
    if (young) return ranks ? { model: null, rate: n ? pos / n : 0, rows: n, byRank: rankRates(y, ranks, n, depth) } : { model: null, rate: n ? pos / n : 0, rows: n };
    const model = fitLogistic(x.subarray(0, n * d), y.subarray(0, n), d, 1);
    const out: KindCalibration = { model, rate: n ? pos / n : 0, rows: n };
    if (model) {
      const pred = Float64Array.from({ length: n }, (_, k) => logisticProbability(model, x, k * d));
      out.isotonic = fitIsotonic(pred, y.subarray(0, n)) ?? undefined;
    }
    return out;
  };
  const cal: NextBestCalibration = {
    features: CALIBRATION_FEATURES,
    activity: kind(xa, ya, users.length, ACTIVITY_FEATURES),
    buyAgain: kind(xb, yb, nb, BUY_FEATURES, rb),
    crossSell: kind(xc, yc, nc, CROSS_FEATURES, rc),
    basis: young ? 'rank' : 'features',
    ...(history ? { history } : {}),
  };
  let byProbability = 0;
  let buyFirst = 0;
  const diff: number[] = [];
  for (const l of lists) {
    // The account's chance of ordering multiplies both kinds alike, so the kinds' own chances decide the merge.
    const item = (kind: NextBestKind, [i, row]: [number, number]): NextBestItem => ({
      item: i,
      kind,
      probability: kind === 'Buy again' ? probability(cal.buyAgain, xb, row * BUY_FEATURES, rb[row]) : probability(cal.crossSell, xc, row * CROSS_FEATURES, rc[row]),
      kindRank: 0,
      entry: -1,
    });
    const a = l.buy.map((r) => item('Buy again', r));
    const b = l.cross.map((r) => item('Cross-sell', r));
    const rel = bought.get(l.u)!;
    const p = ndcgAt(mergeByProbability(a, b, 10).map((r) => r.item), rel, 10);
    const f = ndcgAt([...a, ...b].slice(0, 10).map((r) => r.item), rel, 10);
    byProbability += p;
    buyFirst += f;
    diff.push(p - f);
  }
  // The calibration was learned on these same accounts, so interleaving must win by more than the window's
  // noise (two standard errors of the per-account difference) to replace re-orders-first.
  const n = lists.length || 1;
  const d = (byProbability - buyFirst) / n;
  const se = diff.length > 1 ? Math.sqrt(diff.reduce((acc, v) => acc + (v - d) ** 2, 0) / (diff.length - 1) / diff.length) : Infinity;
  cal.merge = d > 2 * se ? 'probability' : 'buyAgainFirst';
  cal.mergeNdcg = { probability: byProbability / n, buyAgainFirst: buyFirst / n, accounts: lists.length };
  return cal;
}

/**
 * Mean predicted probability against the observed rate, per decile of prediction (equal counts). observedSe:
 * the observed rate's binomial standard error, so a gap on a thin decile is read against its own noise.
 */
export type ReliabilityRow = { decile: number; count: number; meanPredicted: number; observed: number; observedSe: number };

export function reliabilityTable(predicted: readonly number[], observed: readonly number[], bins = 10): ReliabilityRow[] {
  const order = predicted.map((_, k) => k).sort((a, b) => predicted[a] - predicted[b]);
  const out: ReliabilityRow[] = [];
  for (let d = 0; d < bins; d++) {
    const lo = Math.floor((d * order.length) / bins);
    const hi = Math.floor(((d + 1) * order.length) / bins);
    if (hi <= lo) continue;
    let p = 0;
    let o = 0;
    for (let k = lo; k < hi; k++) {
      p += predicted[order[k]];
      o += observed[order[k]];
    }
    const rate = o / (hi - lo);
    out.push({ decile: d + 1, count: hi - lo, meanPredicted: p / (hi - lo), observed: rate, observedSe: Math.sqrt((rate * (1 - rate)) / (hi - lo)) });
  }
  return out;
}

/**
 * The chance shown for one cross-sell pick at `rank` in its list: calibrated when the tuned settings carry a
 * calibration, else (settings stored before calibration existed) the score's share of its maximum.
 */
// Scratch rows for the per-pick chances: the model step scores tens of millions of picks on a big org.
const crossScratch = new Float64Array(CROSS_FEATURES);
const buyScratch = new Float64Array(BUY_FEATURES);
const activityScratch = new Float64Array(ACTIVITY_FEATURES);

/**
 * The chance account u orders anything in the window, the factor every pick's chance shares: taken once per
 * account by the caller and passed to crossSellChance / buyAgainChance for each of its picks.
 */
export function accountChance(fit: Fit, u: number): number {
  const cal = fit.params.nextBest;
  return cal ? activeChance(fit, cal, u) : 1;
}

export function crossSellChance(fit: Fit, u: number, c: ScoredItem, rank: number, active: number): number {
  const cal = fit.params.nextBest;
  if (!cal) return Math.min(1, Math.max(0, c.score / fit.cross.maxScore));
  const x = crossScratch;
  crossRow(fit, u, c, rank, x, 0);
  return active * probability(cal.crossSell, x, 0, rank);
}

/** The chance shown for one buy-again pick at `rank`; without a calibration, 1 - exp(-score) as before. */
export function buyAgainChance(fit: Fit, u: number, b: BuyAgainItem, rank: number, active: number): number {
  const cal = fit.params.nextBest;
  if (!cal) return 1 - Math.exp(-Math.max(0, b.score));
  const x = buyScratch;
  buyRow(fit, u, b, rank, x, 0);
  return active * probability(cal.buyAgain, x, 0, rank);
}
