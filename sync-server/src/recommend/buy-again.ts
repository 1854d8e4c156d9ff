// Buy-again scoring from the account's own rhythm: recency-weighted frequency, a "due" term from its own
// interval between orders of the product, the product's repurchase propensity across all accounts, and the
// product's current momentum (seasonal lines come back together). The mix is tuned on the validation window.
// Settings stored before the learned re-order model (buy-again-model.ts) still score with this mix. Which
// ordering an org gets, the learned model or a plain own-history ordering, is decided on its own history
// (buy-again-choice.ts).
import { TopK } from './top-k.js';
import type { UserItems } from './purchase-log.js';
import { buyAgainModelScore, compatibleBuyAgainModel, type BuyAgainModel } from './buy-again-model.js';

/** learned: the learned model (or, in older stored settings, the mix below); the others are plain orderings of the account's own history. */
export type BuyAgainOrder = 'learned' | 'recency' | 'frequency' | 'recencyFrequency';

export type OwnHistoryOrder = Exclude<BuyAgainOrder, 'learned'>;

export const OWN_HISTORY_ORDERS: readonly OwnHistoryOrder[] = ['recency', 'frequency', 'recencyFrequency'];

export type BuyAgainParams = {
  tau: number;
  dueWeight: number;
  repeatWeight: number;
  trendWeight: number;
  order?: BuyAgainOrder;
  model?: BuyAgainModel | null;
  /** Why this ordering (buy-again-choice.ts), kept with the settings so each re-order's evidence can say it. */
  why?: string;
};

/**
 * meanRepeatRate: the org's repeat rate weighted by buyers, the yardstick calibration reads each product's rate
 * against. Computed here, over the whole org, so every part of the model step (a partition worker holds only
 * its accounts) reads the same value.
 */
export type BuyAgainStats = { repeatRate: Float64Array; trend: Float64Array; meanRepeatRate: number };

export type Rhythm = { orders: number; intervalDays: number | null; daysSinceLast: number; due: number };

/** Item-level signals shared by every account. `trendDays` is the momentum window before asOf. */
export function buyAgainStats(ui: UserItems, asOfDay: number, trendDays = 30): BuyAgainStats {
  const buyers = new Float64Array(ui.nItems);
  const repeaters = new Float64Array(ui.nItems);
  const recent = new Float64Array(ui.nItems);
  for (let e = 0; e < ui.items.length; e++) {
    const i = ui.items[e];
    buyers[i]++;
    if (ui.orders[e] >= 2) repeaters[i]++;
    if (ui.lastDay[e] >= asOfDay - trendDays) recent[i]++;
  }
  const repeatRate = new Float64Array(ui.nItems);
  const trend = new Float64Array(ui.nItems);
  let maxRecent = 0;
  for (let i = 0; i < ui.nItems; i++) maxRecent = Math.max(maxRecent, Math.log1p(recent[i]));
  for (let i = 0; i < ui.nItems; i++) {
    repeatRate[i] = (repeaters[i] + 1) / (buyers[i] + 4); // shrunk so one-buyer items do not look certain
    trend[i] = maxRecent > 0 ? Math.log1p(recent[i]) / maxRecent : 0;
  }
  let sum = 0;
  for (let e = 0; e < ui.items.length; e++) sum += repeatRate[ui.items[e]];
  return { repeatRate, trend, meanRepeatRate: ui.items.length ? sum / ui.items.length : 1 };
}

export function rhythm(ui: UserItems, e: number, asOfDay: number): Rhythm {
  const orders = ui.orders[e];
  const daysSinceLast = asOfDay - ui.lastDay[e];
  if (orders < 2) return { orders, intervalDays: null, daysSinceLast, due: 0 };
  const intervalDays = Math.max(1, (ui.lastDay[e] - ui.firstDay[e]) / (orders - 1));
  const z = (daysSinceLast - intervalDays) / Math.max(intervalDays, 14);
  return { orders, intervalDays, daysSinceLast, due: Math.exp(-0.5 * z * z) };
}

export type BuyAgainItem = { item: number; entry: number; score: number };

export function scoreBuyAgain(
  ui: UserItems,
  stats: Omit<BuyAgainStats, 'meanRepeatRate'>,
  params: BuyAgainParams,
  asOfDay: number,
  u: number,
  limit: number,
  allowed?: (item: number) => boolean,
): BuyAgainItem[] {
  const heap = new TopK(limit);
  // A stored model from another version is checked once per list, not per product; it falls back to the mix.
  const p = params.order === 'learned' && params.model && !compatibleBuyAgainModel(params.model) ? { ...params, model: null } : params;
  for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) {
    const i = ui.items[e];
    if (allowed && !allowed(i)) continue;
    heap.push(e, entryScore(ui, stats, p, asOfDay, e));
  }
  const best = heap.sorted();
  return best.ids.map((e, r) => ({ item: ui.items[e], entry: e, score: best.scores[r] }));
}

/**
 * A plain own-history ordering of entry e (higher first). Ties break on the other signal (frequency on
 * recency, recency on frequency) so each ordering is total. Recency x frequency: order days times a
 * 90-day exponential decay since the last one, the usual RFM-style "often and lately" blend.
 */
export function ownHistoryScore(ui: UserItems, order: OwnHistoryOrder, asOfDay: number, e: number): number {
  const since = Math.max(0, asOfDay - ui.lastDay[e]);
  const n = ui.orders[e];
  if (order === 'recency') return -since + n / (n + 1);
  if (order === 'frequency') return n + 1 / (2 + since);
  return n * Math.exp(-since / 90);
}

export function entryScore(ui: UserItems, stats: Omit<BuyAgainStats, 'meanRepeatRate'>, params: BuyAgainParams, asOfDay: number, e: number): number {
  if (params.order && params.order !== 'learned') return ownHistoryScore(ui, params.order, asOfDay, e);
  if (params.model) return buyAgainModelScore(params.model, ui, stats, asOfDay, e);
  let f = 0;
  for (let p = ui.dayPtr[e]; p < ui.dayPtr[e + 1]; p++) {
    f += Number.isFinite(params.tau) ? Math.exp(-(asOfDay - ui.days[p]) / params.tau) : 1;
  }
  const i = ui.items[e];
  return (
    Math.log1p(f) +
    params.dueWeight * rhythm(ui, e, asOfDay).due +
    params.repeatWeight * stats.repeatRate[i] +
    params.trendWeight * stats.trend[i]
  );
}
