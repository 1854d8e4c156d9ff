// /composite (dependent subrequests with @{ref.field} references, optional all-or-none) and
// /composite/batch (independent subrequests). Subrequests run in-process through the same route table.
import { SfApiError } from '../types.js';
import { jsonObject } from './body.js';
import type { OrgContext } from './context.js';
import { dispatch, type ApiRequest, type ApiResponse, type RouteTable } from './router.js';

const MAX_SUBREQUESTS = 25;

type Sub = { method: string; url: string; body?: unknown; referenceId?: string };

/** Splits "/services/data/v50.0/sobjects/Account?x=1" (or "v50.0/sobjects/...") into version, path and query. */
function target(url: string): { version: string; path: string; query: Record<string, string> } {
  const m = /^\/?(?:services\/data\/)?v(\d+\.\d)(\/[^?]*)?(?:\?(.*))?$/.exec(url);
  if (!m) throw new SfApiError(400, [{ errorCode: 'INVALID_API_INPUT', message: `Invalid subrequest url: ${url}` }]);
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(m[3] ?? '')) query[k] = v;
  return { version: m[1], path: m[2] ?? '/', query };
}

function lookup(results: Map<string, unknown>, expr: string): unknown {
  const [ref, ...rest] = expr.split('.');
  let cur: unknown = results.get(ref);
  if (cur === undefined) throw new Error(`no subrequest with referenceId ${ref} has run`);
  for (const part of rest.join('.').split('.').filter(Boolean)) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new Error(`cannot read ${part}`);
    cur = (cur as Record<string, unknown> | null)?.[m[1]];
    for (const idx of m[2].match(/\d+/g) ?? []) cur = (cur as unknown[] | null)?.[Number(idx)];
  }
  if (cur === undefined) throw new Error(`reference @{${expr}} has no value`);
  return cur;
}

function resolveRefs(value: unknown, results: Map<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = /^@\{([^}]+)\}$/.exec(value);
    if (whole) return lookup(results, whole[1]);
    return value.replace(/@\{([^}]+)\}/g, (_, e: string) => String(lookup(results, e)));
  }
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, results));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, results)]));
  }
  return value;
}

const HALTED = (message: string) => [{ errorCode: 'PROCESSING_HALTED', message }];

class Rollback extends Error {}

export function addCompositeRoutes(t: RouteTable, ctx: OrgContext, errorBody: (e: unknown) => ApiResponse): void {
  const run = (parent: ApiRequest, method: string, url: string, body: unknown): ApiResponse => {
    const to = target(url);
    const sub: ApiRequest = {
      ...parent,
      method: method.toUpperCase(),
      path: to.path,
      query: to.query,
      body: body === undefined || body === null ? '' : JSON.stringify(body),
      version: to.version,
      versionNumber: Number(to.version),
      locks: () => new Set(),
    };
    if (/^\/composite(\/batch)?\/?$/i.test(sub.path) || /^\/jobs\//i.test(sub.path)) {
      return { status: 400, json: [{ errorCode: 'INVALID_API_INPUT', message: `${to.path} is not supported as a subrequest` }] };
    }
    return dispatch(t, sub, errorBody);
  };

  t.add('POST', '/composite', (req) => {
    const body = jsonObject(req.body);
    const subs = body.compositeRequest;
    if (!Array.isArray(subs) || subs.length === 0) {
      throw new SfApiError(400, [{ errorCode: 'INVALID_API_INPUT', message: 'compositeRequest must be a non-empty array' }]);
    }
    if (subs.length > MAX_SUBREQUESTS) {
      throw new SfApiError(400, [{ errorCode: 'INVALID_API_INPUT', message: `A composite request can contain at most ${MAX_SUBREQUESTS} subrequests` }]);
    }
    const allOrNone = body.allOrNone === true;
    const refs = new Map<string, unknown>();
    const out: Record<string, unknown>[] = [];
    const exec = (): void => {
      let failed = false;
      for (const s of subs as Sub[]) {
        const referenceId = s.referenceId ?? '';
        if (failed && allOrNone) {
          out.push({ body: HALTED('The transaction was rolled back since another operation in the same transaction failed.'), httpHeaders: {}, httpStatusCode: 400, referenceId });
          continue;
        }
        let res: ApiResponse;
        try {
          res = run(req, s.method ?? 'GET', resolveRefs(s.url, refs) as string, resolveRefs(s.body, refs));
        } catch (e) {
          res = { status: 400, json: HALTED(`Invalid reference specified. ${(e as Error).message}`) };
        }
        const json = 'json' in res ? res.json : undefined;
        const headers: Record<string, string> = { ...(res.headers ?? {}) };
        if (res.status === 201 && json && typeof json === 'object' && 'id' in json) {
          const type = /^\/sobjects\/([^/]+)/.exec(target(String(s.url)).path)?.[1];
          if (type) headers.Location = `/services/data/v${req.version}/sobjects/${type}/${(json as { id: string }).id}`;
        }
        out.push({ body: json ?? null, httpHeaders: headers, httpStatusCode: res.status, referenceId });
        if (res.status < 400) {
          if (referenceId) refs.set(referenceId, json);
        } else failed = true;
      }
      if (failed && allOrNone) throw new Rollback();
    };
    try {
      ctx.store.transaction(exec);
    } catch (e) {
      if (!(e instanceof Rollback)) throw e;
      for (const r of out) {
        if ((r.httpStatusCode as number) < 400) {
          r.body = HALTED('The transaction was rolled back since another operation in the same transaction failed.');
          r.httpStatusCode = 400;
          r.httpHeaders = {};
        }
      }
    }
    return { status: 200, json: { compositeResponse: out } };
  });

  t.add('POST', '/composite/batch', (req) => {
    const body = jsonObject(req.body);
    const subs = body.batchRequests;
    if (!Array.isArray(subs) || subs.length === 0 || subs.length > MAX_SUBREQUESTS) {
      throw new SfApiError(400, [{ errorCode: 'INVALID_API_INPUT', message: `batchRequests must hold 1 to ${MAX_SUBREQUESTS} subrequests` }]);
    }
    const halt = body.haltOnError === true;
    let halted = false;
    let hasErrors = false;
    const results = (subs as { method?: string; url?: string; richInput?: unknown }[]).map((s) => {
      if (halted) return { statusCode: 412, result: [{ errorCode: 'BATCH_PROCESSING_HALTED', message: 'Batch processing halted per request' }] };
      const res = ctx.store.transaction(() => run(req, s.method ?? 'GET', String(s.url ?? ''), s.richInput));
      if (res.status >= 400) {
        hasErrors = true;
        if (halt) halted = true;
      }
      return { statusCode: res.status, result: 'json' in res ? (res.json ?? null) : null };
    });
    return { status: 200, json: { hasErrors, results } };
  });
}
