// The hot route without the express stack: a well-formed, authorised GET /accounts/:id/recommendations is
// answered straight from the cache. Anything else, errors included, falls through to express, which answers
// it with its full validation and error handling, so both paths give the same responses.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Metrics } from '../logging/metrics.js';
import { bearerChecker } from './auth.js';
import { getAccountRecommendationsJson } from './use-cases/account-results.js';
import type { RecommendationCache } from './use-cases/recommendation-cache.js';
import { accountIdParam, recommendationsQuery } from './validation.js';

const ROUTE = /^\/accounts\/([^/?#]+)\/recommendations(?:\?(.*))?$/;

export function recommendationsFastPath(deps: { token: string; cache: RecommendationCache; metrics: Metrics }): (req: IncomingMessage, res: ServerResponse) => boolean {
  const checkBearer = bearerChecker(deps.token);
  return (req, res) => {
    if (req.method !== 'GET' || !req.url?.startsWith('/accounts/')) return false;
    const started = process.hrtime.bigint();
    const match = ROUTE.exec(req.url);
    if (!match || checkBearer(req.headers.authorization)) return false;
    const id = accountIdParam.safeParse(safeDecode(match[1]));
    // express 5's default ("simple") query parser is node:querystring, so the query reads the same here.
    const query = recommendationsQuery.safeParse(parseQuery(match[2] ?? ''));
    if (!id.success || !query.success) return false;
    const body = getAccountRecommendationsJson(deps.cache, id.data, query.data);
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length });
    res.end(body);
    deps.metrics.httpDuration.observe({ method: 'GET', route: '/accounts/:id/recommendations', status: '200' }, Number(process.hrtime.bigint() - started) / 1e9);
    return true;
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // express will reject it with its own message
  }
}
