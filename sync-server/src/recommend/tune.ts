// Tunes the model settings on a validation window carved from the end of the training period (never on
// anything after asOf): fit on [.., asOf - N months), score on [asOf - N months, asOf). Coordinate ascent
// over small grids keeps it to a few dozen cheap evaluations; similarity matrices are cached per setting.
import { addMonths } from './calendar.js';
import { buildUserItems, sliceLog, type PurchaseLog } from './purchase-log.js';
import { groundTruth } from './ground-truth.js';
import { fitReco, DEFAULT_PARAMS, type FitCache, type FittedReco, type RecoParams } from './fit.js';
import { scoreBuyAgain } from './buy-again.js';
import { ndcgAt } from '../evaluate/metrics.js';
import { sampleKeys, trainCrossSellRanker, type RankerReport } from './ranker-training.js';
import type { TextIndex } from './text-similarity.js';

export type TuneResult = {
  params: RecoParams;
  tuned: boolean;
  validation: { from: number; to: number; crossSellNdcg: number; buyAgainNdcg: number; users: number };
  evaluations: number;
  ranker: RankerReport | null;
};

type Grid<T> = { [K in keyof T]?: T[K][] };

const SIM_GRID: Grid<RecoParams['sim']> = {
  tau: [60, 120, 180, 365, Infinity],
  alpha: [0.5, 0.75, 1],
  beta: [0.15, 0.3, 0.45, 0.6, 0.75],
  k: [50, 100, 200],
};
const CROSS_GRID: Grid<RecoParams['cross']> = { tau: [30, 90, 180, 365, Infinity], popWeight: [0, 0.05, 0.1, 0.2, 0.4, 0.8] };
const POP_TAU = [7, 14, 30, 90, Infinity];
const BUY_GRID: Grid<RecoParams['buyAgain']> = {
  tau: [30, 60, 120, 365, Infinity],
  dueWeight: [0, 0.25, 0.5, 1],
  repeatWeight: [0, 0.5, 1, 2],
  trendWeight: [0, 0.5, 1, 2, 3, 5],
};

/** Deterministic sample of at most n keys (every stride-th), so tuning cost stays bounded on big orgs. */
function sampleUsers<T>(m: Map<number, T>, n: number): Map<number, T> {
  if (m.size <= n) return m;
  return new Map(sampleKeys([...m.keys()], n).map((k) => [k, m.get(k)!]));
}

export function crossSellNdcg(fit: FittedReco, truth: Map<number, Set<number>>, groupOf?: Int32Array): number {
  let sum = 0;
  for (const [u, rel] of truth) {
    sum += ndcgAt(fit.cross.recommend(u, 10, groupOf ? groupOf[u] : -1).map((r) => r.item), rel, 10);
  }
  return truth.size ? sum / truth.size : 0;
}

export function buyAgainNdcg(fit: FittedReco, params: RecoParams['buyAgain'], truth: Map<number, Set<number>>): number {
  let sum = 0;
  for (const [u, rel] of truth) {
    const ranked = scoreBuyAgain(fit.ui, fit.buyAgain, params, fit.asOfDay, u, 10).map((r) => r.item);
    sum += ndcgAt(ranked, rel, 10);
  }
  return truth.size ? sum / truth.size : 0;
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
  const result = (params: RecoParams, c: number, b: number, tuned: boolean, evaluations: number): TuneResult => ({
    params,
    tuned,
    validation: { from, to: asOfDay, crossSellNdcg: c, buyAgainNdcg: b, users: Math.max(cs.size, ba.size) },
    evaluations,
    ranker: null,
  });
  if (cs.size < 20 && ba.size < 20) return result(start, 0, 0, false, 0); // too little history to tune on

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

  const fit = fitReco(ui, from, best, opts.groups, cache);
  let bestBuy = best.buyAgain;
  let bestBuyScore = buyAgainNdcg(fit, bestBuy, ba);
  for (let pass = 0; pass < 2; pass++) {
    for (const [key, values] of Object.entries(BUY_GRID) as [keyof RecoParams['buyAgain'], number[]][]) {
      for (const v of values) {
        const cand = { ...bestBuy, [key]: v };
        evaluations++;
        const s = buyAgainNdcg(fit, cand, ba);
        if (s > bestBuyScore + 1e-9) {
          bestBuy = cand;
          bestBuyScore = s;
        }
      }
    }
  }
  const out = result({ ...best, buyAgain: bestBuy }, bestScore, bestBuyScore, true, evaluations);
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
  return out;
}
