// Listwise linear ranking: softmax over each list's rows, positives share the target mass, L2 on standardised
// weights, Newton's method with backtracking. Convex and deterministic: the same lists give the same weights.
// Each list weighs the same, as NDCG is averaged per account.

import { solveDense } from './dense-solve.js';

export type ListwiseList = { x: Float64Array; n: number; labels: Uint8Array };

export type ListwiseFit = { mean: number[]; scale: number[]; weights: number[] };

/** Null with fewer than `minLists` lists holding both a positive and a negative: too little to learn from. */
export function trainListwise(
  lists: readonly ListwiseList[],
  d: number,
  opts: { lambda?: number; iterations?: number; minLists?: number; prior?: readonly number[] } = {},
): ListwiseFit | null {
  const used = lists.filter((l) => l.labels.some((v) => v === 1) && l.labels.some((v) => v === 0));
  if (used.length < (opts.minLists ?? 20)) return null;
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  let rows = 0;
  for (const l of used) {
    for (let r = 0; r < l.n; r++) {
      for (let k = 0; k < d; k++) {
        const v = l.x[r * d + k];
        mean[k] += v;
        sq[k] += v * v;
      }
    }
    rows += l.n;
  }
  const scale = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    mean[k] /= rows;
    scale[k] = Math.sqrt(Math.max(0, sq[k] / rows - mean[k] ** 2)) || 1;
  }
  const z = used.map((l) => {
    const out = new Float64Array(l.n * d);
    for (let r = 0; r < l.n; r++) for (let k = 0; k < d; k++) out[r * d + k] = (l.x[r * d + k] - mean[k]) / scale[k];
    return out;
  });
  const lambda = opts.lambda ?? 1e-3;
  // The penalty pulls towards `prior` (standardised weights), zero by default: with little evidence the
  // weights stay near an ordering known to be sensible instead of near "no preference".
  const prior = opts.prior ?? new Array<number>(d).fill(0);
  const G = used.length;
  const s = new Float64Array(Math.max(...used.map((l) => l.n)));
  const lossGrad = (wt: Float64Array): { loss: number; grad: Float64Array; hess: Float64Array } => {
    const grad = new Float64Array(d);
    const hess = new Float64Array(d * d);
    const xbar = new Float64Array(d);
    let loss = 0;
    used.forEach((l, g) => {
      const zx = z[g];
      const y = l.labels;
      let max = -Infinity;
      let pos = 0;
      for (let r = 0; r < l.n; r++) {
        let v = 0;
        for (let k = 0; k < d; k++) v += wt[k] * zx[r * d + k];
        s[r] = v;
        if (v > max) max = v;
        pos += y[r];
      }
      let sum = 0;
      for (let r = 0; r < l.n; r++) sum += Math.exp(s[r] - max);
      const lse = max + Math.log(sum);
      xbar.fill(0);
      for (let r = 0; r < l.n; r++) {
        const p = Math.exp(s[r] - lse);
        const yr = y[r] / pos;
        if (yr) loss -= yr * s[r];
        for (let k = 0; k < d; k++) {
          const v = zx[r * d + k];
          xbar[k] += p * v;
          grad[k] -= yr * v;
          for (let j = 0; j <= k; j++) hess[k * d + j] += p * v * zx[r * d + j];
        }
      }
      loss += lse;
      for (let k = 0; k < d; k++) {
        grad[k] += xbar[k];
        for (let j = 0; j <= k; j++) hess[k * d + j] -= xbar[k] * xbar[j];
      }
    });
    for (let k = 0; k < d; k++) {
      const off = wt[k] - prior[k];
      grad[k] = grad[k] / G + lambda * off;
      loss += (G * lambda * off * off) / 2;
      for (let j = 0; j <= k; j++) {
        hess[k * d + j] = hess[k * d + j] / G + (j === k ? lambda : 0);
        hess[j * d + k] = hess[k * d + j];
      }
    }
    return { loss: loss / G, grad, hess };
  };
  let w = Float64Array.from(prior);
  let cur = lossGrad(w);
  for (let it = 0; it < (opts.iterations ?? 25); it++) {
    const step = solveDense(cur.hess, cur.grad, d);
    let t = 1;
    let next: ReturnType<typeof lossGrad> | null = null;
    let cand = w;
    // Backtracking keeps every step a descent step, so the result does not depend on a lucky start.
    for (let b = 0; b < 30; b++, t /= 2) {
      cand = w.map((v, k) => v - t * step[k]);
      next = lossGrad(cand);
      if (next.loss <= cur.loss) break;
    }
    if (!next || next.loss > cur.loss) break;
    const gain = cur.loss - next.loss;
    w = cand;
    cur = next;
    if (gain < 1e-9) break;
  }
  return { mean: [...mean], scale: [...scale], weights: [...w] };
}
