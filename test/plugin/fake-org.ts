// Request fakes for the plugin's unit tests. TestContext replaces Connection#request with
// $$.fakeConnectionRequest; these build its answers. Commands that make a handful of calls are answered by
// hand (envelope, soqlOf, orgError); commands that run the pipeline make dozens of distinct REST calls
// (limits, queries with queryMore, sObject Collections upserts), so those are answered by local-org
// instead of by hand-written fixtures: the request still never leaves the test's stub, but the answers
// have the wire shapes and DML rules of an org.
import type { LocalOrg } from '@reco/local-org';

type FakeRequest = { url?: string; method?: string; body?: string; headers?: Record<string, string> };

/** A SOQL query envelope; fakeConnectionRequest is typed AnyJson, these are the shapes behind that type. */
export const envelope = (records: object[]): never => ({ totalSize: records.length, done: true, records }) as never;

/** jsforce passes some requests (describe, limits) as a bare URL string, others as a request object. */
export const urlOf = (request: unknown): string => (typeof request === 'string' ? request : ((request as FakeRequest).url ?? ''));

/** The SOQL of a query request, decoded; '' for other requests. */
export const soqlOf = (request: unknown): string => decodeURIComponent(new URL(urlOf(request), 'http://x').searchParams.get('q') ?? '');

/** The rejection jsforce produces for an org's error response: the errorCode is also the error's name. */
export function orgError(errorCode: string, message: string): Error {
  return Object.assign(new Error(message), { name: errorCode, errorCode });
}

export type Forwarder = ((request: unknown) => Promise<never>) & { calls: string[] };

/**
 * Answers each request from a running local-org, as jsforce's HttpApi would: the parsed JSON body on
 * success, an error named after the org's errorCode otherwise. `calls` records "METHOD path" per request.
 */
export function forwardTo(org: LocalOrg, token = org.credentials.accessToken): Forwarder {
  const calls: string[] = [];
  const forward = async (request: unknown): Promise<never> => {
    const req: FakeRequest = typeof request === 'string' ? { url: request, method: 'GET' } : (request as FakeRequest);
    const u = new URL(req.url ?? '', org.url);
    const method = (req.method ?? 'GET').toUpperCase();
    calls.push(`${method} ${u.pathname}`);
    const res = await fetch(`${org.url}${u.pathname}${u.search}`, {
      method,
      headers: { ...req.headers, authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: req.body,
    });
    const text = await res.text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    if (res.status >= 400) {
      const first = (Array.isArray(body) ? body[0] : body) as { errorCode?: string; message?: string } | undefined;
      throw orgError(first?.errorCode ?? `ERROR_HTTP_${res.status}`, first?.message ?? text);
    }
    return body as never;
  };
  return Object.assign(forward, { calls });
}
