// CSV in and out of Bulk jobs, honouring the job's column delimiter and line ending.
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
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

export function writeCsv(job: JobBase, header: string[], rows: (string | null)[][]): string {
  if (header.length === 0) return '';
  return stringify([header, ...rows.map((r) => r.map((v) => (v === null ? '' : v)))], {
    delimiter: DELIMITERS[job.columnDelimiter],
    record_delimiter: job.lineEnding === 'CRLF' ? 'windows' : 'unix',
    quoted_string: true,
  });
}
