// The offline protocol on a file in the Online Retail layout: which rows are purchases, how accounts and
// products are indexed, and where the train / validation / test windows fall.
import { readOnlineRetail } from '../../../local-org/src/seed/online-retail-csv.js';
import { dayNumber, type PurchaseLog } from '../recommend/purchase-log.js';
import { isNonProductCode } from '../recommend/non-product.js';

export { isNonProductCode };

export type RetailData = {
  log: PurchaseLog;
  accounts: string[]; // CustomerID per user index
  products: string[]; // StockCode per item index
  descriptions: string[];
  country: string[]; // per user index
  lastDay: number;
  rows: { read: number; kept: number; rejected: number };
};

export async function loadRetail(file: string): Promise<RetailData> {
  const userIx = new Map<string, number>();
  const itemIx = new Map<string, number>();
  const orderIx = new Map<string, number>();
  const accounts: string[] = [];
  const products: string[] = [];
  const descriptions: string[] = [];
  const country: string[] = [];
  const user: number[] = [];
  const item: number[] = [];
  const day: number[] = [];
  const order: number[] = [];
  const revenue: number[] = [];
  let read = 0;
  let rejected = 0;
  const dayCache = new Map<string, number>();
  for await (const row of readOnlineRetail(file, () => rejected++)) {
    read++;
    if (row.customerId === null) continue;
    const inv = row.invoiceNo.toUpperCase();
    if (inv.startsWith('C') || inv.startsWith('A')) continue;
    if (row.quantity <= 0 || row.unitPrice <= 0) continue;
    if (isNonProductCode(row.stockCode)) continue;
    let u = userIx.get(row.customerId);
    if (u === undefined) {
      userIx.set(row.customerId, (u = accounts.length));
      accounts.push(row.customerId);
      country.push(row.country ?? '');
    }
    const code = row.stockCode.toUpperCase();
    let i = itemIx.get(code);
    if (i === undefined) {
      itemIx.set(code, (i = products.length));
      products.push(code);
      descriptions.push('');
    }
    if (!descriptions[i] && row.description) descriptions[i] = row.description.trim();
    let o = orderIx.get(row.invoiceNo);
    if (o === undefined) orderIx.set(row.invoiceNo, (o = orderIx.size));
    const date = row.invoiceDate.slice(0, 10);
    let d = dayCache.get(date);
    if (d === undefined) dayCache.set(date, (d = dayNumber(date)));
    user.push(u);
    item.push(i);
    day.push(d);
    order.push(o);
    revenue.push(row.quantity * row.unitPrice);
  }
  if (user.length === 0) throw new Error(`${file}: no purchase rows left after cleaning (${read} rows read)`);
  let lastDay = 0;
  for (const d of day) if (d > lastDay) lastDay = d;
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
    rows: { read, kept: user.length, rejected },
  };
}
