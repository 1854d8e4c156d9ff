// Turns a Dataset into dense indices and the purchase log the models read (won lines only).
import type { Dataset } from '../domain/types.js';
import { dayNumber, type PurchaseLog } from '../recommend/purchase-log.js';
import { allocateColumns } from '../lib/columns.js';

export type IndexedDataset = {
  asOfDay: number;
  accountIx: Map<string, number>;
  productIx: Map<string, number>;
  log: PurchaseLog;
  openLines: { user: number; item: number }[];
};

export function indexDataset(ds: Dataset): IndexedDataset {
  const asOfDay = dayNumber(ds.asOf);
  const accountIx = new Map<string, number>();
  ds.accounts.forEach((a, i) => accountIx.set(a.id, i));
  const productIx = new Map<string, number>();
  ds.products.forEach((p, i) => productIx.set(p.id, i));
  const dayCache = new Map<string, number>();
  let n = 0;
  for (const l of ds.lines) if (l.isWon) n++;
  const log: PurchaseLog = {
    nUsers: ds.accounts.length,
    nItems: ds.products.length,
    ...allocateColumns({
      user: { type: 'i32', length: n },
      item: { type: 'i32', length: n },
      day: { type: 'i32', length: n },
      order: { type: 'i32', length: n },
      revenue: { type: 'f64', length: n },
    }),
  };
  // Orders are numbered in order of first appearance. Lines usually arrive grouped by account, so each account's
  // opportunities are looked up in a small map of its own instead of one over millions of orders (most of this
  // stage's time on a big org); if an account's lines come back after another's, the pass restarts with one map.
  const fill = (perAccountOrders: boolean): { k: number; openLines: { user: number; item: number }[] } | null => {
    const openLines: { user: number; item: number }[] = [];
    const orderIx = new Map<string, number>();
    const ended = perAccountOrders ? new Uint8Array(ds.accounts.length) : null;
    let nOrders = 0;
    let k = 0;
    let lastAccount: string | null = null;
    let lastU: number | undefined;
    let lastOpp: string | null = null;
    let lastO = -1;
    let lastDate: string | null = null;
    let lastD = 0;
    for (const l of ds.lines) {
      if (l.accountId !== lastAccount) {
        lastAccount = l.accountId;
        const guess = lastU === undefined ? undefined : ds.accounts[lastU + 1]; // the next account, usually
        const u = guess?.id === l.accountId ? lastU! + 1 : accountIx.get(l.accountId);
        if (ended && u !== lastU) {
          if (lastU !== undefined) ended[lastU] = 1;
          if (u !== undefined && ended[u]) return null;
          orderIx.clear();
          lastOpp = null;
        }
        lastU = u;
      }
      const u = lastU;
      const i = productIx.get(l.productId);
      if (u === undefined || i === undefined) continue; // lines of unknown accounts/products carry no signal
      if (!l.isClosed) openLines.push({ user: u, item: i });
      if (!l.isWon) continue;
      if (l.closeDate !== lastDate) {
        lastDate = l.closeDate;
        let day = dayCache.get(l.closeDate);
        if (day === undefined) dayCache.set(l.closeDate, (day = dayNumber(l.closeDate)));
        lastD = day;
      }
      const d = lastD;
      if (d > asOfDay) continue; // never learn from the future
      if (l.opportunityId !== lastOpp) {
        lastOpp = l.opportunityId;
        let o = orderIx.get(l.opportunityId);
        if (o === undefined) orderIx.set(l.opportunityId, (o = nOrders++));
        lastO = o;
      }
      log.user[k] = u;
      log.item[k] = i;
      log.day[k] = d;
      log.order[k] = lastO;
      log.revenue[k] = l.totalPrice;
      k++;
    }
    return { k, openLines };
  };
  const { k, openLines } = fill(true) ?? fill(false)!;
  if (k < n) {
    log.user = log.user.slice(0, k);
    log.item = log.item.slice(0, k);
    log.day = log.day.slice(0, k);
    log.order = log.order.slice(0, k);
    log.revenue = log.revenue.slice(0, k);
  }
  return { asOfDay, accountIx, productIx, log, openLines };
}
