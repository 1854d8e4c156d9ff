// Labelled text CSVs (.csv or .csv.gz) for training and evaluation: one text column, one label column, and
// any other columns kept (the UCI file's `source`).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';

export type LabelledRow = { text: string; label: string; extra: Record<string, string> };

export function readLabelledCsv(path: string, textColumn = 'text', labelColumn = 'label'): LabelledRow[] {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
  const body = path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  let records: Record<string, string>[];
  try {
    records = parse(body, { columns: true, skip_empty_lines: true, bom: true, relax_column_count: false }) as Record<string, string>[];
  } catch (err) {
    throw new Error(`${path}: not a CSV with a header row: ${(err as Error).message}`);
  }
  if (records.length === 0) throw new Error(`${path}: no data rows`);
  for (const col of [textColumn, labelColumn]) {
    if (!(col in records[0])) throw new Error(`${path}: no column "${col}" (columns: ${Object.keys(records[0]).join(', ')})`);
  }
  return records.map((r, i) => {
    const label = (r[labelColumn] ?? '').trim();
    if (!label) throw new Error(`${path}: row ${i + 2} has an empty "${labelColumn}"`);
    const { [textColumn]: text, [labelColumn]: _label, ...extra } = r;
    return { text: text ?? '', label, extra };
  });
}
