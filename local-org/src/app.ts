// startLocalOrg: the whole emulator in-process (schema + SQLite store + SOQL engine + REST/Bulk/OAuth
// server) for tests, the CLI and the demo.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createAccessPolicy, type LocalAccessPolicy } from './access/policy.js';
import { createFaultInjector, type FaultInjector, type FaultKind } from './faults.js';
import { createApiCounter, DEFAULT_DAILY_API_LIMIT } from './limits.js';
import type { ApiUsage } from './limits.js';
import { apiHandler, buildRouteTable } from './http/api.js';
import { bearerToken, type AuthContext } from './http/auth/context.js';
import { loadPublicKey } from './http/auth/jwt.js';
import { createSessionStore, type OrgUser } from './http/auth/sessions.js';
import type { OrgContext } from './http/context.js';
import { INVALID_SESSION } from './http/pipeline.js';
import { sendError, sendJson } from './http/respond.js';
import { createServer } from './http/server.js';
import { metadataRestRoutes } from './http/metadata/rest.js';
import { metadataSoapHandler } from './http/metadata/soap.js';
import { createDeployService } from './metadata-api/deploy.js';
import { ONLINE_RETAIL_CURRENCY, seedOnlineRetail, type SeedProgress, type SeedReport } from './seed/online-retail.js';
import { replayInvoices, type ReplayOptions, type ReplayReport } from './seed/replay.js';
import { removeDatabaseFiles } from './seed/write.js';
import { createQueryEngine } from './soql/engine.js';
import { ADMIN_USERNAME, openOrgStore, type LocalOrgStore } from './store/org-store.js';

export type LocalOrgOptions = {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** SQLite file; in memory when omitted. */
  db?: string;
  /** Organization.DefaultCurrencyIsoCode (ISO 4217): default USD for a new org, GBP for one seeded from Online Retail. */
  currency?: string;
  /** Load the UCI Online Retail file into a fresh org before serving. */
  seed?: { onlineRetail: string; cases?: string; onProgress?: (p: SeedProgress) => void };
  /** YYYY-MM-DD: seed only history before this day (the rest is left pending for replay). */
  asOf?: string;
  /** Fault spec (see docs/local-org.md, "Faults"). */
  faults?: string;
  /** Daily API request allocation (default 15,000, a Developer Edition's). */
  dailyApiLimit?: number;
  /** The org clock: record stamps, session idle expiry, JWT exp, the daily API counter. */
  clock?: () => Date;
  /** Admin login; defaults: admin@reco.local and a random password. */
  username?: string;
  password?: string;
  /** Connected-app consumer key and secret; defaults: "reco-local-org" and a random secret. */
  clientId?: string;
  clientSecret?: string;
  /** PEM public key (or certificate) that JWT-bearer assertions must be signed with; unchecked signatures if omitted. */
  jwtPublicKey?: string;
};

export type LocalOrgCredentials = {
  instanceUrl: string;
  loginUrl: string;
  username: string;
  password: string;
  clientId: string;
  clientSecret: string;
  accessToken: string;
  refreshToken: string;
};

export type LocalOrg = {
  /** Origin of the org, no trailing slash (http://127.0.0.1:PORT). */
  url: string;
  credentials: LocalOrgCredentials;
  store: LocalOrgStore;
  /** Per-user record access (object permissions, sharing); setOrgWideDefault changes an OWD. */
  access: LocalAccessPolicy;
  seedReport?: SeedReport;
  /** Replays pending invoices (left by seeding with asOf) as new live records. */
  replay(opts?: ReplayOptions): ReplayReport;
  /** Replaces the fault spec (null = no faults); call numbering restarts. Throws FaultSpecError on a bad spec. */
  setFaults(spec: string | null): void;
  /** Faults injected by kind since the current spec was set (empty without one). */
  faultsInjected(): Partial<Record<FaultKind, number>>;
  apiUsage(): ApiUsage;
  close(): Promise<void>;
};

export const DEFAULT_CLIENT_ID = 'reco-local-org';

function userRecord(store: LocalOrgStore, where: string, value: string): OrgUser | undefined {
  const row = store.db
    .prepare(`SELECT Id, Username, FirstName, LastName, Email FROM "User" WHERE ${where} AND IsDeleted = 0 AND IsActive = 1`)
    .get(value) as { Id: string; Username: string; FirstName: string | null; LastName: string | null; Email: string | null } | undefined;
  if (!row) return undefined;
  const first = row.FirstName ?? '';
  const last = row.LastName ?? '';
  return {
    userId: row.Id,
    username: row.Username,
    displayName: `${first} ${last}`.trim() || row.Username,
    email: row.Email ?? row.Username,
    firstName: first,
    lastName: last,
  };
}

