// A learned re-order ranker: a linear score over the account's own history of each product (how often, how
// lately, how regularly, how overdue) and a few product-level signals (how often its buyers re-order it, its
// momentum), weighted listwise (softmax over each account's owned products, positives = the ones re-ordered in
// the window) on several 3-month windows inside the training period. The plain own-history orderings are
// special cases of this score (frequency = the first feature alone, recency = the second), so with enough
// evidence it can only lose to them by over-fitting, which the held-out check in buy-again-choice.ts catches.
import type { UserItems } from './purchase-log.js';
import { trainListwise, type ListwiseList } from './listwise.js';

/** Product-level signals shared by every account (buy-again.ts computes them). */
export type ItemSignals = { repeatRate: Float64Array; trend: Float64Array };

export const BUY_AGAIN_FEATURES = [
  'logOrders', // distinct order days of the product (frequency)
  'logSince', // log days since its last order (recency)
  'sinceYears', // the same, linear: with logOrders it spans "often and lately" (recency x frequency)
  'logDecayed', // order days weighted by a 90-day decay
  'logRate', // order days per month since the account first bought it (a steady staple vs an old burst)
  'logOverdue', // days since the last order over its usual interval (0 with a single order)
  'due', // close to its usual interval
  'repeatRate', // share of its buyers who bought it again
  'trend', // buyers in the last 30 days (seasonal lines come back together)
] as const;

export const N_BUY_FEATURES = BUY_AGAIN_FEATURES.length;

/** JSON-serialisable, stored with the other tuned settings. Weights are on standardised features. */
export type BuyAgainModel = { features: string[]; mean: number[]; scale: number[]; weights: number[] };

/** The features of purchase entry e (account x product) as of asOfDay, written at x[o..o + N_BUY_FEATURES). */
export function buyAgainFeatures(ui: UserItems, stats: ItemSignals, asOfDay: number, e: number, x: Float64Array, o: number): void {
  const n = ui.orders[e];
  const since = Math.max(0, asOfDay - ui.lastDay[e]);
  let decayed = 0;
  for (let p = ui.dayPtr[e]; p < ui.dayPtr[e + 1]; p++) decayed += Math.exp(-(asOfDay - ui.days[p]) / 90);
  const interval = n >= 2 ? Math.max(1, (ui.lastDay[e] - ui.firstDay[e]) / (n - 1)) : null;
  const i = ui.items[e];
  x[o] = Math.log(n);
  x[o + 1] = Math.log1p(since);
  x[o + 2] = since / 365;
  x[o + 3] = Math.log1p(decayed);
  x[o + 4] = Math.log((n * 30) / (asOfDay - ui.firstDay[e] + 30));
  x[o + 5] = interval === null ? 0 : Math.log((since + 1) / (interval + 1));
  const z = interval === null ? 0 : (since - interval) / Math.max(interval, 14);
  x[o + 6] = interval === null ? 0 : Math.exp(-0.5 * z * z);
  x[o + 7] = stats.repeatRate[i];
  x[o + 8] = stats.trend[i];
}

const scratch = new Float64Array(N_BUY_FEATURES);

export function buyAgainModelScore(m: BuyAgainModel, ui: UserItems, stats: ItemSignals, asOfDay: number, e: number): number {
  buyAgainFeatures(ui, stats, asOfDay, e, scratch, 0);
  let s = 0;
  for (let k = 0; k < N_BUY_FEATURES; k++) s += (m.weights[k] * (scratch[k] - m.mean[k])) / m.scale[k];
  return s;
}

/** Each feature's share of the score (standardised weight x standardised value), for `explain`. */
export function buyAgainModelParts(m: BuyAgainModel, ui: UserItems, stats: ItemSignals, asOfDay: number, e: number): Record<string, number> {
  const x = new Float64Array(N_BUY_FEATURES);
  buyAgainFeatures(ui, stats, asOfDay, e, x, 0);
  return Object.fromEntries(BUY_AGAIN_FEATURES.map((f, k) => [f, (m.weights[k] * (x[k] - m.mean[k])) / m.scale[k]]));
}

/** A stored model is used only if it was learned on exactly these features and holds finite numbers. */
export function compatibleBuyAgainModel(m: BuyAgainModel | null | undefined): m is BuyAgainModel {
  if (!m || !Array.isArray(m.features) || m.features.length !== N_BUY_FEATURES) return false;
  if (m.features.some((f, k) => f !== BUY_AGAIN_FEATURES[k])) return false;
  const numbers = [...m.mean, ...m.scale, ...m.weights];
  return numbers.length === 3 * N_BUY_FEATURES && numbers.every((v) => typeof v === 'number' && Number.isFinite(v)) && m.scale.every((v) => v > 0);
}

/** One training window: the features as of `asOfDay` and what each account re-ordered in the window after it. */
export type BuyAgainWindow = { ui: UserItems; stats: ItemSignals; asOfDay: number; truth: Map<number, Set<number>> };

/** Each account in the window's truth becomes one list of its owned products, labelled by re-order. */
export function buyAgainLists(w: BuyAgainWindow): (ListwiseList & { account: number })[] {
  const out: (ListwiseList & { account: number })[] = [];
  for (const [u, rel] of w.truth) {
    const n = w.ui.ptr[u + 1] - w.ui.ptr[u];
    if (n < 2) continue; // one owned product: nothing to order
    const x = new Float64Array(n * N_BUY_FEATURES);
    const labels = new Uint8Array(n);
    for (let r = 0; r < n; r++) {
      const e = w.ui.ptr[u] + r;
      buyAgainFeatures(w.ui, w.stats, w.asOfDay, e, x, r * N_BUY_FEATURES);
      labels[r] = rel.has(w.ui.items[e]) ? 1 : 0;
    }
    out.push({ x, n, labels, account: u });
  }
  return out;
}

/**
 * Learns the model on the windows' lists; null when fewer than 20 accounts had both a re-order and a miss.
 * The weights are pulled towards plain frequency (logOrders alone, its weight learned first), not towards
 * zero: a small book's model stays close to that ordering and moves away where the evidence agrees.
 */
export function trainBuyAgainModel(lists: readonly ListwiseList[], lambda = 0.1): BuyAgainModel | null {
  const frequencyOnly = lists.map((l) => ({ n: l.n, labels: l.labels, x: Float64Array.from({ length: l.n }, (_, r) => l.x[r * N_BUY_FEATURES]) }));
  const f = trainListwise(frequencyOnly, 1, { lambda: 1e-4 });
  if (!f) return null;
  const prior = [f.weights[0], ...new Array<number>(N_BUY_FEATURES - 1).fill(0)];
  const fit = trainListwise(lists, N_BUY_FEATURES, { lambda, prior });
  return fit ? { features: [...BUY_AGAIN_FEATURES], ...fit } : null;
}
