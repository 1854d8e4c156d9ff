// Second stage of cross-sell: a linear ranker over a few dozen candidates per account. The first stage (item
// neighbourhoods, popularity) proposes; the ranker weighs relative, season-independent signals (neighbourhood
// score and rank, how fast a product is winning new buyers at several time scales, similarity of its
// description to the account's, its age) with weights learned on the validation window. A fixed blend weight
// picked in one season misses what is being adopted in another; learned weights on relative signals carry over.
//
// Training is listwise (softmax over each account's candidates, positives = products first bought in the
// window), convex, solved by Newton's method: deterministic, a handful of iterations on a d x d system.

import { trainListwise } from './listwise.js';

export const RERANK_FEATURES = [
  'cf', // neighbourhood score / the account's best
  'cfRank', // 1 / log2(2 + rank among neighbourhood candidates), 0 when no neighbour reached it
  'logCf',
  'logAdopt7', // log adopters with a 7-day decay (first purchases), a "right now" signal
  'logAdopt30',
  'logAdopt90',
  'logAdoptAll',
  'logGroupPop', // adoption popularity within the account's group (segment / country)
  'text', // cosine of description + family TF-IDF to the account's profile
  'logAge', // log days since the product's first sale
  'cfXBreadth', // neighbourhood evidence counts more for accounts with a broad history
  'adopt7XBreadth',
  'logSupport', // how many of the account's products have it as a neighbour
  'adopt7XRecency', // accounts that ordered long ago follow this week's adoptions less
  'repeatRate', // share of its buyers who bought it again (staple vs one-off)
] as const;

export const N_FEATURES = RERANK_FEATURES.length;

/** JSON-serialisable: the service stores it with the other tuned settings and reuses it between runs. */
export type RerankModel = {
  features: string[];
  mean: number[];
  scale: number[];
  weights: number[]; // on standardised features
  /** Platt scaling of the linear score to P(first purchase in the next window). */
  calibration: [number, number];
};

/** One account's candidates: n rows of N_FEATURES values, and which were adopted (training only). */
export type CandidateList = { items: Int32Array; x: Float64Array; n: number; labels?: Uint8Array };

/**
 * A stored model is usable only if it was learned on exactly these features (settings stored by an older
 * version are reused between runs) and holds finite numbers; otherwise the first stage ranks alone.
 */
export function compatibleRanker(m: RerankModel | null | undefined): m is RerankModel {
  if (!m || !Array.isArray(m.features) || m.features.length !== N_FEATURES) return false;
  if (m.features.some((f, k) => f !== RERANK_FEATURES[k])) return false;
  const numbers = [...m.mean, ...m.scale, ...m.weights, ...m.calibration];
  return numbers.length === 3 * N_FEATURES + 2 && numbers.every((v) => typeof v === 'number' && Number.isFinite(v)) && m.scale.every((v) => v > 0);
}

export function linearScore(m: RerankModel, x: Float64Array, row: number): number {
  let s = 0;
  const o = row * N_FEATURES;
  for (let k = 0; k < N_FEATURES; k++) s += (m.weights[k] * (x[o + k] - m.mean[k])) / m.scale[k];
  return s;
}

export function calibrated(m: RerankModel, s: number): number {
  return 1 / (1 + Math.exp(-(m.calibration[0] * s + m.calibration[1])));
}

/**
 * Fits the ranker. Lists without a positive teach a softmax nothing and are skipped; each account weighs the
 * same (NDCG is averaged per account). lambda is an L2 penalty on the standardised weights.
 */
export function trainRanker(lists: readonly CandidateList[], opts: { lambda?: number; iterations?: number } = {}): RerankModel | null {
  const used = lists.filter((l): l is CandidateList & { labels: Uint8Array } => Boolean(l.labels && l.labels.some((v) => v === 1) && l.labels.some((v) => v === 0)));
  // The same listwise fit as the re-order model, with no prior (weights pulled towards zero).
  const fit = trainListwise(used, N_FEATURES, { lambda: opts.lambda, iterations: opts.iterations, minLists: 20 });
  if (!fit) return null; // too little evidence to learn weights from
  const model: RerankModel = { features: [...RERANK_FEATURES], ...fit, calibration: [1, 0] };
  model.calibration = plattScaling(model, used);
  return model;
}

/** Fits P(adopted) = sigmoid(a * score + b) on the training rows (Newton on two parameters). */
function plattScaling(m: RerankModel, lists: readonly CandidateList[]): [number, number] {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const l of lists) {
    for (let r = 0; r < l.n; r++) {
      xs.push(linearScore(m, l.x, r));
      ys.push(l.labels![r]);
    }
  }
  let a = 1;
  let b = 0;
  for (let it = 0; it < 30; it++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    for (let k = 0; k < xs.length; k++) {
      const p = 1 / (1 + Math.exp(-(a * xs[k] + b)));
      const e = p - ys[k];
      const v = p * (1 - p);
      ga += e * xs[k];
      gb += e;
      haa += v * xs[k] * xs[k];
      hab += v * xs[k];
      hbb += v;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return [a, b];
}
