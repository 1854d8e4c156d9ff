// The evaluator's data: purchases indexed densely by account, product and order (the CSV loader and the
// org-history adapter both build it), and its view as a Dataset (one won opportunity per invoice), so the
// model step can be timed on real data through the same entry point the sync engine calls.
import type { Dataset, LineItem } from '../domain/types.js';
import { dayToIso, type PurchaseLog } from '../recommend/purchase-log.js';

/** A purchase log with the dense account, product and order indexes the evaluator slices by. */
export type RetailData = {
  log: PurchaseLog;
  accounts: string[]; // CustomerID per user index
  products: string[]; // StockCode per item index
  descriptions: string[];
  country: string[]; // per user index
  lastDay: number;
  rows: { read: number; kept: number; rejected: number };
  /** What the loader left out and why, for the CLI to print (rows with dates far outside the rest). */
  warnings?: string[];
};

export function retailDataset(d: RetailData): Dataset {
  const lines: LineItem[] = [];
  const opps = new Map<number, { accountId: string; closeDate: string }>();
  for (let k = 0; k < d.log.user.length; k++) {
    const accountId = `C${d.accounts[d.log.user[k]]}`;
    const closeDate = dayToIso(d.log.day[k]);
    opps.set(d.log.order[k], { accountId, closeDate });
    lines.push({
      id: `L${k}`,
      opportunityId: `O${d.log.order[k]}`,
      accountId,
      productId: `P${d.products[d.log.item[k]]}`,
      quantity: 1,
      unitPrice: d.log.revenue[k],
      totalPrice: d.log.revenue[k],
      closeDate,
      isWon: true,
      isClosed: true,
    });
  }
  return {
    asOf: `${dayToIso(d.lastDay + 1)}T00:00:00.000Z`,
    accounts: d.accounts.map((c, u) => ({ id: `C${c}`, name: `Customer ${c}`, country: d.country[u], industry: null, createdDate: '2010-12-01T00:00:00.000Z' })),
    products: d.products.map((p, i) => ({ id: `P${p}`, code: p, name: d.descriptions[i] || p, family: null, description: d.descriptions[i] || null, isActive: true, listPrice: null })),
    opportunities: [...opps].map(([o, v]) => ({ id: `O${o}`, accountId: v.accountId, name: `Invoice ${o}`, stageName: 'Closed Won', isWon: true, isClosed: true, closeDate: v.closeDate, amount: null, createdDate: `${v.closeDate}T00:00:00.000Z` })),
    lines,
    activities: [],
    feedback: [],
  };
}
