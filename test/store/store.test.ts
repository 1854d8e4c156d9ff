// The store suite: the mirror, the run ledger, the write-back ledger and the results behave the same on the
// embedded node:sqlite file and on PostgreSQL (RECO_STORE_URL). Every case runs on both, opened through
// openStore as the service opens them.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Connection } from 'jsforce';
import type { LocalOrg } from '@reco/local-org';
import { createConnection } from '../../sync-server/src/connect/connect.js';
import { mirrorResultsStore } from '../../sync-server/src/http/mirror-store.js';
import { sqlResultsStore } from '../../sync-server/src/http/sql-results-store.js';
import type { ModelOutput, Recommendation } from '../../sync-server/src/domain/types.js';
import { extractObject } from '../../sync-server/src/extract/extract.js';
import { asStoreError, openStore, SCHEMA_VERSION, StoreError, storeFault, storeTransaction, type Mirror, type SqliteMirror, type StoreSettings } from '../../sync-server/src/mirror/db.js';
import { readRecommendationSnapshot, readServedRecommendations } from '../../sync-server/src/mirror/recommendation-snapshot.js';
import { applyOwnWrites, applyPage, countRecords, getMeta, getWatermark, readRecords, resetWatermark, setMeta, sweepObject } from '../../sync-server/src/mirror/records.js';
import { getResultMeta, loadModelOutput, saveModelOutput } from '../../sync-server/src/mirror/results.js';
import { createRun, findUnfinishedRun, getRun, listRuns, setStage, updateRun } from '../../sync-server/src/mirror/runs.js';
import { forgetWritten, readLedger, recordWritten } from '../../sync-server/src/writeback/ledger.js';
import { writeBack } from '../../sync-server/src/writeback/write-back.js';
import { createTestDatabase, useTestDatabase, type TestDatabase } from '../support/postgres.js';
import { startRecoOrg } from '../support/reco-org.js';
import { addRep, repUpdate } from '../sync/rep.js';
import { fakeRecords, startFakeQueryOrg, type FakeOrg } from '../sync/fake-query-server.js';

const ACCOUNT = { name: 'Account', fields: ['Id', 'SystemModstamp', 'IsDeleted', 'Name'] };

type Engine = { name: string; settings(): Promise<StoreSettings>; cleanup(): Promise<void> };

const engines: Engine[] = [
  (() => {
    const dirs: string[] = [];
    return {
      name: 'node:sqlite',
      settings: async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'reco-store-'));
        dirs.push(dir);
        return { path: dir };
      },
      cleanup: async () => {
        for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
      },
    };
  })(),
  (() => {
    const dbs: TestDatabase[] = [];
    return {
      name: 'PostgreSQL',
      settings: async () => {
        const db = await createTestDatabase();
        dbs.push(db);
        return { path: '(unused)', url: db.url };
      },
      cleanup: async () => {
        for (const db of dbs.splice(0)) await db.drop();
      },
    };
  })(),
];

const output = (runId: string, recs: Array<Partial<Recommendation> & Pick<Recommendation, 'accountId' | 'productId'>>): ModelOutput => ({
  asOf: '2026-06-01T00:00:00.000Z',
  metrics: { run: runId, nested: { n: 2 } },
  segments: [{ key: 'vip', name: 'VIP', description: 'spend most', accountCount: 2, profile: { recency: 10 } }],
  insights: ['001A', '001B'].map((accountId) => ({
    accountId, segmentKey: 'vip', previousSegmentKey: null, segmentChangedOn: null, lifecycleStage: 'Active' as const,
    recencyDays: 10, frequency: 5, monetary: 1234.5, averageOrderValue: 246.9, engagementScore: 71.2, churnRisk: 0.1, holdout: false, signals: { orders: 5 },
  })),
  recommendations: recs.map((r, i) => ({
    kind: 'Cross-sell' as const, rank: i + 1, score: 0.9 - i / 10, confidence: 'High' as const, reason: "bought with what\tthey \\ bought\nbefore", evidence: { lift: 2, note: 'a "quoted" value' },
    expectedRevenue: i === 0 ? null : 100.25, opportunityId: null, nextBestRank: i + 1, ...r,
  })),
});

