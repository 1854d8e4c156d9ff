// Bulk API 2.0 query jobs: the query runs when the job is created, so the job is complete by the first
// poll; results page through Sforce-Locator, which is present on every page and the string "null" on the last.
import { SfApiError } from '../../types.js';
import type { Cell } from '../../soql/records.js';
import { getOr404, type OrgContext } from '../context.js';
import type { ApiResponse, RouteTable } from '../router.js';
import { writeCsv } from './csv.js';
import { isTerminal, jobFormat, jobHeader, newJobBase, type JobBase } from './jobs.js';
import { jsonObject } from '../body.js';

/** Rows per results page when the client sends no maxRecords. */
export const DEFAULT_PAGE_SIZE = 50_000;

/** CSV text of one value: booleans as true/false, nulls empty. */
const csvCell = (v: Cell): string | null => (v === null ? null : String(v));

type QueryJob = JobBase & { query: string; columns: string[]; rows: (string | null)[][] };

function info(job: QueryJob, complete: boolean): Record<string, unknown> {
  return {
    ...jobHeader(job, complete ? job.state : 'UploadComplete'),
    ...jobFormat(job, 'V2Query'),
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
    numberRecordsProcessed: complete ? job.numberRecordsProcessed : 0,
    retries: 0,
    totalProcessingTime: complete ? job.totalProcessingTime : 0,
    isPkChunkingSupported: true,
    ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
  };
}

const encodeLocator = (offset: number): string => Buffer.from(String(offset)).toString('base64url');
function decodeLocator(text: string): number {
  const n = Number(Buffer.from(text, 'base64url').toString('utf8'));
  if (!Number.isInteger(n) || n < 0) throw new SfApiError(400, [{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }]);
  return n;
}

export function addQueryJobRoutes(t: RouteTable, ctx: OrgContext, jobs: Map<string, QueryJob> = new Map()): void {
  const get = (id: string): QueryJob => getOr404(jobs, id);
  const json = (status: number, body: unknown): ApiResponse => ({ status, json: body });

  t.add('POST', '/jobs/query', (req) => {
    const body = jsonObject(req.body);
    const operation = body.operation ?? 'query';
    if (operation !== 'query' && operation !== 'queryAll') {
      throw new SfApiError(400, [{ errorCode: 'INVALIDJOB', message: `InvalidJob : Invalid operation: ${String(operation)}` }]);
    }
    const soql = typeof body.query === 'string' ? body.query : '';
    if (!soql.trim()) throw new SfApiError(400, [{ errorCode: 'INVALIDJOB', message: 'InvalidJob : query is required' }]);
    const started = Date.now();
    const { columns, rows } = ctx.query.rows(soql, { scanAll: operation === 'queryAll' });
    const object = /\bfrom\s+(\w+)/i.exec(soql)?.[1] ?? '';
    const base = newJobBase(body, ctx.store.schema.get(object)?.name ?? object, operation, req.session.user.userId, ctx.clock(), req.version);
    const job: QueryJob = { ...base, query: soql, columns, rows: Array.from(rows, (r) => r.map(csvCell)), state: 'JobComplete' };
    job.numberRecordsProcessed = job.rows.length;
    job.totalProcessingTime = Date.now() - started;
    jobs.set(job.id, job);
    ctx.bulkUsage('queryJobs', 1);
    return json(200, info(job, false));
  });

  t.add('GET', '/jobs/query', () => json(200, { done: true, records: [...jobs.values()].map((j) => info(j, true)), nextRecordsUrl: null }));

  t.add('GET', '/jobs/query/:id', (_req, p) => json(200, info(get(p.id), true)));

  t.add('GET', '/jobs/query/:id/results', (req, p) => {
    const job = get(p.id);
    if (job.state !== 'JobComplete') {
      throw new SfApiError(412, [{ errorCode: 'JOB_NOT_COMPLETE', message: `Job is not complete. Current status: ${job.state}` }]);
    }
    if (job.apiVersion !== req.version) {
      throw new SfApiError(409, [{ errorCode: 'INVALIDJOB', message: `Results must be requested with API version ${job.apiVersion}, the version the job was created with` }]);
    }
    const max = req.query.maxRecords !== undefined ? Number(req.query.maxRecords) : DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(max) || max < 1) {
      throw new SfApiError(400, [{ errorCode: 'INVALIDJOB', message: `maxRecords must be a positive integer, got ${req.query.maxRecords}` }]);
    }
    const offset = req.query.locator ? decodeLocator(req.query.locator) : 0;
    const page = job.rows.slice(offset, offset + max);
    const next = offset + page.length < job.rows.length ? encodeLocator(offset + page.length) : 'null';
    return {
      status: 200,
      csv: writeCsv(job, job.columns, page),
      headers: { 'Sforce-Locator': next, 'Sforce-NumberOfRecords': String(page.length) },
    };
  });

  t.add('PATCH', '/jobs/query/:id', (req, p) => {
    const job = get(p.id);
    if (jsonObject(req.body).state !== 'Aborted') {
      throw new SfApiError(400, [{ errorCode: 'INVALIDJOBSTATE', message: 'Only state Aborted can be set on a query job' }]);
    }
    if (isTerminal(job.state) && job.state !== 'JobComplete') {
      throw new SfApiError(400, [{ errorCode: 'INVALIDJOBSTATE', message: `Job is already ${job.state}` }]);
    }
    job.state = 'Aborted';
    job.rows = [];
    return json(200, info(job, true));
  });

  t.add('DELETE', '/jobs/query/:id', (_req, p) => {
    get(p.id);
    jobs.delete(p.id);
    return { status: 204 };
  });
}
