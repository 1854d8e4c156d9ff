// CSV in and out of Bulk jobs, honouring the job's column delimiter and line ending. Results are written by
// hand: csv-stringify spent a second per 50,000 rows on options a fully quoted CSV does not need.
import { parse } from 'csv-parse/sync';
import { SfApiError } from '../../types.js';
import { DELIMITERS, type JobBase } from './jobs.js';

export function readCsv(text: string, job: JobBase): { header: string[]; rows: string[][] } {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      delimiter: DELIMITERS[job.columnDelimiter],
      relax_column_count: false,
      skip_empty_lines: true,
    }) as string[][];
  } catch (e) {
    throw new SfApiError(400, [{ errorCode: 'INVALIDBATCH', message: `InvalidBatch : Failed to parse CSV: ${(e as Error).message}` }]);
  }
  const [header = [], ...rows] = records;
  return { header, rows };
}

/** Every value double-quoted (as Salesforce's results are), nulls as empty unquoted cells. */
export function writeCsv(job: JobBase, header: string[], rows: (string | null)[][]): string {
  if (header.length === 0) return '';
  const delimiter = DELIMITERS[job.columnDelimiter];
  const eol = job.lineEnding === 'CRLF' ? '\r\n' : '\n';
  const cell = (v: string | null): string => (v === null ? '' : `"${v.replaceAll('"', '""')}"`);
  const lines = [header.map(cell).join(delimiter)];
  for (const r of rows) lines.push(r.map(cell).join(delimiter));
  return lines.join(eol) + eol;
}
