// Simple baselines run beside Reco in every evaluation, so a figure never stands without its comparison.
import { TopK } from '../recommend/top-k.js';
import { itemSimilarity } from '../recommend/item-similarity.js';
import { transpose, type UserItems } from '../recommend/purchase-log.js';
import { ownHistoryScore, type BuyAgainOrder } from '../recommend/buy-again.js';

export type Ranker = (u: number, k: number) => number[];

function itemBuyers(ui: UserItems): Float64Array {
  const c = new Float64Array(ui.nItems);
  for (let e = 0; e < ui.items.length; e++) c[ui.items[e]]++;
  return c;
}

/** Most-bought products (by distinct accounts); cross-sell skips what the account owns. */
export function popularityCrossSell(ui: UserItems): Ranker {
  const c = itemBuyers(ui);
  const order = Array.from({ length: ui.nItems }, (_, i) => i).filter((i) => c[i] > 0);
  order.sort((a, b) => c[b] - c[a] || a - b);
  return (u, k) => {
    const own = new Set(ui.items.subarray(ui.ptr[u], ui.ptr[u + 1]));
    const out: number[] = [];
    for (const i of order) {
      if (out.length >= k) break;
      if (!own.has(i)) out.push(i);
    }
    return out;
  };
}

/** Most-bought products whether or not the account owns them: the next-best list's popularity baseline. */
export function popularityNextBest(ui: UserItems): Ranker {
  const c = itemBuyers(ui);
  const order = Array.from({ length: ui.nItems }, (_, i) => i).filter((i) => c[i] > 0);
  order.sort((a, b) => c[b] - c[a] || a - b);
  return (_u, k) => order.slice(0, k);
}

/** The account's own products ordered by overall popularity. */
export function popularityBuyAgain(ui: UserItems): Ranker {
  const c = itemBuyers(ui);
  return (u, k) => rankEntries(ui, u, k, (e) => c[ui.items[e]]);
}

/** The account's own products ranked by how many orders held them (ties: most recent first). */
export function ownHistoryBuyAgain(ui: UserItems, asOfDay: number): Ranker {
  return ownHistoryOrder(ui, 'frequency', asOfDay);
}

/** The account's own products in one plain ordering (recency, frequency, recency x frequency). */
export function ownHistoryOrder(ui: UserItems, order: Exclude<BuyAgainOrder, 'learned'>, asOfDay: number): Ranker {
  return (u, k) => rankEntries(ui, u, k, (e) => ownHistoryScore(ui, order, asOfDay, e));
}

/** Item-kNN: cosine similarity over buyers, top-100 neighbours, binary profile. */
export function itemKnn(ui: UserItems, k = 100): { crossSell: Ranker; buyAgain: Ranker; nextBest: Ranker } {
  const nb = itemSimilarity(ui, transpose(ui), { kind: 'cosine', k, shrink: 0 });
  const acc = new Float64Array(ui.nItems);
  const scores = (u: number): void => {
    for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) {
      const i = ui.items[e];
      for (let p = nb.ptr[i]; p < nb.ptr[i + 1]; p++) acc[nb.ids[p]] += nb.sims[p];
    }
  };
  return {
    crossSell: (u, n) => {
      scores(u);
      for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) acc[ui.items[e]] = 0;
      const heap = new TopK(n);
      for (let j = 0; j < ui.nItems; j++) {
        if (acc[j] > 0) heap.push(j, acc[j]);
        acc[j] = 0;
      }
      return heap.sorted().ids;
    },
    buyAgain: (u, n) => {
      scores(u);
      const out = rankEntries(ui, u, n, (e) => acc[ui.items[e]]);
      acc.fill(0);
      return out;
    },
    // Owned products compete with new ones on the same neighbourhood score.
    nextBest: (u, n) => {
      scores(u);
      const heap = new TopK(n);
      for (let j = 0; j < ui.nItems; j++) {
        if (acc[j] > 0) heap.push(j, acc[j]);
        acc[j] = 0;
      }
      return heap.sorted().ids;
    },
  };
}

function rankEntries(ui: UserItems, u: number, k: number, score: (e: number) => number): number[] {
  const heap = new TopK(k);
  for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) heap.push(ui.items[e], score(e));
  return heap.sorted().ids;
}

/**
 * EASE (Steck 2019): item-item weights B = I - P diag(1/diag P), P = (X^T X + lambda I)^-1, over products with
 * a buyer; cross-sell ranks by x_u B. The dense inverse is O(items^3) (one to two minutes for Online Retail's
 * 3,431 products in plain JS on 2 cores), so it is an opt-in reference baseline, not a production model.
 */
export function ease(ui: UserItems, lambda = 300): { crossSell: Ranker; nextBest: Ranker } {
  const ix = new Int32Array(ui.nItems).fill(-1);
  const ids: number[] = [];
  for (let e = 0; e < ui.items.length; e++) if (ix[ui.items[e]] < 0) ix[ui.items[e]] = ids.push(ui.items[e]) - 1;
  const n = ids.length;
  const a = new Float64Array(n * n);
  for (let u = 0; u < ui.nUsers; u++) {
    for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) {
      const r = ix[ui.items[e]] * n;
      for (let f = ui.ptr[u]; f < ui.ptr[u + 1]; f++) a[r + ix[ui.items[f]]]++;
    }
  }
  for (let i = 0; i < n; i++) a[i * n + i] += lambda;
  // In-place Gauss-Jordan: the Gram matrix plus lambda I is symmetric positive definite, so no pivoting.
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    const p = a[rk + k];
    a[rk + k] = 1;
    for (let j = 0; j < n; j++) a[rk + j] /= p;
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const ri = i * n;
      const f = a[ri + k];
      if (f === 0) continue;
      a[ri + k] = 0;
      for (let j = 0; j < n; j++) a[ri + j] -= f * a[rk + j];
    }
  }
  // B[i][j] = -P[i][j] / P[j][j], zero diagonal; rows are read per owned product.
  const diag = Float64Array.from({ length: n }, (_, j) => a[j * n + j]);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = i === j ? 0 : -a[i * n + j] / diag[j];
  const acc = new Float64Array(n);
  // Next best keeps owned products: with a zero diagonal their score comes from the account's other products.
  const rank = (u: number, k: number, owned: boolean): number[] => {
    acc.fill(0);
    for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) {
      const r = ix[ui.items[e]] * n;
      for (let j = 0; j < n; j++) acc[j] += a[r + j];
    }
    if (!owned) for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) acc[ix[ui.items[e]]] = -Infinity;
    const heap = new TopK(k);
    for (let j = 0; j < n; j++) if (acc[j] > -Infinity) heap.push(ids[j], acc[j]);
    return heap.sorted().ids;
  };
  return { crossSell: (u, k) => rank(u, k, false), nextBest: (u, k) => rank(u, k, true) };
}
