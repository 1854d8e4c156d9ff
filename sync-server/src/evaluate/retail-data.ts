// Online Retail as a Dataset (one won opportunity per invoice), so the model step can be timed on real data
// through the same entry point the sync engine calls.
import type { Dataset, LineItem } from '../domain/types.js';
import { dayToIso } from '../recommend/purchase-log.js';
import type { RetailData } from './protocol.js';

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
