// Item-item neighbourhoods from the account x product purchase matrix, kept sparse (top-k per row, CSR).
// RP3beta (Paudel et al. 2017; Dacrema et al. 2019) walks item -> account -> item with transition
// probabilities raised to alpha and divides by the target's popularity^beta, which is what lets it rival
// EASE on purchase data without inverting a dense items x items matrix. Cosine is the item-kNN baseline.
import { TopK } from './top-k.js';
import type { ItemUsers, UserItems } from './purchase-log.js';

export type SimilarityParams =
  | { kind: 'rp3beta'; alpha: number; beta: number; k: number; normalise?: boolean }
  | { kind: 'cosine'; k: number; shrink: number };

/** co = accounts that bought both (the support reasons quote), kept beside each similarity. */
export type ItemNeighbours = { ptr: Int32Array; ids: Int32Array; sims: Float32Array; co: Int32Array; k: number };

/** entryWeight (per user-item entry, e.g. recency decay) lets recent co-purchases count more. */
export function itemSimilarity(ui: UserItems, iu: ItemUsers, params: SimilarityParams, entryWeight?: Float64Array): ItemNeighbours {
  return assembleNeighbours(ui.nItems, params.k, [similarityRows(ui, iu, params, entryWeight, 0, 1)]);
}

/** Neighbour rows of items first, first + step, ... (each row depends only on the purchase matrix). */
export type SimilarityRows = { first: number; step: number; rowLength: Int32Array; ids: Int32Array; sims: Float64Array; co: Int32Array };

export function similarityRows(ui: UserItems, iu: ItemUsers, params: SimilarityParams, entryWeight: Float64Array | undefined, first: number, step: number): SimilarityRows {
  const nItems = ui.nItems;
  const itemDeg = new Float64Array(nItems);
  for (let i = 0; i < nItems; i++) itemDeg[i] = iu.ptr[i + 1] - iu.ptr[i];
  const userW = new Float64Array(ui.nUsers);
  for (let u = 0; u < ui.nUsers; u++) {
    const deg = ui.ptr[u + 1] - ui.ptr[u];
    userW[u] = deg === 0 ? 0 : params.kind === 'rp3beta' ? Math.pow(deg, -params.alpha) : 1;
  }
  const targetW = new Float64Array(nItems);
  for (let j = 0; j < nItems; j++) {
    if (itemDeg[j] === 0) continue;
    targetW[j] = params.kind === 'rp3beta' ? Math.pow(itemDeg[j], -params.beta) : 1 / Math.sqrt(itemDeg[j]);
  }
  const acc = new Float64Array(nItems);
  const cnt = new Int32Array(nItems);
  const touched = new Int32Array(nItems);
  const heap = new TopK(params.k);
  const rowLength = new Int32Array(Math.max(0, Math.ceil((nItems - first) / step)));
  const ids: number[] = [];
  const sims: number[] = [];
  const co: number[] = [];
  for (let i = first, row = 0; i < nItems; i += step, row++) {
    let nt = 0;
    for (let p = iu.ptr[i]; p < iu.ptr[i + 1]; p++) {
      const u = iu.users[p];
      let w = userW[u];
      if (entryWeight) {
        w *= entryWeight[entryIndex(ui, u, i)];
        for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) {
          const j = ui.items[e];
          if (cnt[j] === 0) touched[nt++] = j;
          cnt[j]++;
          acc[j] += w * entryWeight[e];
        }
        continue;
      }
      for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) {
        const j = ui.items[e];
        if (cnt[j] === 0) touched[nt++] = j;
        cnt[j]++;
        acc[j] += w;
      }
    }
    heap.clear();
    const rowW =
      params.kind === 'rp3beta' ? (itemDeg[i] > 0 ? Math.pow(itemDeg[i], -params.alpha) : 0) : 1 / Math.sqrt(itemDeg[i] || 1);
    for (let t = 0; t < nt; t++) {
      const j = touched[t];
      const c = acc[j];
      acc[j] = 0;
      if (j === i) continue;
      const s = params.kind === 'rp3beta' ? c * rowW * targetW[j] : (c * rowW * targetW[j] * c) / (c + params.shrink);
      heap.push(j, s);
    }
    const best = heap.sorted();
    if (params.kind === 'rp3beta' && params.normalise) {
      let sum = 0;
      for (const v of best.scores) sum += v;
      if (sum > 0) for (let t = 0; t < best.scores.length; t++) best.scores[t] /= sum;
    }
    for (let t = 0; t < best.ids.length; t++) {
      ids.push(best.ids[t]);
      sims.push(best.scores[t]);
      co.push(cnt[best.ids[t]]);
    }
    for (let t = 0; t < nt; t++) cnt[touched[t]] = 0;
    rowLength[row] = best.ids.length;
  }
  return { first, step, rowLength, ids: Int32Array.from(ids), sims: Float64Array.from(sims), co: Int32Array.from(co) };
}

/** The CSR of all items' rows from parts that cover them (part p: items p, p + parts, ...). */
export function assembleNeighbours(nItems: number, k: number, parts: readonly SimilarityRows[]): ItemNeighbours {
  let total = 0;
  for (const part of parts) total += part.ids.length;
  const ptr = new Int32Array(nItems + 1);
  const ids = new Int32Array(total);
  const sims = new Float32Array(total);
  const co = new Int32Array(total);
  const read = new Int32Array(parts.length); // next unread position in each part
  for (let i = 0; i < nItems; i++) {
    const p = parts.length === 1 ? 0 : parts.findIndex((x) => x.first === i % x.step);
    const part = parts[p];
    const len = part.rowLength[(i - part.first) / part.step];
    const at = ptr[i];
    for (let t = 0; t < len; t++) {
      ids[at + t] = part.ids[read[p] + t];
      sims[at + t] = part.sims[read[p] + t];
      co[at + t] = part.co[read[p] + t];
    }
    read[p] += len;
    ptr[i + 1] = at + len;
  }
  return { ptr, ids, sims, co, k };
}

function entryIndex(ui: UserItems, u: number, i: number): number {
  let lo = ui.ptr[u];
  let hi = ui.ptr[u + 1] - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ui.items[mid] < i) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
