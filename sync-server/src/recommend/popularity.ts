// Time-decayed popularity, overall and within a group of accounts (segment or country). It ranks cross-sell
// candidates for accounts with no history (cold start) and is blended into everyone's cross-sell list.
import type { UserItems } from './purchase-log.js';

export type Popularity = {
  global: Float64Array; // 0..1, max-normalised
  byGroup: Float64Array[]; // 0..1 per group, shrunk towards global
  order: Int32Array[]; // per group (last = global), items by descending score
};

/**
 * Each buyer counts once per item, weighted by how recently they first bought it (adoption) or, with
 * byLastPurchase, last bought it. Cross-sell predicts first purchases, so adoption is its prior: products
 * that are winning new buyers now, not the staples everyone reorders.
 */
export function popularity(
  ui: UserItems,
  asOfDay: number,
  tau: number,
  groups?: Int32Array,
  nGroups = 0,
  byLastPurchase = false,
): Popularity {
  const decay = (d: number): number => (Number.isFinite(tau) ? Math.exp(-(asOfDay - d) / tau) : 1);
  const global = new Float64Array(ui.nItems);
  const byGroupRaw = Array.from({ length: nGroups }, () => new Float64Array(ui.nItems));
  const groupMass = new Float64Array(nGroups);
  for (let u = 0; u < ui.nUsers; u++) {
    const g = groups ? groups[u] : -1;
    for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) {
      const w = decay(byLastPurchase ? ui.lastDay[e] : ui.firstDay[e]);
      global[ui.items[e]] += w;
      if (g >= 0) {
        byGroupRaw[g][ui.items[e]] += w;
        groupMass[g] += w;
      }
    }
  }
  let totalMass = 0;
  for (let i = 0; i < ui.nItems; i++) totalMass += global[i];
  const normalise = (a: Float64Array): Float64Array => {
    let max = 0;
    for (let i = 0; i < a.length; i++) if (a[i] > max) max = a[i];
    if (max > 0) for (let i = 0; i < a.length; i++) a[i] /= max;
    return a;
  };
  // Small groups borrow strength from everyone: a pseudo-count of 50 buyers' worth of global taste.
  const prior = 50;
  const byGroup = byGroupRaw.map((raw, g) => {
    const out = new Float64Array(ui.nItems);
    for (let i = 0; i < ui.nItems; i++) out[i] = raw[i] + (prior * global[i]) / (totalMass || 1);
    void g;
    return normalise(out);
  });
  normalise(global);
  return { global, byGroup, order: [...byGroup.map((g) => rankItems(g)), rankItems(global)] };
}

/** Decayed count of accounts that first bought each product (raw, not normalised): the ranker's adoption signal. */
export function adoptionCounts(ui: UserItems, asOfDay: number, tau: number): Float64Array {
  const out = new Float64Array(ui.nItems);
  for (let e = 0; e < ui.items.length; e++) {
    out[ui.items[e]] += Number.isFinite(tau) ? Math.exp(-(asOfDay - ui.firstDay[e]) / tau) : 1;
  }
  return out;
}

/** Items by descending value (ties: lower index), only those above zero. */
export function rankItems(a: Float64Array, limit = a.length): Int32Array {
  const ids: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] > 0) ids.push(i);
  ids.sort((x, y) => a[y] - a[x] || x - y);
  return Int32Array.from(ids.slice(0, limit));
}
