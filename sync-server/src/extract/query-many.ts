// Several small SOQL queries in one API call. The Composite resource runs up to 25 subrequests, of which at
// most 5 may be queries, and the org bills the whole request as one call against the daily limit: the
// COUNT()s that decide what an incremental run must read cost one call per five objects instead of one each.
import type { Connection } from 'jsforce';
import type { ApiBudget } from '../connect/api-budget.js';

/** Salesforce's documented cap on query subrequests per composite request. */
const QUERIES_PER_COMPOSITE = 5;

export type QueryResultLike = { totalSize: number; done: boolean; records: Array<Record<string, unknown>> };

type CompositeResponse = { compositeResponse: Array<{ body: unknown; httpStatusCode: number; referenceId: string }> };

export class SubrequestError extends Error {
  public constructor(public readonly errorCode: string, message: string, public readonly soql: string) {
    super(`${errorCode}: ${message} (in ${soql.slice(0, 200)})`);
    this.name = errorCode;
  }
}

/** Runs each query (through queryAll with `scanAll`) and returns their first pages, in order. */
export async function queryMany(
  conn: Connection,
  soqls: string[],
  opts: { scanAll?: boolean; budget?: ApiBudget; what?: string } = {},
): Promise<QueryResultLike[]> {
  // Stops at the first chunk with a refused query: the chunks after it would be calls spent for nothing.
  const settled = await run(conn, soqls, opts, true);
  return settled.map((r) => {
    if (r instanceof SubrequestError) throw r;
    return r;
  });
}

/**
 * As queryMany, but a query the org refuses comes back as its SubrequestError in its place, so a caller can
 * ask in one call about things an org may not have (CurrencyType exists only in multi-currency orgs).
 */
export async function queryManySettled(
  conn: Connection,
  soqls: string[],
  opts: { scanAll?: boolean; budget?: ApiBudget; what?: string } = {},
): Promise<Array<QueryResultLike | SubrequestError>> {
  return run(conn, soqls, opts, false);
}

async function run(
  conn: Connection,
  soqls: string[],
  opts: { scanAll?: boolean; budget?: ApiBudget; what?: string },
  stopAtRefusal: boolean,
): Promise<Array<QueryResultLike | SubrequestError>> {
  const out: Array<QueryResultLike | SubrequestError> = [];
  const resource = opts.scanAll ? 'queryAll' : 'query';
  for (let i = 0; i < soqls.length; i += QUERIES_PER_COMPOSITE) {
    const chunk = soqls.slice(i, i + QUERIES_PER_COMPOSITE);
    opts.budget?.check(opts.what ?? 'counting records');
    // The versioned path in full: @salesforce/core's Connection (the sf plugin's) sends a bare '/composite' as is.
    const res = await conn.requestPost<CompositeResponse>(`/services/data/v${conn.version}/composite`, {
      allOrNone: false,
      compositeRequest: chunk.map((q, k) => ({
        method: 'GET',
        url: `/services/data/v${conn.version}/${resource}?q=${encodeURIComponent(q)}`,
        referenceId: `q${i + k}`,
      })),
    });
    chunk.forEach((q, k) => {
      const r = res.compositeResponse[k];
      if (!r || r.httpStatusCode >= 400) {
        const e = (Array.isArray(r?.body) ? r.body[0] : r?.body) as { errorCode?: string; message?: string } | undefined;
        out.push(new SubrequestError(e?.errorCode ?? `HTTP_${r?.httpStatusCode ?? 'NO_RESPONSE'}`, e?.message ?? 'no result', q));
        return;
      }
      out.push(r.body as QueryResultLike);
    });
    if (stopAtRefusal && out.some((r) => r instanceof SubrequestError)) break;
  }
  return out;
}
