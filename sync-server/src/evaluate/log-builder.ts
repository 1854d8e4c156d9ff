// Builds the evaluator's purchase log from purchases in any order: dense indexes for accounts, products and
// orders, and the typed arrays the protocol slices. The CSV loader and the org-history adapter both use it,
// so the two evaluations index data identically.
import { dayNumber } from '../recommend/purchase-log.js';
import type { RetailData } from './retail-data.js';

export type Purchase = { account: string; product: string; order: string; date: string; revenue: number; country: string; description: string | null };

export function createLogBuilder(): { add(p: Purchase): void; build(rows: RetailData['rows']): RetailData } {
  const userIx = new Map<string, number>();
  const itemIx = new Map<string, number>();
  const orderIx = new Map<string, number>();
  const dayCache = new Map<string, number>();
  const accounts: string[] = [];
  const products: string[] = [];
  const descriptions: string[] = [];
  const country: string[] = [];
  const user: number[] = [];
  const item: number[] = [];
  const day: number[] = [];
  const order: number[] = [];
  const revenue: number[] = [];
  let lastDay = 0;
  return {
    add(p: Purchase): void {
      let u = userIx.get(p.account);
      if (u === undefined) {
        userIx.set(p.account, (u = accounts.push(p.account) - 1));
        country.push(p.country);
      }
      let i = itemIx.get(p.product);
      if (i === undefined) {
        itemIx.set(p.product, (i = products.push(p.product) - 1));
        descriptions.push('');
      }
      if (!descriptions[i] && p.description) descriptions[i] = p.description.trim();
      let o = orderIx.get(p.order);
      if (o === undefined) orderIx.set(p.order, (o = orderIx.size));
      const date = p.date.slice(0, 10);
      let d = dayCache.get(date);
      if (d === undefined) dayCache.set(date, (d = dayNumber(date)));
      if (d > lastDay) lastDay = d;
      user.push(u);
      item.push(i);
      day.push(d);
      order.push(o);
      revenue.push(p.revenue);
    },
    build(rows: RetailData['rows']): RetailData {
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
        descriptions,
        country,
        lastDay,
        rows,
      };
    },
  };
}
