// A small synchronous route table for the versioned API. Handlers are plain functions from a request to a
// response so that /composite and /composite/batch can run subrequests in-process, inside one store
// transaction, exactly as the top-level routes would answer them.
import type { Session } from './auth/sessions.js';

export type ApiRequest = {
  method: string;
  /** Path after /services/data/vXX.X, e.g. /sobjects/Account/001... */
  path: string;
  query: Record<string, string | undefined>;
  header(name: string): string | undefined;
  /** Raw request body (JSON or CSV text). */
  body: string;
  version: string; // "50.0"
  versionNumber: number;
  session: Session;
  origin: string;
  /** Which of `count` records written by this call fail with UNABLE_TO_LOCK_ROW. */
  locks(count: number): Set<number>;
};

export type ApiResponse =
  | { status: number; json?: unknown; headers?: Record<string, string> }
  | { status: number; csv: string; headers?: Record<string, string> };

export type Params = Record<string, string>;
export type Handler = (req: ApiRequest, params: Params) => ApiResponse;

type Route = { method: string; segments: string[]; handler: Handler };

export class RouteTable {
  private readonly routes: Route[] = [];

  public add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, segments: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  /** The handler for a request; `methodNotAllowed` when the path exists under another method. */
  public match(method: string, path: string): { handler: Handler; params: Params } | 'methodNotAllowed' | undefined {
    const parts = path.split('/').filter(Boolean);
    let pathMatched = false;
    for (const r of this.routes) {
      if (r.segments.length !== parts.length) continue;
      const params: Params = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = r.segments[i];
        let part: string;
        try {
          part = decodeURIComponent(parts[i]);
        } catch {
          ok = false;
          break;
        }
        if (seg.startsWith(':')) params[seg.slice(1)] = part;
        else ok = seg.toLowerCase() === part.toLowerCase();
      }
      if (!ok) continue;
      if (r.method !== method && !(r.method === 'GET' && method === 'HEAD')) {
        pathMatched = true;
        continue;
      }
      return { handler: r.handler, params };
    }
    return pathMatched ? 'methodNotAllowed' : undefined;
  }
}

/** Runs the matching handler; Salesforce errors become their status and array body. */
export function dispatch(table: RouteTable, req: ApiRequest, errorBody: (e: unknown) => ApiResponse): ApiResponse {
  const m = table.match(req.method, req.path);
  if (m === undefined) return { status: 404, json: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] };
  if (m === 'methodNotAllowed') {
    return { status: 405, json: [{ errorCode: 'METHOD_NOT_ALLOWED', message: `HTTP Method '${req.method}' not allowed. Allowed are GET,PATCH,POST,DELETE,HEAD` }] };
  }
  try {
    return m.handler(req, m.params);
  } catch (e) {
    return errorBody(e);
  }
}