export async function startLocalOrg(opts: LocalOrgOptions = {}): Promise<LocalOrg> {
  const clock = opts.clock ?? (() => new Date());
  const host = opts.host ?? '127.0.0.1';
  const createsFile = opts.db !== undefined && opts.db !== ':memory:' && !existsSync(opts.db);
  // A new org is blank (standard objects only); its schema is whatever has been deployed to it since, and
  // who may write what follows the deployed permission sets as they are assigned.
  const access = createAccessPolicy();
  // The Online Retail file is a UK shop's book, in pounds: an org seeded from it says so, as its owner would have set it.
  const currency = opts.currency ?? (opts.seed ? ONLINE_RETAIL_CURRENCY : undefined);
  const store = openOrgStore({ file: opts.db, clock, access, currency });
  try {
    let seedReport: SeedReport | undefined;
    if (opts.seed) {
      seedReport = await seedOnlineRetail(store, { file: opts.seed.onlineRetail, cases: opts.seed.cases, asOf: opts.asOf, onProgress: opts.seed.onProgress });
    }

    const adminRecord = userRecord(store, 'Id = ?', store.identity.adminUserId);
    if (!adminRecord) throw new Error('the org has no active admin user record');
    const admin: OrgUser = { ...adminRecord, username: opts.username ?? adminRecord.username ?? ADMIN_USERNAME };
    const clientSecret = opts.clientSecret ?? randomBytes(32).toString('hex');
    const orgId = store.identity.organizationId;
    const sessions = createSessionStore(orgId.slice(0, 15), clientSecret, clock);
    const auth: AuthContext = {
      orgId,
      clientId: opts.clientId ?? DEFAULT_CLIENT_ID,
      clientSecret,
      password: opts.password ?? randomBytes(12).toString('base64url'),
      jwtKey: opts.jwtPublicKey ? loadPublicKey(opts.jwtPublicKey) : undefined,
      admin,
      findUser: (username) =>
        username.toLowerCase() === admin.username.toLowerCase() ? admin : userRecord(store, 'Username = ? COLLATE NOCASE', username),
      sessions,
      clock,
      orgCurrency: () => store.orgCurrency(),
    };
    const counter = createApiCounter(opts.dailyApiLimit ?? DEFAULT_DAILY_API_LIMIT, clock);
    let faults: FaultInjector | undefined = opts.faults ? createFaultInjector(opts.faults) : undefined;

    const ctx: OrgContext = {
      store,
      query: createQueryEngine(store),
      clock,
      get schemaLoadedAt() {
        return store.schemaChangedAt;
      },
      actAs: (userId, fn) => store.asUser(userId, fn),
      bulkUsage: (kind, n) => counter.consumeBulk(kind, n),
    };
    const local = express.Router();
    local.post('/replay', (req, res) => {
      const session = sessions.check(bearerToken(req) ?? '');
      if (!session) {
        sendError(res, 401, INVALID_SESSION.errorCode, INVALID_SESSION.message);
        return;
      }
      const body = (req.body ?? {}) as { until?: unknown; count?: unknown };
      try {
        const report = replayInvoices(store, {
          until: typeof body.until === 'string' ? body.until : undefined,
          count: typeof body.count === 'number' ? body.count : undefined,
        });
        sendJson(res, 200, report);
      } catch (e) {
        sendError(res, 400, 'INVALID_INPUT', (e as Error).message);
      }
    });

    const deploys = createDeployService(store, clock);
    const app = createServer({
      auth,
      counter,
      faults: () => faults,
      api: apiHandler(buildRouteTable(ctx, counter), ctx),
      local,
      metadata: { soap: metadataSoapHandler(auth, deploys, store, () => counter.consume()), rest: metadataRestRoutes(deploys) },
    });
    const server: Server = createHttpServer(app);
    // Salesforce's edge keeps idle connections open for minutes. Node's 5 s default would close a pooled socket
    // while a client computes between calls, and the client's next POST/PATCH (never retried) would fail.
    server.keepAliveTimeout = 120_000;
    server.headersTimeout = 125_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const session = sessions.issue(admin, 'oauth');
    return {
      url,
      credentials: {
        instanceUrl: url,
        loginUrl: url,
        username: admin.username,
        password: auth.password,
        clientId: auth.clientId,
        clientSecret,
        accessToken: session.token,
        refreshToken: sessions.refreshTokenFor(admin),
      },
      store,
      access,
      seedReport,
      replay: (o = {}) => replayInvoices(store, o),
      setFaults(spec) {
        faults = spec ? createFaultInjector(spec) : undefined;
      },
      faultsInjected: () => ({ ...faults?.injected }),
      apiUsage: () => counter.usage(),
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        store.close();
      },
    };
  } catch (e) {
    store.close();
    // A file this start created (a failed seed, most often) would later open as an org that looks complete.
    if (createsFile) removeDatabaseFiles(opts.db as string);
    throw e;
  }
}
