// The offline protocol on an org's own history: the cleaned Dataset becomes the same purchase log the CSV
// loader builds, so `sf reco evaluate` and `npm run evaluate` measure with one protocol.
import type { Dataset } from '../domain/types.js';
import { dayNumber } from '../recommend/purchase-log.js';
import type { RetailData } from './protocol.js';

/** Won lines only: lost and open opportunities are not purchases. The clean stage already dropped fee lines. */
export function retailDataFromDataset(ds: Dataset): RetailData {
  const country = new Map(ds.accounts.map((a) => [a.id, a.country ?? '']));
  const name = new Map(ds.products.map((p) => [p.id, p.name]));
  const userIx = new Map<string, number>();
  const itemIx = new Map<string, number>();
  const orderIx = new Map<string, number>();
  const accounts: string[] = [];
  const products: string[] = [];
  const user: number[] = [];
  const item: number[] = [];
  const day: number[] = [];
  const order: number[] = [];
  const revenue: number[] = [];
  let lastDay = 0;
  for (const l of ds.lines) {
    if (!l.isWon || l.quantity <= 0 || l.unitPrice <= 0) continue;
    let u = userIx.get(l.accountId);
    if (u === undefined) userIx.set(l.accountId, (u = accounts.push(l.accountId) - 1));
    let i = itemIx.get(l.productId);
    if (i === undefined) itemIx.set(l.productId, (i = products.push(l.productId) - 1));
    let o = orderIx.get(l.opportunityId);
    if (o === undefined) orderIx.set(l.opportunityId, (o = orderIx.size));
    const d = dayNumber(l.closeDate);
    if (d > lastDay) lastDay = d;
    user.push(u);
    item.push(i);
    day.push(d);
    order.push(o);
    revenue.push(l.totalPrice);
  }
  if (user.length === 0) throw new Error('the org has no won opportunity lines to evaluate on');
  return {
    log: {
      nUsers: accounts.length,
      nItems: products.length,
      user: Int32Array.from(user),
      item: Int32Array.from(item),
      day: Int32Array.from(day),
      order: Int32Array.from(order),
      revenue: Float64Array.from(revenue),
    },
    accounts,
    products,
    descriptions: products.map((p) => name.get(p) ?? ''),
    country: accounts.map((a) => country.get(a) ?? ''),
    lastDay,
    rows: { read: ds.lines.length, kept: user.length, rejected: 0 },
  };
}
