// Upserts records by external id in sObject Collections of 200 (or one Bulk API 2.0 ingest job above a
// threshold) and turns every outcome into per-record results. Retryable failures (row locks, 5xx, dropped
// connections, expired sessions that jsforce could not refresh) are retried with exponential back-off; an
// upsert by external id is idempotent, so resending a chunk whose response was lost cannot duplicate anything.
import type { Connection } from 'jsforce';
import type { ApiBudget } from '../connect/api-budget.js';

export type UpsertRecord = Record<string, unknown>;
export type RecordOutcome = { externalId: string; ok: boolean; id?: string; created?: boolean; code?: string; message?: string; fields?: string[] };

export type UpsertOptions = {
  bulkThreshold?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  budget?: ApiBudget;
  signal?: AbortSignal;
  /** Called after each chunk with its outcomes, so the caller can commit progress as it goes. */
  onChunk?: (outcomes: RecordOutcome[]) => void | Promise<void>;
};

const RETRYABLE = new Set([
  'UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE', 'UNKNOWN_EXCEPTION', 'INVALID_SESSION_ID', 'REQUEST_RUNNING_TOO_LONG',
  'ERROR_HTTP_500', 'ERROR_HTTP_502', 'ERROR_HTTP_503', 'ERROR_HTTP_504',
  'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET',
]);

/** The Salesforce error code of a thrown jsforce/network error. */
export function errorCode(err: unknown): string {
  const e = err as { errorCode?: string; name?: string; code?: string; cause?: { code?: string } };
  return e.errorCode ?? e.cause?.code ?? e.code ?? (e.name && e.name !== 'Error' && e.name !== 'TypeError' ? e.name : 'UNKNOWN');
}

export function isRetryable(code: string, message = ''): boolean {
  // "disturbed or locked": jsforce retried a streamed Bulk upload after a socket error (typically a pooled
  // keep-alive connection the server had closed) and cannot replay the stream; resending the job is safe.
  return RETRYABLE.has(code) || /fetch failed|socket hang up|other side closed|terminated|disturbed or locked/i.test(message);
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason as Error);
    }, { once: true });
  });

/** Runs fn, retrying thrown retryable errors with back-off; non-retryable errors propagate at once. */
export async function withRetry<T>(what: string, fn: () => Promise<T>, opts: UpsertOptions): Promise<T> {
  const max = opts.maxRetries ?? 5;
  for (let attempt = 0; ; attempt++) {
    try {
      opts.budget?.check(what);
      return await fn();
    } catch (err) {
      const code = errorCode(err);
      if (attempt >= max || !isRetryable(code, (err as Error).message)) throw err;
      await sleep((opts.retryBaseMs ?? 250) * 2 ** attempt, opts.signal);
    }
  }
}

type SaveResult = { id?: string | null; success: boolean; created?: boolean; errors?: Array<{ statusCode?: string; errorCode?: string; message: string; fields?: string[] }> };

async function upsertCollection(conn: Connection, object: string, extField: string, chunk: UpsertRecord[], opts: UpsertOptions): Promise<RecordOutcome[]> {
  const results = (await withRetry(`writing ${object}`, () =>
    conn.sobject(object).upsert(chunk as never[], extField, { allOrNone: false, allowRecursive: true }) as Promise<SaveResult[]>,
  opts)) as SaveResult[];
  return chunk.map((rec, i) => {
    const r = results[i];
    const externalId = String(rec[extField]);
    if (r?.success) return { externalId, ok: true, id: r.id ?? undefined, created: r.created };
    const e = r?.errors?.[0];
    return { externalId, ok: false, code: e?.statusCode ?? e?.errorCode ?? 'UNKNOWN', message: e?.message ?? 'no result returned', fields: e?.fields };
  });
}

async function upsertBulk(conn: Connection, object: string, extField: string, records: UpsertRecord[], opts: UpsertOptions): Promise<RecordOutcome[]> {
  // Every CSV row needs the same columns: '' leaves a field unchanged, null becomes #N/A (set to null).
  const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
  const input = records.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] === undefined ? '' : r[c]])));
  const res = await withRetry(`bulk-writing ${object}`, () =>
    conn.bulk2.loadAndWaitForResults({ object, operation: 'upsert', externalIdFieldName: extField, input: input as never[], pollTimeout: 15 * 60 * 1000 }),
  opts);
  const out = new Map<string, RecordOutcome>();
  for (const r of res.successfulResults as Array<Record<string, unknown>>) {
    const externalId = String(r[extField]);
    out.set(externalId.toLowerCase(), { externalId, ok: true, id: String(r.sf__Id), created: String(r.sf__Created) === 'true' });
  }
  for (const r of res.failedResults as Array<Record<string, unknown>>) {
    const externalId = String(r[extField]);
    const [code, ...rest] = String(r.sf__Error ?? 'UNKNOWN:').split(':');
    out.set(externalId.toLowerCase(), { externalId, ok: false, code, message: rest.join(':').replace(/\s*--\s*$/, '') });
  }
  for (const r of res.unprocessedRecords as Array<Record<string, unknown>>) {
    const externalId = String(r[extField]);
    out.set(externalId.toLowerCase(), { externalId, ok: false, code: 'UNPROCESSED', message: 'the bulk job did not process this record' });
  }
  return records.map((r) => out.get(String(r[extField]).toLowerCase()) ?? { externalId: String(r[extField]), ok: false, code: 'UNKNOWN', message: 'missing from bulk results' });
}

/**
 * Upserts all records; record-level retryable failures are resent (only those records) until they succeed or
 * the retries run out. Returns one outcome per input record, in input order.
 */
export async function upsertRecords(conn: Connection, object: string, extField: string, records: UpsertRecord[], opts: UpsertOptions = {}): Promise<RecordOutcome[]> {
  const final = new Map<string, RecordOutcome>();
  let pending = records;
  const max = opts.maxRetries ?? 5;
  for (let attempt = 0; pending.length > 0; attempt++) {
    const useBulk = pending.length > (opts.bulkThreshold ?? 10_000);
    const outcomes: RecordOutcome[] = [];
    if (useBulk) {
      const o = await upsertBulk(conn, object, extField, pending, opts);
      await opts.onChunk?.(o.filter((x) => x.ok));
      outcomes.push(...o);
    } else {
      for (let i = 0; i < pending.length; i += 200) {
        if (opts.signal?.aborted) throw opts.signal.reason as Error;
        const o = await upsertCollection(conn, object, extField, pending.slice(i, i + 200), opts);
        await opts.onChunk?.(o.filter((x) => x.ok));
        outcomes.push(...o);
      }
    }
    const retry: UpsertRecord[] = [];
    outcomes.forEach((o, i) => {
      final.set(o.externalId, o);
      if (!o.ok && attempt < max && isRetryable(o.code ?? '', o.message)) retry.push(pending[i]);
    });
    pending = retry;
    if (pending.length) await sleep((opts.retryBaseMs ?? 250) * 2 ** attempt, opts.signal);
  }
  return records.map((r) => final.get(String(r[extField])) as RecordOutcome);
}
