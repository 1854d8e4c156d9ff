// The versioned REST API as one route table, and the express handler that feeds requests into it.
import type { Request, Response } from 'express';
import type { ApiCounter } from '../limits.js';
import { originOf } from './auth/context.js';
import { addIngestRoutes } from './bulk/ingest.js';
import { addQueryJobRoutes } from './bulk/query-jobs.js';
import { addCollectionRoutes } from './collections.js';
import { addCompositeRoutes } from './composite.js';
import type { OrgContext } from './context.js';
import { api } from './pipeline.js';
import { addQueryRoutes } from './query.js';
import { errorResponse, sendCsv, sendJson } from './respond.js';
import { dispatch, RouteTable, type ApiRequest } from './router.js';
import { addSObjectRoutes } from './sobjects.js';

export function buildRouteTable(ctx: OrgContext, counter: ApiCounter): RouteTable {
  const t = new RouteTable();
  t.add('GET', '/limits', () => ({ status: 200, json: counter.limits() }));
  addSObjectRoutes(t, ctx);
  addQueryRoutes(t, ctx);
  addCollectionRoutes(t, ctx);
  addCompositeRoutes(t, ctx, errorResponse);
  addIngestRoutes(t, ctx);
  addQueryJobRoutes(t, ctx);
  return t;
}

export function apiHandler(table: RouteTable, ctx: OrgContext) {
  return (req: Request, res: Response): void => {
    const locals = api(res);
    const query: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.query)) query[k] = Array.isArray(v) ? String(v[0]) : typeof v === 'string' ? v : undefined;
    const apiReq: ApiRequest = {
      method: req.method,
      path: req.path,
      query,
      header: (name) => req.get(name),
      body: typeof req.body === 'string' ? req.body : '',
      version: locals.version,
      versionNumber: locals.versionNumber,
      session: locals.session,
      origin: originOf(req),
      locks: locals.locks,
    };
    const out = ctx.actAs(locals.session.user.userId, () => dispatch(table, apiReq, errorResponse));
    const headers = out.headers ?? {};
    if ('csv' in out) sendCsv(res, out.status, out.csv, headers);
    else if (out.json === undefined) {
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      res.status(out.status).end();
    } else sendJson(res, out.status, out.json, headers);
  };
}
