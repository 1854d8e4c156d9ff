// /query, /queryAll and /query/{locator}. jsforce continues both query and queryAll through /query/{locator},
// so the engine's locators must resolve regardless of which endpoint started the cursor.
import { toolingQueryError } from '../soql/tooling.js';
import { SfApiError } from '../types.js';
import type { OrgContext } from './context.js';
import type { ApiRequest, RouteTable } from './router.js';

/** Sforce-Query-Options: batchSize=N (the engine clamps it to 200..2000, as the server may). */
export function batchSizeOf(req: ApiRequest): number | undefined {
  const opts = req.header('sforce-query-options');
  const m = opts ? /batchSize\s*=\s*(\d+)/i.exec(opts) : null;
  if (!m) return undefined;
  return Number(m[1]);
}

function soqlOf(req: ApiRequest): string {
  const q = req.query.q;
  if (!q || !q.trim()) throw new SfApiError(400, [{ errorCode: 'MALFORMED_QUERY', message: 'A query string has to be specified' }]);
  return q;
}

export function addQueryRoutes(t: RouteTable, ctx: OrgContext): void {
  const run = (req: ApiRequest, scanAll: boolean) => {
    if (req.query.explain !== undefined) return explain(ctx, req);
    // `sf data query` asks for the columns after every query that found rows (always on /query).
    if (req.query.columns === 'true') return { status: 200, json: ctx.query.columns(soqlOf(req)) };
    const result = ctx.query.query(soqlOf(req), { scanAll, batchSize: batchSizeOf(req), apiVersion: req.version });
    return { status: 200, json: result };
  };
  t.add('GET', '/query', (req) => run(req, false));
  t.add('GET', '/queryAll', (req) => run(req, true));
  const more = (req: ApiRequest, locator: string) => ({
    status: 200,
    json: ctx.query.queryMore(locator, { apiVersion: req.version }),
  });
  t.add('GET', '/query/:locator', (req, p) => more(req, p.locator));
  t.add('GET', '/queryAll/:locator', (req, p) => more(req, p.locator));
  // `sf data query --use-tooling-api`: no tooling object exists here, so every tooling query is refused the
  // way an org refuses a type the Tooling API does not expose (other tooling resources stay 404 NOT_FOUND).
  const tooling = (req: ApiRequest) => {
    throw toolingQueryError(soqlOf(req));
  };
  t.add('GET', '/tooling/query', tooling);
  t.add('GET', '/tooling/queryAll', tooling);
}

/** A plausible query plan: the emulator has no optimiser, so every query is a table scan. */
function explain(ctx: OrgContext, req: ApiRequest) {
  const soql = req.query.explain ?? '';
  const from = /\bfrom\s+(\w+)/i.exec(soql)?.[1];
  const obj = from ? ctx.store.schema.get(from) : undefined;
  if (!obj) throw new SfApiError(400, [{ errorCode: 'MALFORMED_QUERY', message: `sObject type '${from ?? ''}' is not supported.` }]);
  const count = (ctx.store.db.prepare(`SELECT COUNT(*) AS n FROM "${obj.name}" WHERE IsDeleted = 0`).get() as { n: number }).n;
  return {
    status: 200,
    json: {
      plans: [
        {
          cardinality: count,
          fields: [],
          leadingOperationType: 'TableScan',
          notes: [],
          relativeCost: count > 0 ? 1 + count / 100000 : 0,
          sobjectCardinality: count,
          sobjectType: obj.name,
        },
      ],
    },
  };
}
