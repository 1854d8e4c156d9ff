// A generated org with a realistic long tail (Zipf product popularity, few orders per account) for the
// benchmark and tests. Seeded, so every run sees the same data.
import type { Dataset, LineItem, Product, Account, Opportunity } from '../domain/types.js';
import { DAY_MS } from '../recommend/purchase-log.js';
import { mulberry32 } from './random.js';

export function syntheticDataset(opts: { accounts: number; products: number; linesPerAccount: number; seed?: number }): Dataset {
  const rnd = mulberry32(opts.seed ?? 7);
  const asOfMs = Date.UTC(2026, 0, 1);
  const families = 20;
  const products: Product[] = Array.from({ length: opts.products }, (_, i) => ({
    id: `P${i}`,
    code: `SKU${i}`,
    name: `Product ${i}`,
    family: `Family ${i % families}`,
    description: null,
    isActive: true,
    listPrice: 5 + (i % 50),
  }));
  // Zipf(1) over products via inverse CDF on a cumulative table.
  const cum = new Float64Array(opts.products);
  let s = 0;
  for (let i = 0; i < opts.products; i++) cum[i] = s += 1 / (i + 1);
  const pick = (): number => {
    const x = rnd() * s;
    let lo = 0;
    let hi = opts.products - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const accounts: Account[] = [];
  const opportunities: Opportunity[] = [];
  const lines: LineItem[] = [];
  for (let a = 0; a < opts.accounts; a++) {
    const id = `A${a}`;
    accounts.push({ id, name: `Account ${a}`, country: `C${a % 7}`, industry: null, createdDate: new Date(asOfMs - 800 * DAY_MS).toISOString() });
    const nOrders = 1 + Math.floor(rnd() * 4);
    const taste = Math.floor(rnd() * families);
    const orderDays = Array.from({ length: nOrders }, () => Math.floor(rnd() * 540));
    for (let o = 0; o < nOrders; o++) {
      const closeDate = new Date(asOfMs - orderDays[o] * DAY_MS).toISOString().slice(0, 10);
      opportunities.push({ id: `O${a}_${o}`, accountId: id, name: 'order', stageName: 'Closed Won', isWon: true, isClosed: true, closeDate, amount: null, createdDate: `${closeDate}T00:00:00.000Z` });
    }
    for (let l = 0; l < opts.linesPerAccount; l++) {
      let p = pick();
      if (rnd() < 0.5) p = p - (p % families) + taste; // accounts lean to one family, so neighbours exist
      if (p >= opts.products) p = taste;
      const o = l % nOrders;
      const qty = 1 + Math.floor(rnd() * 10);
      const price = products[p].listPrice ?? 1;
      lines.push({
        id: `L${a}_${l}`,
        opportunityId: `O${a}_${o}`,
        accountId: id,
        productId: products[p].id,
        quantity: qty,
        unitPrice: price,
        totalPrice: qty * price,
        closeDate: opportunities[opportunities.length - nOrders + o].closeDate,
        isWon: true,
        isClosed: true,
      });
    }
  }
  return { asOf: new Date(asOfMs).toISOString(), accounts, products, opportunities, lines, activities: [], feedback: [] };
}
