// The offline protocol on a file in the Online Retail layout: which rows are purchases, how accounts and
// products are indexed, and where the train / validation / test windows fall.
// The seeder and the evaluator read the file with the same parser and the same outlier rule, so an org
// seeded from a file and the offline evaluation of that file see the same rows and dates.
import { bulkTimeRange, readOnlineRetail } from '@reco/local-org';
import { dayNumber, selectLines, sliceLog } from '../recommend/purchase-log.js';
import { mulberry32 } from '../lib/random.js';
import { createLogBuilder } from './log-builder.js';
import type { RetailData } from './retail-data.js';
import { isNonProductCode } from '../recommend/non-product.js';

export { isNonProductCode };

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

/**
 * A seeded random sample of n accounts (of those with a purchase) with all their lines: a small order book
 * cut from a big one, so the protocol can be checked where the learned parts have little to learn from.
 */
export function sampleAccounts(data: RetailData, n: number, seed = 1): RetailData {
  const has = new Uint8Array(data.log.nUsers);
  for (const u of data.log.user) has[u] = 1;
  const ids: number[] = [];
  for (let u = 0; u < has.length; u++) if (has[u]) ids.push(u);
  if (n > ids.length) throw new Error(`--sample ${n}: the data has only ${ids.length} accounts with a purchase`);
  const rnd = mulberry32(seed);
  for (let k = ids.length - 1; k > 0; k--) {
    const j = Math.floor(rnd() * (k + 1));
    [ids[k], ids[j]] = [ids[j], ids[k]];
  }
  const keep = new Uint8Array(data.log.nUsers);
  for (const u of ids.slice(0, n)) keep[u] = 1;
  return { ...data, log: selectLines(data.log, (k) => keep[data.log.user[k]] === 1) };
}

/**
 * Only each account's first purchase of each product (earliest day; first line on ties): a ratings-like log
 * where nothing is bought twice, so nothing can be re-ordered and only discovery counts.
 */
export function firstPurchasesOnly(data: RetailData): RetailData {
  const { log } = data;
  const first = new Map<number, number>(); // user * nItems + item -> line
  for (let k = 0; k < log.user.length; k++) {
    const key = log.user[k] * log.nItems + log.item[k];
    const at = first.get(key);
    if (at === undefined || log.day[k] < log.day[at]) first.set(key, k);
  }
  const keep = new Uint8Array(log.user.length);
  for (const k of first.values()) keep[k] = 1;
  return { ...data, log: selectLines(log, (k) => keep[k] === 1) };
}
