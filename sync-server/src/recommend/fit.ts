// Fits both lists' models on one purchase log as of a day. Pure function of (log, asOf, params, groups), so
// the same call serves the tuner (on the validation split), the evaluator and the production run.
import { buildUserItems, transpose, type PurchaseLog, type UserItems } from './purchase-log.js';
import { itemSimilarity, type ItemNeighbours, type SimilarityParams } from './item-similarity.js';
import { adoptionCounts, popularity, rankItems, type Popularity } from './popularity.js';
import { CANDIDATES, CrossSellScorer, ITEM_FEATURES, type CrossSellParams, type RankerSignals } from './cross-sell.js';
import type { TextIndex } from './text-similarity.js';
import { buyAgainStats, type BuyAgainParams, type BuyAgainStats } from './buy-again.js';
import type { NextBestCalibration } from './calibration.js';
import type { TierChoice } from './tier.js';

export type RecoParams = {
  sim: { alpha: number; beta: number; k: number; tau: number; normalise?: boolean };
  cross: CrossSellParams;
  popTau: number;
  buyAgain: BuyAgainParams;
  /** Per-kind calibration to the chance of purchase in the next window (tuned; absent in old stored settings). */
  nextBest?: NextBestCalibration | null;
  /** Which step of the model this org's data supports (tier.ts); absent in old stored settings. */
  tier?: TierChoice;
};

export const DEFAULT_PARAMS: RecoParams = {
  sim: { alpha: 0.75, beta: 0.3, k: 100, tau: 180 },
  cross: { tau: 90, popWeight: 0.1 },
  popTau: 30,
  buyAgain: { tau: 90, dueWeight: 0.3, repeatWeight: 0.5, trendWeight: 0.5 },
};

export type FittedReco = {
  asOfDay: number;
  params: RecoParams;
  ui: UserItems;
  neighbours: ItemNeighbours;
  pop: Popularity;
  signals: RankerSignals;
  cross: CrossSellScorer;
  buyAgain: BuyAgainStats;
};

export type FitCache = { ui?: UserItems; sims: Map<string, ItemNeighbours> };

export function simKey(p: RecoParams['sim']): string {
  return `${p.alpha}/${p.beta}/${p.k}/${p.tau}/${p.normalise ?? false}`;
}

/** The item-similarity settings and per-entry weights fitReco uses, so they can also be computed elsewhere. */
export function similarityInput(ui: UserItems, asOfDay: number, sim: RecoParams['sim']): { params: SimilarityParams; entryWeight: Float64Array } {
  // Co-purchases weigh by how recently the account last bought each side: this season's baskets say more
  // about next season than last year's.
  const tau = sim.tau;
  const entryWeight = Float64Array.from(ui.lastDay, (d) => (Number.isFinite(tau) ? Math.exp(-(asOfDay - d) / tau) : 1));
  const { alpha, beta, k, normalise } = sim;
  return { params: { kind: 'rp3beta', alpha, beta, k, normalise }, entryWeight };
}

export function fitReco(
  log: PurchaseLog | UserItems,
  asOfDay: number,
  params: RecoParams,
  groups?: { of: Int32Array; count: number },
  cache?: FitCache,
  text?: TextIndex | null,
): FittedReco {
  const ui = 'ptr' in log ? log : (cache?.ui ?? buildUserItems(log));
  if (cache) cache.ui = ui;
  const key = simKey(params.sim);
  let neighbours = cache?.sims.get(key);
  if (!neighbours) {
    const input = similarityInput(ui, asOfDay, params.sim);
    neighbours = itemSimilarity(ui, transpose(ui), input.params, input.entryWeight);
    cache?.sims.set(key, neighbours);
  }
  const pop = popularity(ui, asOfDay, params.popTau, groups?.of, groups?.count ?? 0);
  const signals = rankerSignals(ui, asOfDay, text ?? null);
  return {
    asOfDay,
    params,
    ui,
    neighbours,
    pop,
    signals,
    cross: new CrossSellScorer(ui, neighbours, pop, params.cross, asOfDay, signals),
    buyAgain: buyAgainStats(ui, asOfDay),
  };
}

/** Item-level inputs of the cross-sell ranker as of a day: a few passes over the purchase entries. */
export function rankerSignals(ui: UserItems, asOfDay: number, text: TextIndex | null): RankerSignals {
  const adopt = [7, 30, 90, Infinity].map((tau) => adoptionCounts(ui, asOfDay, tau));
  const firstDay = new Int32Array(ui.nItems).fill(-1);
  const buyers = new Float64Array(ui.nItems);
  const repeaters = new Float64Array(ui.nItems);
  for (let e = 0; e < ui.items.length; e++) {
    const i = ui.items[e];
    if (firstDay[i] < 0 || ui.firstDay[e] < firstDay[i]) firstDay[i] = ui.firstDay[e];
    buyers[i]++;
    if (ui.orders[e] > 1) repeaters[i]++;
  }
  const item = new Float64Array(ui.nItems * ITEM_FEATURES);
  for (let i = 0; i < ui.nItems; i++) {
    const o = i * ITEM_FEATURES;
    // Counts in adopters (0.1 = a tenth of one), so the scale means the same on any org and any day.
    for (let k = 0; k < 4; k++) item[o + k] = Math.log(0.1 + adopt[k][i]);
    item[o + 4] = Math.log1p(firstDay[i] >= 0 ? Math.max(0, asOfDay - firstDay[i]) : 0);
    // Shrunk towards a low rate so a product with one buyer does not look like a staple.
    item[o + 5] = (repeaters[i] + 1) / (buyers[i] + 4);
  }
  // Enough of the order to fill the trending candidates even after an account's own products are skipped.
  return { item, trendingOrder: rankItems(adopt[0], CANDIDATES.trending * 20), text };
}
