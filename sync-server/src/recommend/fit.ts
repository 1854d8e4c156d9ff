// Fits both lists' models on one purchase log as of a day. Pure function of (log, asOf, params, groups), so
// the same call serves the tuner (on the validation split), the evaluator and the production run.
import { buildUserItems, transpose, type PurchaseLog, type UserItems } from './purchase-log.js';
import { itemSimilarity, type ItemNeighbours, type SimilarityParams } from './item-similarity.js';
import { popularity, type Popularity } from './popularity.js';
import { CrossSellScorer, type CrossSellParams } from './cross-sell.js';
import { buyAgainStats, type BuyAgainParams, type BuyAgainStats } from './buy-again.js';

export type RecoParams = {
  sim: { alpha: number; beta: number; k: number; tau: number; normalise?: boolean };
  cross: CrossSellParams;
  popTau: number;
  buyAgain: BuyAgainParams;
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
  cross: CrossSellScorer;
  buyAgain: BuyAgainStats;
};

export type FitCache = { ui?: UserItems; sims: Map<string, ItemNeighbours> };

export function simKey(p: RecoParams['sim']): string {
  return `${p.alpha}/${p.beta}/${p.k}/${p.tau}/${p.normalise ?? false}`;
}

export function fitReco(
  log: PurchaseLog | UserItems,
  asOfDay: number,
  params: RecoParams,
  groups?: { of: Int32Array; count: number },
  cache?: FitCache,
): FittedReco {
  const ui = 'ptr' in log ? log : (cache?.ui ?? buildUserItems(log));
  if (cache) cache.ui = ui;
  const key = simKey(params.sim);
  let neighbours = cache?.sims.get(key);
  if (!neighbours) {
    // Co-purchases weigh by how recently the account last bought each side: this season's baskets say more
    // about next season than last year's.
    const tau = params.sim.tau;
    const recency = Float64Array.from(ui.lastDay, (d) => (Number.isFinite(tau) ? Math.exp(-(asOfDay - d) / tau) : 1));
    const { alpha, beta, k, normalise } = params.sim;
    neighbours = itemSimilarity(ui, transpose(ui), { kind: 'rp3beta', alpha, beta, k, normalise } satisfies SimilarityParams, recency);
    cache?.sims.set(key, neighbours);
  }
  const pop = popularity(ui, asOfDay, params.popTau, groups?.of, groups?.count ?? 0);
  return {
    asOfDay,
    params,
    ui,
    neighbours,
    pop,
    cross: new CrossSellScorer(ui, neighbours, pop, params.cross, asOfDay),
    buyAgain: buyAgainStats(ui, asOfDay),
  };
}
