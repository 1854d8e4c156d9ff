// The offline protocol on a file in the Online Retail layout: which rows are purchases, how accounts and
// products are indexed, and where the train / validation / test windows fall.
import { bulkTimeRange } from '../../../local-org/src/seed/date-outliers.js';
import { readOnlineRetail } from '../../../local-org/src/seed/online-retail-csv.js';
import { dayNumber, sliceLog, type PurchaseLog } from '../recommend/purchase-log.js';
import { createLogBuilder } from './log-builder.js';
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
  /** What the loader left out and why, for the CLI to print (rows with dates far outside the rest). */
  warnings?: string[];
};

export async function loadRetail(file: string): Promise<RetailData> {
  const log = createLogBuilder();
  let read = 0;
  let rejected = 0;
  let kept = 0;
  const times = new Map<number, { rows: number; line: number }>();
  for await (const row of readOnlineRetail(file, () => rejected++)) {
    read++;
    const ms = Date.parse(`${row.invoiceDate}Z`);
    const seen = times.get(ms);
    if (seen) seen.rows++;
    else times.set(ms, { rows: 1, line: row.line });
    if (row.customerId === null) continue;
    const inv = row.invoiceNo.toUpperCase();
    if (inv.startsWith('C') || inv.startsWith('A')) continue;
    if (row.quantity <= 0 || row.unitPrice <= 0) continue;
    if (isNonProductCode(row.stockCode)) continue;
    log.add({
      account: row.customerId,
      product: row.stockCode.toUpperCase(),
      order: row.invoiceNo,
      date: row.invoiceDate,
      revenue: row.quantity * row.unitPrice,
      country: row.country ?? '',
      description: row.description,
    });
    kept++;
  }
  if (kept === 0) throw new Error(`${file}: no purchase rows left after cleaning (${read} rows read)`);
  const data = log.build({ read, kept, rejected });
  // The test window is the last three months before the newest date: one row dated years ahead would leave
  // it empty and every metric zero. The seeder drops the same rows (local-org's date-outliers.ts).
  const bulk = bulkTimeRange(times);
  const warnings = [...times].filter(([ms]) => ms < bulk.fromMs || ms > bulk.toMs)
    .map(([ms, t]) => `${file}: line ${t.line}: InvoiceDate ${new Date(ms).toISOString().slice(0, 10)} is ${bulk.why(ms)}; its ${t.rows} row(s) are left out`);
  if (warnings.length === 0) return data;
  const day = (ms: number): number => dayNumber(new Date(ms).toISOString().slice(0, 10));
  const trimmed = sliceLog(data.log, day(bulk.fromMs), day(bulk.toMs) + 1);
  let lastDay = -Infinity;
  for (const d of trimmed.day) if (d > lastDay) lastDay = d;
  return { ...data, log: trimmed, lastDay, warnings };
}

/**
 * The same file cut before `end` (YYYY-MM-DD, exclusive), so the protocol's windows fall earlier: a check on a
 * split nothing was tuned on. The windows then end on the last day left.
 */
export function endBefore(data: RetailData, end: string): RetailData {
  const endDay = dayNumber(end);
  const log = sliceLog(data.log, -Infinity, endDay);
  if (log.day.length === 0) throw new Error(`--end ${end}: no purchase rows before that day`);
  let lastDay = -Infinity;
  for (const d of log.day) if (d > lastDay) lastDay = d;
  return { ...data, log, lastDay };
}
