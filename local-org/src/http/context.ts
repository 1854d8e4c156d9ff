// What the data routes work against: the store and the SOQL engine over it.
import type { ObjectDef, OrgStore, SaveResult, SfErrorItem } from '../types.js';
import { SfApiError } from '../types.js';
import type { QueryEngine } from '../soql/engine.js';
import { NOT_FOUND_MESSAGE } from './respond.js';

export type OrgContext = {
  store: OrgStore;
  query: QueryEngine;
  clock: () => Date;
  /** When the schema was loaded: describe's Last-Modified and the If-Modified-Since baseline. */
  schemaLoadedAt: Date;
  /** Records use of the Bulk allocations /limits reports. */
  bulkUsage(kind: 'batches' | 'queryJobs', n: number): void;
  /** Runs a call as the session's user (CreatedById, LastModifiedById, default OwnerId). */
  actAs<T>(userId: string, fn: () => T): T;
};

export function notFound(message = NOT_FOUND_MESSAGE): SfApiError {
  return new SfApiError(404, [{ errorCode: 'NOT_FOUND', message }]);
}

/** A keyed registry lookup that answers 404 NOT_FOUND for unknown keys (Bulk jobs, for example). */
export function getOr404<T>(map: Map<string, T>, key: string): T {
  const v = map.get(key);
  if (v === undefined) throw notFound();
  return v;
}

export function objectOr404(ctx: OrgContext, name: string): ObjectDef {
  const obj = ctx.store.schema.get(name);
  if (!obj) throw notFound();
  return obj;
}

/** Collections report errors under statusCode, single-record REST under errorCode. */
export function collectionResult(r: SaveResult): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: r.id ?? null,
    success: r.success,
    errors: r.errors.map((e) => ({ statusCode: e.errorCode, message: e.message, fields: e.fields ?? [] })),
  };
  if (r.created !== undefined) out.created = r.created;
  if (!r.success && r.id === null) delete out.id;
  return out;
}

export const LOCK_ERROR: SfErrorItem = {
  errorCode: 'UNABLE_TO_LOCK_ROW',
  message: 'unable to obtain exclusive access to this record or 1 records',
  fields: [],
};

export const ROLLED_BACK: SfErrorItem = {
  errorCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

class Rollback extends Error {}

/**
 * Runs one write call over `count` records with injected lock failures and all-or-none semantics.
 * `exec` gets the indexes to write and returns their SaveResults in the same order.
 */
export function writeRecords(
  ctx: OrgContext,
  count: number,
  locked: Set<number>,
  allOrNone: boolean,
  exec: (indexes: number[]) => SaveResult[],
): SaveResult[] {
  const results: SaveResult[] = new Array(count);
  for (const i of locked) results[i] = { id: null, success: false, errors: [LOCK_ERROR] };
  const todo = [...Array(count).keys()].filter((i) => !locked.has(i));
  if (allOrNone && locked.size > 0) {
    for (const i of todo) results[i] = { id: null, success: false, errors: [ROLLED_BACK] };
    return results;
  }
  const run = (): void => {
    const out = todo.length ? exec(todo) : [];
    todo.forEach((i, k) => (results[i] = out[k]));
    if (allOrNone && out.some((r) => !r.success)) throw new Rollback();
  };
  if (!allOrNone) {
    run();
    return results;
  }
  try {
    ctx.store.transaction(run);
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
    for (const i of todo) {
      if (results[i]?.success !== false || results[i].errors.length === 0) {
        results[i] = { id: null, success: false, errors: [ROLLED_BACK], ...(results[i]?.created !== undefined ? { created: results[i].created } : {}) };
      }
    }
  }
  return results;
}
