// Request fakes for the plugin's unit tests. TestContext replaces Connection#request with
// $$.fakeConnectionRequest; these build its answers. Commands that make a handful of calls are answered by
// hand (envelope, soqlOf, orgError); commands that run the pipeline make dozens of distinct REST calls
// (limits, queries with queryMore, sObject Collections upserts), so those are answered by local-org
// instead of by hand-written fixtures: the request still never leaves the test's stub, but the answers
// have the wire shapes and DML rules of an org.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Connection } from 'jsforce';
import type { LocalOrg } from '@reco/local-org';
import { retailSample } from '@reco/local-org';
import { startRecoOrg } from '../support/reco-org.js';

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

/** The REST version the test connections speak. */
const API_VERSION = '64.0';

export type Forwarder = ((request: unknown) => Promise<never>) & { calls: string[] };

/**
 * Answers each request from a running local-org, as jsforce's HttpApi would: the parsed JSON body on
 * success, an error named after the org's errorCode otherwise. `calls` records "METHOD path" per request.
 */
export function forwardTo(org: LocalOrg, token = org.credentials.accessToken): Forwarder {
  const calls: string[] = [];
  const forward = async (request: unknown): Promise<never> => {
    const req: FakeRequest = typeof request === 'string' ? { url: request, method: 'GET' } : (request as FakeRequest);
    // jsforce resolves a bare resource path ('/composite', as queryMany posts) against the versioned REST base
    // before sending; the fake request hook sees it unresolved, so resolve it here as jsforce would.
    const raw = req.url ?? '';
    const u = new URL(raw.startsWith('/') && !raw.startsWith('/services/') ? `/services/data/v${API_VERSION}${raw}` : raw, org.url);
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

export type SeededOrg = { org: LocalOrg; dataRoot: string; close: () => Promise<void> };

/**
 * A local-org seeded with the first `customers` customers of the Online Retail file, and a temp directory
 * for the CLI's mirrors. Keep `customers` at 40 or so: above 20,000 rows per object extraction switches to
 * Bulk API 2.0, whose requests bypass Connection#request (and so the fake) and would leave the machine.
 */
export async function startSeededOrg(customers: number): Promise<SeededOrg> {
  const org = await startRecoOrg({ seed: { onlineRetail: await retailSample(customers) } });
  const dataRoot = mkdtempSync(join(tmpdir(), 'reco-plugin-unit-'));
  return {
    org,
    dataRoot,
    close: async () => {
      await org.close();
      rmSync(dataRoot, { recursive: true, force: true });
    },
  };
}

/** A jsforce connection straight to local-org, for arranging a test (as a rep or an admin would). */
export const connectionTo = (org: LocalOrg): Connection =>
  new Connection({ instanceUrl: org.url, accessToken: org.credentials.accessToken, version: API_VERSION });

export type CommandError = Error & { actions?: string[]; exitCode?: number; data?: Record<string, unknown> };

/** The error a command run rejects with; fails the test when it resolves. */
export function failureOf(run: Promise<unknown>): Promise<CommandError> {
  return run.then(
    () => expect.fail('should have thrown'),
    (err: unknown) => err as CommandError,
  );
}