for (const engine of engines) {
  describe(`store suite on ${engine.name}`, function () {
    this.timeout(120_000);
    let settings: StoreSettings;
    let store: Mirror;

    beforeEach(async () => {
      settings = await engine.settings();
      store = await openStore(settings);
    });
    afterEach(async () => {
      await store?.close();
    });
    after(async () => {
      await engine.cleanup();
    });

    it('migrates to the current schema version once, even when two processes open the store at the same time', async () => {
      const [a, b] = await Promise.all([openStore(settings), openStore(settings)]);
      try {
        const versions = await a.sql.all<{ version: number }>('SELECT version FROM schema_version ORDER BY version');
        expect(versions.map((v) => v.version)).to.deep.equal(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
        expect(await b.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM records')).to.deep.equal({ n: 0 });
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('applies a page (upserts and deletes) with its watermark; the watermark never moves back, ties move by Id', async () => {
      const at = '2026-01-01T10:00:00.000+0000';
      const r = await applyPage(store.sql, 'Account', [
        { attributes: { type: 'Account' }, Id: '001B', SystemModstamp: at, Name: 'B' },
        { Id: '001A', SystemModstamp: at, Name: 'A' },
        { Id: '001a', SystemModstamp: at, Name: 'lower a' },
        { Id: '001C', SystemModstamp: at, Name: 'C, first version' },
        { Id: '001C', SystemModstamp: at, Name: 'C, last version wins' },
      ], 'r1', { modstamp: at, lastId: '001C' });
      expect(r).to.deep.equal({ upserted: 4, deleted: 0 });
      // Byte order on both engines (SQLite's binary collation; "C" on PostgreSQL), whatever the locale.
      expect((await readRecords<{ Id: string; Name: string }>(store.sql, 'Account')).map((x) => [x.Id, x.Name])).to.deep.equal([
        ['001A', 'A'], ['001B', 'B'], ['001C', 'C, last version wins'], ['001a', 'lower a'],
      ]);
      expect(await readRecords(store.sql, 'Account')).to.satisfy((rows: Array<Record<string, unknown>>) => rows.every((x) => !('attributes' in x)));
      expect(await getWatermark(store.sql, 'Account')).to.deep.include({ modstamp: '2026-01-01T10:00:00.000Z', lastId: '001C', fullDone: false });

      const del = await applyPage(store.sql, 'Account', [{ Id: '001B', SystemModstamp: at, IsDeleted: true }, { Id: '001Z', SystemModstamp: at, IsDeleted: 'true' }], 'r1', { modstamp: '2025-12-31T00:00:00.000+0000', lastId: '001Z' });
      expect(del).to.deep.equal({ upserted: 0, deleted: 1 });
      expect(await getWatermark(store.sql, 'Account'), 'an older stamp does not move it back').to.deep.include({ modstamp: '2026-01-01T10:00:00.000Z', lastId: '001C' });
      await applyPage(store.sql, 'Account', [], 'r1', { modstamp: at, lastId: '001D', fullDone: true });
      expect(await getWatermark(store.sql, 'Account')).to.deep.include({ lastId: '001D', fullDone: true });
      expect(await countRecords(store.sql, 'Account')).to.equal(3);
      expect(await countRecords(store.sql)).to.equal(3);
    });

    it('a page that fails part-way leaves the data and the watermark as they were', async () => {
      await applyPage(store.sql, 'Account', [{ Id: '001A', SystemModstamp: '2026-01-01T10:00:00.000+0000', Name: 'A' }], 'r1', { modstamp: '2026-01-01T10:00:00.000+0000', lastId: '001A' });
      // The records go in first, then the watermark, whose stamp is not a date: the whole page must roll back.
      const err = await applyPage(store.sql, 'Account', [
        { Id: '001A', SystemModstamp: '2026-02-01T00:00:00.000+0000', Name: 'A changed' },
        { Id: '001B', SystemModstamp: '2026-02-01T00:00:00.000+0000', Name: 'B' },
      ], 'r2', { modstamp: 'not a stamp', lastId: '001B' }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(RangeError);
      expect((await readRecords<{ Id: string; Name: string }>(store.sql, 'Account')).map((x) => [x.Id, x.Name])).to.deep.equal([['001A', 'A']]);
      expect(await getWatermark(store.sql, 'Account')).to.deep.include({ modstamp: '2026-01-01T10:00:00.000Z', lastId: '001A' });
      // And the store is usable afterwards (PostgreSQL: the connection went back to the pool rolled back).
      await applyPage(store.sql, 'Account', [{ Id: '001B', SystemModstamp: '2026-02-01T00:00:00.000+0000', Name: 'B' }], 'r2');
      expect(await countRecords(store.sql, 'Account')).to.equal(2);
    });

    describe('extraction from an org', () => {
      let org: FakeOrg;
      afterEach(async () => {
        await org?.close();
      });

      it('resumes a full load exactly after the last (SystemModstamp, Id) when records share one stamp, then sweeps what the org lost', async () => {
        org = await startFakeQueryOrg({ Account: fakeRecords('001', 4500, '2024-01-01T00:00:00.000+0000').map((r) => ({ ...r, SystemModstamp: '2024-01-01T00:00:00.000+0000' })) });
        const ac = new AbortController();
        await extractObject(org.conn, store, ACCOUNT, { runId: 'r1', signal: ac.signal, onProgress: (e) => e.phase === 'page' && ac.abort(new Error('killed')) }).catch(() => undefined);
        expect(await getWatermark(store.sql, 'Account')).to.deep.include({ lastId: org.records.get('Account')![1999].Id, fullDone: false });
        expect(await countRecords(store.sql, 'Account')).to.equal(2000);
        const resumed = await extractObject(org.conn, store, ACCOUNT, { runId: 'r1' });
        expect(resumed.fetched).to.equal(2500);
        expect(await countRecords(store.sql, 'Account')).to.equal(4500);

        // The org purges 10 records; the next full load (a new run from no watermark) sweeps them away.
        org.records.set('Account', org.records.get('Account')!.slice(10));
        await resetWatermark(store.sql, 'Account');
        const full = await extractObject(org.conn, store, ACCOUNT, { runId: 'r2' });
        expect(full).to.include({ fetched: 4490, swept: 10 });
        expect(await countRecords(store.sql, 'Account')).to.equal(4490);
        expect(await sweepObject(store.sql, 'Account', 'r2')).to.equal(0);
      });
    });

    it('keeps the run ledger: create, stages merged, updates, the unfinished run to resume, newest first', async () => {
      await createRun(store.sql, 'r1', 'Full', '2026-01-01T00:00:00.000Z');
      await setStage(store.sql, 'r1', 'extract', { state: 'running', detail: { records: 10 }, startedAt: '2026-01-01T00:00:01.000Z' });
      await setStage(store.sql, 'r1', 'extract', { state: 'done', finishedAt: '2026-01-01T00:00:09.000Z' });
      expect((await getRun(store.sql, 'r1'))?.progress.extract).to.deep.equal({ state: 'done', detail: { records: 10 }, startedAt: '2026-01-01T00:00:01.000Z', finishedAt: '2026-01-01T00:00:09.000Z' });
      expect((await findUnfinishedRun(store.sql))?.id).to.equal('r1');
      await updateRun(store.sql, 'r1', { status: 'Aborted', error: 'paused', apiCalls: 12 });
      expect((await findUnfinishedRun(store.sql))?.id, 'an aborted run is resumed too').to.equal('r1');
      await updateRun(store.sql, 'r1', { status: 'Succeeded', finishedAt: '2026-01-01T00:01:00.000Z', summary: { read: 10 }, quality: { ready: true }, error: null });
      expect(await findUnfinishedRun(store.sql)).to.equal(undefined);
      await createRun(store.sql, 'r2', 'Incremental', '2026-01-02T00:00:00.000Z');
      expect((await listRuns(store.sql, 5)).map((r) => [r.id, r.status, r.apiCalls])).to.deep.equal([['r2', 'Running', 0], ['r1', 'Succeeded', 12]]);
      expect(await getRun(store.sql, 'r1')).to.deep.include({ summary: { read: 10 }, quality: { ready: true }, error: null, finishedAt: '2026-01-01T00:01:00.000Z' });
      const missing = await setStage(store.sql, 'nope', 'extract', { state: 'running' }).catch((e: Error) => e);
      expect((missing as Error).message).to.equal('run nope is not in the mirror');
    });

    it('saves and loads the model output whole, replacing the previous one, with product names for the API', async () => {
      await saveModelOutput(store.sql, 'r1', output('r1', [{ accountId: '001A', productId: '01tX' }, { accountId: '001A', productId: '01tY' }, { accountId: '001B', productId: '01tX' }]));
      const second = output('r2', [{ accountId: '001B', productId: '01tY' }, { accountId: '001A', productId: '01tX' }, { accountId: '001A', productId: '01tX', kind: 'Cross-sell', score: 0.1 }]);
      await saveModelOutput(store.sql, 'r2', second);
      const back = await loadModelOutput(store.sql);
      // The duplicate (same account, product, kind) is kept first-come, as before; the rest round-trips exactly.
      expect(back).to.deep.equal({ ...second, recommendations: [second.recommendations[1], second.recommendations[0]] });
      expect(await getResultMeta(store.sql)).to.deep.equal({ runId: 'r2', asOf: second.asOf, metrics: second.metrics });
      await applyPage(store.sql, 'Product2', [{ Id: '01tX', Name: 'Regency cakestand', SystemModstamp: '2026-01-01T00:00:00.000+0000' }], 'r2');
      const served = await readServedRecommendations(store.sql);
      expect(served.map((s) => [s.accountId, s.productId, s.productName])).to.deep.equal([['001A', '01tX', 'Regency cakestand'], ['001B', '01tY', null]]);
      const snapshot = await readRecommendationSnapshot(store.sql);
      expect(snapshot.accounts).to.deep.equal(['001A', '001B']);
      expect(Array.from(snapshot.counts)).to.deep.equal([1, 1]);
    });

    it('keeps the write-back ledger: a known Id survives a write without one, forgetting is by external id, and it commits with the mirror or not at all', async () => {
      await recordWritten(store.sql, 'Product_Recommendation__c', 'r1', [{ externalId: '001A-01TX-XS', hash: 'h1', sfId: 'a01000000000001', shown: '{"rank":1}' }, { externalId: '001B-01tX-XS', hash: 'h2' }]);
      await recordWritten(store.sql, 'Product_Recommendation__c', 'r2', [{ externalId: '001a-01tx-xs', hash: 'h1b', sfId: null }]);
      expect(Object.fromEntries(await readLedger(store.sql, 'Product_Recommendation__c'))).to.deep.equal({
        '001a-01tx-xs': { hash: 'h1b', sfId: 'a01000000000001', shown: null },
        '001b-01tx-xs': { hash: 'h2', sfId: null, shown: null },
      });
      const err = await recordWritten(store.sql, 'Product_Recommendation__c', 'r3', [{ externalId: '001C-01tX-XS', hash: 'h3' }], async (tx) => {
        await applyOwnWrites(tx, 'Product_Recommendation__c', ['Status__c'], 'r3', [{ id: 'a01000000000003', values: { Status__c: 'New' } }]);
        throw new Error('the mirror write failed');
      }).catch((e: Error) => e);
      expect((err as Error).message).to.equal('the mirror write failed');
      expect([...(await readLedger(store.sql, 'Product_Recommendation__c')).keys()]).to.not.include('001c-01tx-xs');
      expect(await countRecords(store.sql, 'Product_Recommendation__c')).to.equal(0);
      expect(await forgetWritten(store.sql, 'Product_Recommendation__c', ['001B-01TX-XS', 'never-written'])).to.equal(1);
      expect([...(await readLedger(store.sql, 'Product_Recommendation__c')).keys()]).to.deep.equal(['001a-01tx-xs']);
    });

    it('answers the HTTP API from the store: runs, insights, segments, account search and names, currency', async () => {
      const api = sqlResultsStore(store.sql);
      expect(await api.currency()).to.equal(null);
      await createRun(store.sql, 'r1', 'Full', '2026-11-23T10:00:00.000Z');
      await setStage(store.sql, 'r1', 'extract', { state: 'done', detail: { records: 1200 }, startedAt: '2026-11-23T10:00:00.000Z', finishedAt: '2026-11-23T10:00:05.000Z' });
      await updateRun(store.sql, 'r1', { status: 'Succeeded', finishedAt: '2026-11-23T10:01:00.000Z', summary: { extract: { Account: 10 } } });
      expect((await api.listRuns(5))[0]).to.deep.include({ id: 'r1', status: 'Succeeded', durationMs: 60_000, counts: { 'extract.Account': 10 } });
      expect((await api.getRun('r1'))?.stages.map((x) => [x.stage, x.status, x.records])).to.deep.equal([['extract', 'done', 1200]]);
      expect(await api.getRun('nope')).to.equal(undefined);

      await saveModelOutput(store.sql, 'r1', output('r1', [{ accountId: '001A', productId: '01tX' }]));
      expect((await api.getInsight('001B'))?.segmentKey).to.equal('vip');
      expect(await api.listInsights()).to.have.length(2);
      expect((await api.listSegments()).map((g) => g.key)).to.deep.equal(['vip']);

      const acc = (id: string, Name: string) => ({ Id: id, Name, SystemModstamp: '2026-11-23T00:00:00.000Z' });
      await applyPage(store.sql, 'Account', [acc('001A', 'The Acme Company'), acc('001B', 'acme Ltd'), acc('001C', 'Globex'), acc('001D', '100% Acme_Parts'), acc('001E', 'Acme ltd')], 'r1');
      // Case-insensitive match, prefix matches first, then by name in byte order, LIKE wildcards taken literally.
      expect((await api.searchAccounts('ACME', 10)).map((m) => m.name)).to.deep.equal(['Acme ltd', 'acme Ltd', '100% Acme_Parts', 'The Acme Company']);
      expect((await api.searchAccounts('0%', 10)).map((m) => m.name)).to.deep.equal(['100% Acme_Parts']);
      expect((await api.searchAccounts('e_p', 10)).map((m) => m.name)).to.deep.equal(['100% Acme_Parts']);
      expect(await api.accountName('001C')).to.equal('Globex');
      expect(await api.accountName('001Z')).to.equal(null);
      if (store.sql.dialect === 'sqlite') {
        // The synchronous adapter the service uses on node:sqlite gives the same answers.
        const sync = mirrorResultsStore((store as SqliteMirror).db);
        expect(sync.searchAccounts('ACME', 10)).to.deep.equal(await api.searchAccounts('ACME', 10));
        expect(sync.listRuns(5)).to.deep.equal(await api.listRuns(5));
      }

      const opp = (n: number, CurrencyIsoCode: string) => ({ Id: `006${n}`, CurrencyIsoCode, SystemModstamp: '2026-11-23T00:00:00.000Z' });
      await applyPage(store.sql, 'Opportunity', [opp(1, 'EUR'), opp(2, 'GBP'), opp(3, 'GBP')], 'r1');
      expect(await api.currency()).to.equal('GBP');
      await setMeta(store.sql, 'orgCurrency', { corporate: 'USD', rates: {} });
      expect(await api.currency()).to.equal('USD');
      expect(await sqlResultsStore(store.sql, { currency: 'JPY' }).currency()).to.equal('JPY');
    });

    it('keeps small cached values with their age', async () => {
      await setMeta(store.sql, 'k', { a: [1, 'two'] });
      await setMeta(store.sql, 'k', { a: [3] });
      expect(await getMeta(store.sql, 'k', 60_000)).to.deep.equal({ a: [3] });
      expect(await getMeta(store.sql, 'k', -1)).to.equal(undefined);
    });

    describe('write-back against an org', () => {
      let org: LocalOrg;
      let conn: Connection;
      afterEach(async () => {
        await org?.close();
      });

      it("writes only what changed (same hash, no rewrite) and never overwrites a rep's decision", async () => {
        org = await startRecoOrg({ port: 0 });
        const repId = addRep(org);
        const c = org.credentials;
        conn = await createConnection({ flow: 'refresh-token', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken });
        const accounts = ((await conn.sobject('Account').create([{ Name: 'A' }, { Name: 'B' }] as never[])) as Array<{ id: string }>).map((r) => r.id);
        const products = ((await conn.sobject('Product2').create([{ Name: 'P1', ProductCode: 'P1', IsActive: true }, { Name: 'P2', ProductCode: 'P2', IsActive: true }] as never[])) as Array<{ id: string }>).map((r) => r.id);
        const out = {
          ...output('r1', [{ accountId: accounts[0], productId: products[0] }, { accountId: accounts[0], productId: products[1] }, { accountId: accounts[1], productId: products[0] }]),
          insights: output('r1', []).insights.map((i, k) => ({ ...i, accountId: accounts[k] })),
        };
        const first = await writeBack(conn, store, out, { runId: 'r1' });
        expect(first.failed).to.equal(0);
        expect(first.written).to.equal(1 + 2 + 3);
        const again = await writeBack(conn, store, out, { runId: 'r2' });
        expect(again.written).to.equal(0);
        expect(again.stats.reduce((n, s) => n + s.unchanged, 0)).to.equal(6);

        const ext = `${accounts[0]}-${products[1]}-XS`;
        const rec = (await conn.query<{ Id: string }>(`SELECT Id FROM Product_Recommendation__c WHERE External_Id__c = '${ext}'`)).records[0];
        repUpdate(org, repId, 'Product_Recommendation__c', [{ Id: rec.Id, Status__c: 'Dismissed', Dismiss_Reason__c: 'Not relevant' }]);
        // The model rescores the dismissed one and drops another: content changes, the rep's status stays.
        const rescored = { ...out, recommendations: out.recommendations.filter((r) => r.productId !== products[0] || r.accountId !== accounts[1]).map((r) => ({ ...r, score: r.score - 0.3 })) };
        const third = await writeBack(conn, store, rescored, { runId: 'r3' });
        expect(third.failed).to.equal(0);
        const byExt = new Map((await conn.query<{ External_Id__c: string; Status__c: string }>('SELECT External_Id__c, Status__c FROM Product_Recommendation__c')).records.map((r) => [r.External_Id__c, r.Status__c]));
        expect(Object.fromEntries(byExt)).to.deep.equal({
          [`${accounts[0]}-${products[0]}-XS`]: 'New',
          [ext]: 'Dismissed',
          [`${accounts[1]}-${products[0]}-XS`]: 'Expired',
        });
      });
    });

    it('resumes after a kill: a process SIGKILLed mid-extract leaves its run and last page, and the next one goes on from there', async () => {
      const org = await startFakeQueryOrg({ Account: fakeRecords('001', 9000, '2024-01-01T00:00:00.000+0000') });
      try {
        const env = { ...process.env, RECO_STORE_PATH: settings.path, RECO_STORE_URL: settings.url ?? '', RECO_TEST_INSTANCE_URL: org.conn.instanceUrl };
        const killed = await runChild({ ...env, RECO_TEST_HOLD_PAGES: '2' }, (line) => line.page === 2);
        expect(killed.signal).to.equal('SIGKILL');
        expect(await countRecords(store.sql, 'Account')).to.equal(4000);
        expect(await findUnfinishedRun(store.sql)).to.deep.include({ id: 'run-kill', status: 'Running' });
        const done = await runChild(env);
        expect(done.code).to.equal(0);
        expect(done.lines.at(-1)).to.deep.equal({ done: { runId: 'run-kill', resumed: true, fetched: 5000, swept: 0 } });
        expect(await countRecords(store.sql, 'Account')).to.equal(9000);
        expect(await getWatermark(store.sql, 'Account')).to.deep.include({ fullDone: true, lastId: org.records.get('Account')![8999].Id });
        expect(await findUnfinishedRun(store.sql)).to.equal(undefined);
      } finally {
        await org.close();
      }
    });
  });
}

describe('store suite: PostgreSQL failures name the store and the fix', function () {
  this.timeout(60_000);
  const db = useTestDatabase();

  it('a server that does not answer: StoreError naming RECO_STORE_URL, without the password', async () => {
    const url = 'postgres://reco:s3cret-pw@127.0.0.1:1/reco';
    const err = await openStore({ path: '(unused)', url }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(StoreError);
    expect(err).to.include({ code: 'PG_CONNECTION_REFUSED', path: 'postgres://reco:***@127.0.0.1:1/reco' });
    expect((err as Error).message).to.contain('(set by RECO_STORE_URL)').and.to.contain('check that the server is running');
    expect((err as Error).message).to.not.contain('s3cret-pw');
  });

  it('a full disk, too many connections and a shutdown each get their own code and fix; a statement\'s own error is left alone', () => {
    const where = 'postgres://reco:***@db.internal:5432/reco';
    const cases: Array<[string, string, RegExp]> = [
      ['53100', 'PG_DISK_FULL', /free space on the PostgreSQL server's data volume/],
      ['53300', 'PG_TOO_MANY_CONNECTIONS', /raise the server's max_connections, or run fewer Reco processes/],
      ['57P01', 'PG_ADMIN_SHUTDOWN', /start it again \(the next run resumes\)/],
    ];
    for (const [sqlstate, code, fix] of cases) {
      const mapped = asStoreError(Object.assign(new Error(`server said ${sqlstate}`), { code: sqlstate }), where, 'RECO_STORE_URL');
      expect(mapped, sqlstate).to.be.instanceOf(StoreError).and.to.include({ code, path: where });
      expect((mapped as Error).message).to.match(fix).and.to.contain(`the mirror store ${where} (set by RECO_STORE_URL) failed: server said ${sqlstate} (${code})`);
      expect(storeFault(where)).to.deep.include({ code });
    }
    const unique = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
    expect(asStoreError(unique, where)).to.equal(unique);
  });

  it('a connection the server ends mid-transaction: StoreError, the store reported failing until the next commit', async () => {
    const store = await openStore({ path: '(unused)', url: db().url }, { applicationName: 'reco-fault-test' });
    try {
      const err = await storeTransaction(store.sql, async (tx) => {
        await tx.run("INSERT INTO meta (key, value, updated_at) VALUES ('k', '1', 'now')");
        // An administrator (or a failover) ends this very connection.
        await tx.get('SELECT pg_terminate_backend(pg_backend_pid())');
      }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(StoreError);
      expect((err as StoreError).code).to.match(/^PG_(ADMIN_SHUTDOWN|CONNECTION_LOST)$/);
      expect(storeFault(store.sql)).to.deep.include({ code: (err as StoreError).code });
      expect(await getMeta(store.sql, 'k', Infinity)).to.equal(undefined);
      await storeTransaction(store.sql, (tx) => setMeta(tx, 'k', 2));
      expect(storeFault(store.sql)).to.equal(null);
      expect(await getMeta(store.sql, 'k', Infinity)).to.equal(2);
    } finally {
      await store.close();
    }
  });
});

type ChildLine = { page?: number; fetched?: number; done?: unknown };

/** Runs store-child.ts; with `killWhen`, SIGKILLs it once a printed line matches. */
function runChild(env: NodeJS.ProcessEnv, killWhen?: (line: ChildLine) => boolean): Promise<{ code: number | null; signal: NodeJS.Signals | null; lines: ChildLine[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'store-child.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: ChildLine[] = [];
    let buf = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = JSON.parse(buf.slice(0, nl)) as ChildLine;
        buf = buf.slice(nl + 1);
        lines.push(line);
        if (killWhen?.(line)) child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`store-child exited ${code}: ${err}`));
      else resolve({ code, signal, lines });
    });
  });
}
