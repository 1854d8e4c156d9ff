// Bulk API 2.0 query, one result page at a time. jsforce's bulk2.query() pipes every page into a single CSV
// parser, which breaks at page boundaries (each page carries its own header row: forcedotcom/cli#3103 shows
// the same "Invalid Closing Quote" failure). Fetching pages ourselves through jsforce's HttpApi keeps its
// session refresh and lets the caller commit page by page.
import type { Connection } from 'jsforce';
import { HttpApi } from 'jsforce/lib/http-api.js';

export type BulkQueryOptions = { scanAll?: boolean; pollInterval?: number; pollTimeout?: number; signal?: AbortSignal };

type JobInfo = { id: string; state: string; errorMessage?: string; numberRecordsProcessed?: number };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function api(conn: Connection, responseType?: string): HttpApi<never> {
  return new HttpApi(conn as never, { responseType });
}

/** Runs the query job and calls onPage with each page's records (values as CSV strings). */
export async function bulkQueryPages(
  conn: Connection,
  soql: string,
  opts: BulkQueryOptions,
  onPage: (records: Array<Record<string, string>>) => void | Promise<void>,
): Promise<{ jobId: string; records: number }> {
  const base = `${conn.instanceUrl}/services/data/v${conn.version}/jobs/query`;
  const job = (await api(conn).request<JobInfo>({
    method: 'POST',
    url: base,
    body: JSON.stringify({ operation: opts.scanAll ? 'queryAll' : 'query', query: soql, contentType: 'CSV', columnDelimiter: 'COMMA', lineEnding: 'LF' }),
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  })) as JobInfo;
  const deadline = Date.now() + (opts.pollTimeout ?? 15 * 60 * 1000);
  const interval = opts.pollInterval ?? 1000;
  for (;;) {
    const info = (await api(conn).request<JobInfo>({ method: 'GET', url: `${base}/${job.id}` })) as JobInfo;
    if (info.state === 'JobComplete') break;
    if (info.state === 'Failed' || info.state === 'Aborted') throw new Error(`Bulk query job ${job.id} ${info.state}: ${info.errorMessage ?? 'no reason given'}`);
    if (Date.now() > deadline) throw new Error(`Bulk query job ${job.id} did not finish within ${opts.pollTimeout ?? 900000} ms (state ${info.state})`);
    if (opts.signal?.aborted) throw opts.signal.reason as Error;
    await sleep(interval);
  }
  let locator: string | undefined;
  let total = 0;
  do {
    const http = api(conn, 'text/csv');
    http.on('response', (res: { headers: Record<string, string> }) => {
      locator = res.headers['sforce-locator'];
    });
    const url = `${base}/${job.id}/results${locator ? `?locator=${encodeURIComponent(locator)}` : ''}`;
    const page = (await http.request<Array<Record<string, string>>>({ method: 'GET', url, headers: { Accept: 'text/csv' } })) as unknown;
    const records = Array.isArray(page) ? (page as Array<Record<string, string>>) : [];
    total += records.length;
    await onPage(records);
    if (opts.signal?.aborted) throw opts.signal.reason as Error;
  } while (locator && locator !== 'null');
  return { jobId: job.id, records: total };
}
