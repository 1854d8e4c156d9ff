// Reads files in the UCI Online Retail column layout (plain or gzip). Both the seeder and the offline
// evaluator read this layout; one reader keeps their notion of a valid row identical.
// Tokenizing is csv-records.ts (a quarter of a full seed's CPU went to a general CSV parser).
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { CsvTokenizer } from './csv-records.js';

export const ONLINE_RETAIL_COLUMNS = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
] as const;

export type OnlineRetailRow = {
  line: number; // 1-based line number in the file, header = 1
  invoiceNo: string;
  stockCode: string;
  description: string | null;
  quantity: number;
  invoiceDate: string; // ISO "YYYY-MM-DDTHH:MM:SS" (local shop time, no zone, as in the source)
  unitPrice: number;
  customerId: string | null;
  country: string | null;
};

export type RejectedRow = { line: number; reason: string; raw: string[] };

export class OnlineRetailFormatError extends Error {
  public constructor(
    public readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'OnlineRetailFormatError';
  }
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const DMY_RE = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/; // the original UCI export
const pad = (s: string): string => s.padStart(2, '0');

/** "YYYY-MM-DDTHH:MM:SS" when the parts name a real calendar time (no 2011-13-45, no 25:00), else null. */
function calendarTime(y: string, mo: string, d: string, h: string, mi: string, sec = '00'): string | null {
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, sec].map(Number);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  // Date.UTC rolls over out-of-range parts (Feb 30 -> Mar 2); a real time reads back unchanged.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day
    || back.getUTCHours() !== hour || back.getUTCMinutes() !== minute || back.getUTCSeconds() !== second) return null;
  return `${y}-${mo}-${d}T${pad(h)}:${mi}:${sec}`;
}

function parseDate(value: string): string | null {
  const iso = DATE_RE.exec(value.trim());
  if (iso) return calendarTime(iso[1], iso[2], iso[3], iso[4], iso[5], iso[6]);
  const dmy = DMY_RE.exec(value.trim());
  if (dmy) return calendarTime(dmy[3], pad(dmy[2]), pad(dmy[1]), dmy[4], dmy[5], dmy[6]);
  return null;
}

// Plain decimal notation only: Number() would also take "0x1F", "1e300" and " ", none of which this layout
// writes, and the first two turn a typo into a huge amount rather than an error.
const DECIMAL = /^-?\d+(\.\d+)?$/;
// The widest values the org's fields hold (OpportunityLineItem.Quantity is number(12,2), UnitPrice
// currency(18,2)): a row beyond them cannot be loaded, so it is refused here, by line, not by a rolled-back batch.
const LIMITS = { Quantity: 1e10, UnitPrice: 1e16 } as const;

const column = (name: (typeof ONLINE_RETAIL_COLUMNS)[number]): number => ONLINE_RETAIL_COLUMNS.indexOf(name) + 1;
const shown = (value: string): string => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);

function numberProblem(name: 'Quantity' | 'UnitPrice', value: string): string | null {
  const text = value.trim();
  if (!DECIMAL.test(text)) return `${name} ${shown(value)} is not a number (column ${column(name)})`;
  if (Math.abs(Number(text)) >= LIMITS[name]) return `${name} ${shown(value)} is out of range: at most ${LIMITS[name]} (column ${column(name)})`;
  return null;
}

