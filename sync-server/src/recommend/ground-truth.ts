// What counts as a hit in a held-out window, shared by the in-run tuner and the offline evaluator so the two
// can never drift apart: cross-sell = products first bought in the window; buy-again = products the account
// had bought before and bought again in the window (a re-order list can only ever show those); all = every
// product bought in it (the next-best list, which mixes both). Only accounts with history before the window
// and at least one relevant product are evaluated.
import type { PurchaseLog, UserItems } from './purchase-log.js';

export type Truth = { crossSell: Map<number, Set<number>>; buyAgain: Map<number, Set<number>>; all: Map<number, Set<number>> };

export function groundTruth(train: UserItems, window: PurchaseLog): Truth {
  const crossSell = new Map<number, Set<number>>();
  const buyAgain = new Map<number, Set<number>>();
  const all = new Map<number, Set<number>>();
  const owns = (u: number, i: number): boolean => {
    let lo = train.ptr[u];
    let hi = train.ptr[u + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = train.items[mid];
      if (v === i) return true;
      if (v < i) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  };
  const add = (m: Map<number, Set<number>>, u: number, i: number): void => {
    let s = m.get(u);
    if (!s) m.set(u, (s = new Set()));
    s.add(i);
  };
  for (let k = 0; k < window.user.length; k++) {
    const u = window.user[k];
    if (train.ptr[u + 1] === train.ptr[u]) continue;
    const i = window.item[k];
    add(owns(u, i) ? buyAgain : crossSell, u, i);
    add(all, u, i);
  }
  return { crossSell, buyAgain, all };
}
