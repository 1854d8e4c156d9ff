// Reads an Online Retail file into the shape the seeder writes: invoices grouped with their lines, one
// aggregate per stock code and per customer, and every row that cannot become a record counted under the
// reason it was dropped (with the first CSV line numbers, so a user can look at the rows themselves).
import { readOnlineRetailBatches, type OnlineRetailRow } from './online-retail-csv.js';
import { bulkTimeRange } from './date-outliers.js';
import { sourceTimeMs } from './dates.js';

export type SkipReason =
  | 'malformed-row'
  | 'adjustment-invoice'
  | 'no-customer-id'
  | 'non-positive-quantity'
  | 'non-positive-price'
  | 'cancellation-positive-quantity'
  | 'date-outlier';

export type Skipped = Record<string, { rows: number; examples: number[] }>;

export type InvoiceLine = { line: number; stockCode: string; quantity: number; unitPrice: number };

export type Invoice = {
  invoiceNo: string;
  customerId: string;
  atMs: number; // source time (UK local read as UTC), not yet shifted
  cancelled: boolean; // a "C" invoice: the customer took goods back; quantities are stored positive
  lines: InvoiceLine[];
};

export type ProductAgg = {
  code: string;
  firstLine: number; // CSV line where the stock code first appears, to point at it in errors
  descriptions: Map<string, number>; // trimmed description -> rows
  prices: Map<number, number>; // positive unit price -> rows
};

export type CustomerAgg = {
  id: string;
  countries: Map<string, number>;
  invoices: Invoice[]; // in time order (the file is in date order; sorted again to be sure)
};

export type RetailData = {
  file: string;
  rows: number;
  products: Map<string, ProductAgg>; // by stock code, in first-seen order
  customers: Map<string, CustomerAgg>;
  invoices: Invoice[]; // all kept invoices in time order, then invoice number
  skipped: Skipped;
  malformed: string[]; // the first few rejected rows as "file: line N: reason"
  outliers: string[]; // invoices dropped for a date far outside the rest, as "file: line N: ..."
  firstSourceMs: number;
  lastSourceMs: number;
};

const MAX_EXAMPLES = 5;

export function noteSkip(skipped: Skipped, reason: string, line: number): void {
  const entry = (skipped[reason] ??= { rows: 0, examples: [] });
  entry.rows += 1;
  if (entry.examples.length < MAX_EXAMPLES) entry.examples.push(line);
}

/** Why a parsed row cannot become an opportunity line, or null when it can. */
export function skipReason(row: OnlineRetailRow): SkipReason | null {
  const kind = row.invoiceNo[0]?.toUpperCase();
  if (kind === 'A') return 'adjustment-invoice';
  if (row.customerId === null) return 'no-customer-id';
  if (kind === 'C') {
    if (row.quantity >= 0) return 'cancellation-positive-quantity';
  } else if (row.quantity <= 0) {
    return 'non-positive-quantity';
  }
  if (row.unitPrice <= 0) return 'non-positive-price';
  return null;
}

function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Streams the file once and builds the in-memory model (about 100 MB for the full 541,909 rows). */
export async function loadRetailData(file: string): Promise<RetailData> {
  const skipped: Skipped = {};
  const products = new Map<string, ProductAgg>();
  const customers = new Map<string, CustomerAgg>();
  const invoicesByNo = new Map<string, Invoice>();
  let rows = 0;
  let lastDate = '';
  let lastMs = NaN;
  // Rows per distinct timestamp (and the first line with it), for the outlier check after the read.
  const times = new Map<number, { rows: number; line: number }>();

  const malformed: string[] = [];
  const onReject = (r: { line: number; reason: string }): void => {
    rows += 1;
    noteSkip(skipped, 'malformed-row', r.line);
    if (malformed.length < MAX_EXAMPLES) malformed.push(`${file}: line ${r.line}: ${r.reason}`);
  };
  for await (const batch of readOnlineRetailBatches(file, onReject)) for (const row of batch) {
    rows += 1;
    // An invoice's rows are adjacent and share one timestamp: parse each distinct one once.
    if (row.invoiceDate !== lastDate) {
      lastDate = row.invoiceDate;
      lastMs = sourceTimeMs(lastDate);
    }
    const atMs = lastMs;
    const seen = times.get(atMs);
    if (seen) seen.rows += 1;
    else times.set(atMs, { rows: 1, line: row.line });

    // Every stock code becomes a product, even one only ever sold to anonymous buyers: it is in the catalogue.
    let product = products.get(row.stockCode);
    if (!product) {
      product = { code: row.stockCode, firstLine: row.line, descriptions: new Map(), prices: new Map() };
      products.set(row.stockCode, product);
    }
    const description = row.description?.trim();
    if (description) bump(product.descriptions, description);
    if (row.unitPrice > 0) bump(product.prices, row.unitPrice);

    const reason = skipReason(row);
    if (reason) {
      noteSkip(skipped, reason, row.line);
      continue;
    }
    const customerId = row.customerId as string;
    let customer = customers.get(customerId);
    if (!customer) {
      customer = { id: customerId, countries: new Map(), invoices: [] };
      customers.set(customerId, customer);
    }
    if (row.country) bump(customer.countries, row.country);

    let invoice = invoicesByNo.get(row.invoiceNo);
    if (!invoice) {
      invoice = { invoiceNo: row.invoiceNo, customerId, atMs, cancelled: row.invoiceNo[0].toUpperCase() === 'C', lines: [] };
      invoicesByNo.set(row.invoiceNo, invoice);
      customer.invoices.push(invoice);
    }
    invoice.lines.push({ line: row.line, stockCode: row.stockCode, quantity: Math.abs(row.quantity), unitPrice: row.unitPrice });
  }

  if (times.size === 0) {
    throw new Error(`${file}: no valid data rows${malformed.length > 0 ? ` (${malformed.join('; ')})` : ''}`);
  }
  const bulk = bulkTimeRange(times);
  const outliers: string[] = [];
  const inBulk = (ms: number): boolean => ms >= bulk.fromMs && ms <= bulk.toMs;
  for (const [ms, t] of times) {
    if (inBulk(ms)) continue;
    outliers.push(`${file}: line ${t.line}: InvoiceDate ${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} is ${bulk.why(ms)}; its ${t.rows} row(s) are skipped`);
  }
  for (const invoice of invoicesByNo.values()) {
    if (inBulk(invoice.atMs)) continue;
    invoicesByNo.delete(invoice.invoiceNo);
    for (const l of invoice.lines) noteSkip(skipped, 'date-outlier', l.line);
    const customer = customers.get(invoice.customerId)!;
    customer.invoices = customer.invoices.filter((i) => i !== invoice);
    if (customer.invoices.length === 0) customers.delete(customer.id);
  }

  const byTime = (a: Invoice, b: Invoice): number => a.atMs - b.atMs || (a.invoiceNo < b.invoiceNo ? -1 : a.invoiceNo > b.invoiceNo ? 1 : 0);
  const invoices = [...invoicesByNo.values()].sort(byTime);
  for (const c of customers.values()) c.invoices.sort(byTime);
  return { file, rows, products, customers, invoices, skipped, malformed, outliers, firstSourceMs: bulk.fromMs, lastSourceMs: bulk.toMs };
}

/** The key with the highest count; ties go to the key seen first (Map order), so the choice is stable. */
export function mostFrequent<K>(counts: Map<K, number>): K | undefined {
  let best: K | undefined;
  let bestCount = 0;
  for (const [key, count] of counts) {
    if (count > bestCount) {
      best = key;
      bestCount = count;
    }
  }
  return best;
}