/** Validates one raw record; returns the typed row or the reason it was rejected (naming the column and value). */
export function toRow(raw: string[], line: number): OnlineRetailRow | RejectedRow {
  if (raw.length !== ONLINE_RETAIL_COLUMNS.length) {
    return { line, raw, reason: `expected ${ONLINE_RETAIL_COLUMNS.length} columns, found ${raw.length}` };
  }
  const [invoiceNo, stockCode, description, quantity, invoiceDate, unitPrice, customerId, country] = raw;
  if (!invoiceNo.trim()) return { line, raw, reason: `InvoiceNo is empty (column ${column('InvoiceNo')})` };
  if (!stockCode.trim()) return { line, raw, reason: `StockCode is empty (column ${column('StockCode')})` };
  const badNumber = numberProblem('Quantity', quantity) ?? numberProblem('UnitPrice', unitPrice);
  if (badNumber) return { line, raw, reason: badNumber };
  const date = parseDate(invoiceDate);
  if (!date) return { line, raw, reason: `InvoiceDate ${shown(invoiceDate)} is not a date and time as YYYY-MM-DD HH:MM:SS (column ${column('InvoiceDate')})` };
  // Some re-publishers write the id as a float ("17850.0"); the value is the integer.
  const cust = customerId.trim().replace(/\.0+$/, '');
  return {
    line,
    invoiceNo: invoiceNo.trim(),
    stockCode: stockCode.trim(),
    description: description.trim() === '' ? null : description,
    quantity: Number(quantity),
    invoiceDate: date,
    unitPrice: Number(unitPrice),
    customerId: cust === '' ? null : cust,
    country: country.trim() === '' ? null : country.trim(),
  };
}

export function isRejected(r: OnlineRetailRow | RejectedRow): r is RejectedRow {
  return 'reason' in r;
}

/**
 * Streams the rows of a file in chunks (one array per block read, a few thousand rows), which spares the
 * caller an await per row. Rows that fail validation go to onReject (with their line number) instead of
 * stopping the read; a missing or misnamed header is fatal because every later row would be misread.
 * "line" counts records, header = 1, as csv-parse did (no data field spans lines in this layout).
 */
export async function* readOnlineRetailBatches(
  file: string,
  onReject: (r: RejectedRow) => void = () => undefined,
): AsyncGenerator<OnlineRetailRow[]> {
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  const source = file.endsWith('.gz') ? input.pipe(createGunzip({ chunkSize: 1 << 18 })) : input;
  // pipe() does not forward errors: a missing file or a corrupt gzip must reach the loop below.
  if (source !== input) input.on('error', (e) => source.destroy(e));
  source.setEncoding('utf8');
  const tokenizer = new CsvTokenizer();
  let line = 0;
  const rowsOf = (records: string[][]): OnlineRetailRow[] => {
    const rows: OnlineRetailRow[] = [];
    for (const raw of records) {
      line += 1;
      if (line === 1) {
        const header = raw.map((h) => h.trim());
        const missing = ONLINE_RETAIL_COLUMNS.filter((c, i) => header[i] !== c);
        if (missing.length > 0) {
          throw new OnlineRetailFormatError(
            file,
            `line 1: header must be ${ONLINE_RETAIL_COLUMNS.join(',')}; found ${header.join(',')}`,
          );
        }
        continue;
      }
      const row = toRow(raw, line);
      if (isRejected(row)) onReject(row);
      else rows.push(row);
    }
    return rows;
  };
  try {
    for await (const text of source as AsyncIterable<string>) {
      const rows = rowsOf(tokenizer.push(text));
      if (rows.length > 0) yield rows;
    }
    const rows = rowsOf(tokenizer.end());
    if (rows.length > 0) yield rows;
  } catch (err) {
    if (err instanceof OnlineRetailFormatError) throw err;
    const e = err as Error & { code?: string; lines?: number };
    if (e.code === 'ENOENT') throw new OnlineRetailFormatError(file, 'file not found');
    throw new OnlineRetailFormatError(file, `line ${e.lines ?? line + 1}: ${e.message}`);
  } finally {
    source.destroy();
    input.destroy();
  }
}

/** Streams the rows of a file one by one (see readOnlineRetailBatches). */
export async function* readOnlineRetail(
  file: string,
  onReject: (r: RejectedRow) => void = () => undefined,
): AsyncGenerator<OnlineRetailRow> {
  for await (const rows of readOnlineRetailBatches(file, onReject)) yield* rows;
}
