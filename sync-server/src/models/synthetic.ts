// A generated org for the benchmark and tests, shaped like B2B order data rather than made easy: product
// popularity is Zipf (a long tail most products live in), accounts lean to one product family, order counts are
// long-tailed (most accounts order a few times, some every few weeks), each account reorders a few staples on
// its own rhythm (repeat purchases), orders spread over two years with accounts starting at different times,
// and demand swings with the season. Seeded, so every run sees the same data.
import type { Dataset, LineItem, Product, Account, Opportunity } from '../domain/types.js';
import { DAY_MS } from '../recommend/purchase-log.js';
import { mulberry32 } from '../lib/random.js';

const FAMILIES = 20;
const HISTORY_DAYS = 730;

/** stapleShare: share of an account's lines that re-order its staples (0.35 by default; low for a basket-like org). */
export function syntheticDataset(opts: { accounts: number; products: number; linesPerAccount: number; seed?: number; stapleShare?: number }): Dataset {
  const stapleShare = opts.stapleShare ?? 0.35;
  const rnd = mulberry32(opts.seed ?? 7);
  const asOfMs = Date.UTC(2026, 0, 1);
  const asOfDay = asOfMs / DAY_MS;
  const products: Product[] = Array.from({ length: opts.products }, (_, i) => ({
    id: `P${i}`,
    code: `SKU${i}`,
    name: `Product ${i}`,
    family: `Family ${i % FAMILIES}`,
    description: null,
    isActive: true,
    listPrice: 5 + (i % 50),
  }));
  // Zipf(1) over products via inverse CDF on a cumulative table.
  const cum = new Float64Array(opts.products);
  let s = 0;
  for (let i = 0; i < opts.products; i++) cum[i] = s += 1 / (i + 1);
  const zipf = (): number => {
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
  // Accounts lean to one family (half their picks), so neighbourhoods exist.
  const pick = (taste: number): number => {
    let p = zipf();
    if (rnd() < 0.5) p = p - (p % FAMILIES) + taste;
    return p >= opts.products ? Math.min(taste, opts.products - 1) : p;
  };
  // Some families sell in one half of the year (a seasonal peak), the rest all year.
  const peak = Array.from({ length: FAMILIES }, (_, f) => (f % 3 === 0 ? (f * 37) % 365 : -1));
  const inSeason = (p: number, day: number): boolean => {
    const k = peak[p % FAMILIES];
    if (k < 0) return true;
    const d = Math.abs((((day - k) % 365) + 365) % 365);
    return Math.min(d, 365 - d) < 91;
  };

  const accounts: Account[] = [];
  const opportunities: Opportunity[] = [];
  const lines: LineItem[] = [];
  for (let a = 0; a < opts.accounts; a++) {
    const id = `A${a}`;
    const taste = Math.floor(rnd() * FAMILIES);
    // Long-tailed order counts: 1 + exponential (mean ~3), capped by the lines available.
    const nOrders = Math.max(1, Math.min(opts.linesPerAccount, 1 + Math.floor(-Math.log(1 - rnd()) * 2.2)));
    // The account's rhythm, and a start date such that its orders (mostly) fall inside the history.
    const interval = 14 + Math.floor(rnd() * 100);
    const span = interval * (nOrders - 1);
    const firstDay = asOfDay - 1 - Math.floor(rnd() * Math.max(1, HISTORY_DAYS - span)) - span;
    const orderDays: string[] = [];
    for (let o = 0, d = firstDay; o < nOrders; o++) {
      const day = Math.min(asOfDay - 1, d);
      orderDays.push(new Date(day * DAY_MS).toISOString().slice(0, 10));
      d += Math.max(1, Math.round(interval * (0.6 + 0.8 * rnd())));
    }
    accounts.push({
      id,
      name: `Account ${a}`,
      country: `C${a % 7}`,
      industry: null,
      createdDate: new Date((firstDay - Math.floor(rnd() * 60)) * DAY_MS).toISOString(),
    });
    const orderIds: string[] = [];
    for (let o = 0; o < nOrders; o++) {
      const closeDate = orderDays[o];
      orderIds.push(`O${a}_${o}`);
      opportunities.push({ id: orderIds[o], accountId: id, name: 'order', stageName: 'Closed Won', isWon: true, isClosed: true, closeDate, amount: null, createdDate: `${closeDate}T00:00:00.000Z` });
    }
    // One to three staples the account reorders (repeat purchases), the rest explores the catalogue.
    const staples = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(taste));
    for (let l = 0; l < opts.linesPerAccount; l++) {
      const o = l % nOrders;
      let p = rnd() < stapleShare ? staples[l % staples.length] : pick(taste);
      // Out of season, a seasonal product is usually swapped for another pick.
      if (!inSeason(p, firstDay + o * interval) && rnd() < 0.7) p = pick(taste);
      const qty = 1 + Math.floor(rnd() * 10);
      const price = products[p].listPrice ?? 1;
      lines.push({
        id: `L${a}_${l}`,
        opportunityId: orderIds[o], // one string per opportunity, as a loader that interns ids would hold
        accountId: id,
        productId: products[p].id,
        quantity: qty,
        unitPrice: price,
        totalPrice: qty * price,
        closeDate: orderDays[o],
        isWon: true,
        isClosed: true,
      });
    }
  }
  return { asOf: new Date(asOfMs).toISOString(), accounts, products, opportunities, lines, activities: [], feedback: [] };
}
