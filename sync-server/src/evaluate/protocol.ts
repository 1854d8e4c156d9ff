// The offline protocol on a file in the Online Retail layout: which rows are purchases, how accounts and
// products are indexed, and where the train / validation / test windows fall.
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
};

export async function loadRetail(file: string): Promise<RetailData> {
  const log = createLogBuilder();
  let read = 0;
  let rejected = 0;
  let kept = 0;
  for await (const row of readOnlineRetail(file, () => rejected++)) {
    read++;
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
  return log.build({ read, kept, rejected });
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
