import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalOrg } from '@reco/local-org';
import { startRecoOrg } from '../support/reco-org.js';
import type { Connection } from 'jsforce';
import { ApiBudget } from '../../sync-server/src/connect/api-budget.js';
import { createConnection } from '../../sync-server/src/connect/connect.js';
import type { ModelOutput, Recommendation } from '../../sync-server/src/domain/types.js';
import { extractObject } from '../../sync-server/src/extract/extract.js';
import { SOURCE_OBJECTS } from '../../sync-server/src/extract/objects.js';
import { openMirror, type Mirror } from '../../sync-server/src/mirror/db.js';
import { readRecords } from '../../sync-server/src/mirror/records.js';
import { writeBack } from '../../sync-server/src/writeback/write-back.js';
import { addRep, repUpdate } from './rep.js';

async function connect(org: LocalOrg): Promise<Connection> {
  const c = org.credentials;
  return createConnection({ flow: 'refresh-token', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken });
}

function output(accounts: string[], products: string[], recs: Array<[number, number, Recommendation['kind'], number]>): ModelOutput {
  return {
    asOf: '2026-01-01T00:00:00.000Z',
    segments: [
      { key: 'champions', name: 'Champions', description: 'buy often, spend most', accountCount: 2, profile: { recency: 10 } },
      { key: 'lapsed', name: 'Lapsed', description: 'gone quiet', accountCount: 1, profile: { recency: 200 } },
    ],
    insights: accounts.map((a, i) => ({
      accountId: a, segmentKey: i < 2 ? 'champions' : 'lapsed', previousSegmentKey: null, segmentChangedOn: null, lifecycleStage: 'Active' as const,
      recencyDays: 10 + i, frequency: 5, monetary: 1234.567, averageOrderValue: 246.9, engagementScore: 71.23, churnRisk: 0.123, holdout: false, signals: { orders: 5 },
    })),
    recommendations: recs.map(([a, p, kind, score], i) => ({
      accountId: accounts[a], productId: products[p], kind, rank: i + 1, score, confidence: 'High' as const, reason: 'bought together', evidence: { lift: 2 },
      expectedRevenue: 100, opportunityId: null,
    })),
    metrics: {},
  };
}

type Rec = { External_Id__c: string; Status__c: string; Score__c: number; Account__c: string; Run__c: string | null };

describe('sync: write-back against local-org', function () {
  this.timeout(120_000);
  let org: LocalOrg;
  let conn: Connection;
  let dir: string;
  let mirror: Mirror;
  let accounts: string[];
  let products: string[];
  let repId: string;

  beforeEach(async () => {
    org = await startRecoOrg({ port: 0 });
    repId = addRep(org);
    conn = await connect(org);
    dir = mkdtempSync(join(tmpdir(), 'reco-wb-'));
    mirror = openMirror(dir);
    const acc = (await conn.sobject('Account').create([{ Name: 'A' }, { Name: 'B' }, { Name: 'C' }] as never[])) as Array<{ id: string }>;
    const prod = (await conn.sobject('Product2').create([{ Name: 'P1', ProductCode: 'P1', IsActive: true }, { Name: 'P2', ProductCode: 'P2', IsActive: true }, { Name: 'P3', ProductCode: 'P3', IsActive: true }] as never[])) as Array<{ id: string }>;
    accounts = acc.map((r) => r.id);
    products = prod.map((r) => r.id);
  });
  afterEach(async () => {
    mirror.close();
    await org.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const recs = async (): Promise<Rec[]> => (await conn.query<Rec>('SELECT External_Id__c, Status__c, Score__c, Account__c, Run__c FROM Product_Recommendation__c')).records;

  it('creates segments, insights pointing at them, and recommendations; a re-run writes nothing', async () => {
    const out = output(accounts, products, [[0, 1, 'Cross-sell', 0.9], [0, 2, 'Cross-sell', 0.8], [1, 0, 'Buy again', 0.7], [2, 1, 'Cross-sell', 0.6]]);
    const first = await writeBack(conn, mirror, out, { runId: 'r1' });
    expect(first.failed).to.equal(0);
    expect(first.stats.map((s) => [s.object, s.created])).to.deep.equal([['Customer_Segment__c', 2], ['Account_Insight__c', 3], ['Product_Recommendation__c', 4]]);
    const ins = (await conn.query<{ Segment__r: { Key__c: string } | null; Churn_Risk__c: number }>('SELECT Segment__r.Key__c, Churn_Risk__c FROM Account_Insight__c')).records;
    expect(ins.map((i) => i.Segment__r?.Key__c).sort()).to.deep.equal(['champions', 'champions', 'lapsed']);
    expect(ins[0].Churn_Risk__c).to.equal(12.3);
    expect((await recs()).every((r) => r.Status__c === 'New')).to.equal(true);

    const budget = new ApiBudget(conn);
    const second = await writeBack(conn, mirror, out, { runId: 'r2', budget });
    expect(second.written).to.equal(0);
    expect(second.stats.reduce((n, s) => n + s.unchanged, 0)).to.equal(9);
    expect(budget.byKind.composite ?? 0).to.equal(0); // only the feedback re-read touched the org
    expect(await recs()).to.have.length(4);
  });

  it("keeps a rep's Dismissed, expires what no longer applies, revives it later, never duplicates", async () => {
    await writeBack(conn, mirror, output(accounts, products, [[0, 1, 'Cross-sell', 0.9], [0, 2, 'Cross-sell', 0.8], [1, 0, 'Buy again', 0.7]]), { runId: 'r1' });
    const dismissed = `${accounts[0]}-${products[1]}-XS`;
    const rec = (await conn.query<{ Id: string }>(`SELECT Id FROM Product_Recommendation__c WHERE External_Id__c = '${dismissed}'`)).records[0];
    repUpdate(org, repId, 'Product_Recommendation__c', [{ Id: rec.Id, Status__c: 'Dismissed', Dismiss_Reason__c: 'Not relevant' }]);

    // The model drops 0/2 and rescores the dismissed one.
    const r2 = await writeBack(conn, mirror, output(accounts, products, [[0, 1, 'Cross-sell', 0.95], [1, 0, 'Buy again', 0.7]]), { runId: 'r2' });
    expect(r2.failed).to.equal(0);
    let byExt = new Map((await recs()).map((r) => [r.External_Id__c, r]));
    expect(byExt.size).to.equal(3);
    expect(byExt.get(dismissed)).to.include({ Status__c: 'Dismissed', Score__c: 0.95 });
    expect(byExt.get(`${accounts[0]}-${products[2]}-XS`)?.Status__c).to.equal('Expired');
    expect(byExt.get(`${accounts[1]}-${products[0]}-BA`)?.Status__c).to.equal('New');

    // It comes back: the same record returns to New.
    await writeBack(conn, mirror, output(accounts, products, [[0, 1, 'Cross-sell', 0.95], [0, 2, 'Cross-sell', 0.5], [1, 0, 'Buy again', 0.7]]), { runId: 'r3' });
    byExt = new Map((await recs()).map((r) => [r.External_Id__c, r]));
    expect(byExt.size).to.equal(3);
    expect(byExt.get(`${accounts[0]}-${products[2]}-XS`)?.Status__c).to.equal('New');
    expect(byExt.get(dismissed)?.Status__c).to.equal('Dismissed');
  });

  it("reads back only reps' edits, not Reco's own writes, and still never overwrites a rep's decision", async () => {
    const recoSource = SOURCE_OBJECTS.find((o) => o.name === 'Product_Recommendation__c')!;
    const three: Array<[number, number, Recommendation['kind'], number]> = [[0, 1, 'Cross-sell', 0.9], [0, 2, 'Cross-sell', 0.8], [1, 0, 'Buy again', 0.7]];
    await writeBack(conn, mirror, output(accounts, products, three), { runId: 'r1' });
    type M = { Id: string; External_Id__c: string; Status__c: string; Account__c: string; Kind__c: string };
    // The mirror already holds what Reco wrote (Ids included), without reading it back.
    const mirrored = new Map((await readRecords<M>(mirror.sql, 'Product_Recommendation__c')).map((r) => [r.External_Id__c, r]));
    const inOrg = (await conn.query<M>('SELECT Id, External_Id__c, Status__c, Account__c, Kind__c FROM Product_Recommendation__c')).records;
    expect(mirrored.size).to.equal(3);
    for (const r of inOrg) expect(mirrored.get(r.External_Id__c)).to.include({ Id: r.Id, Status__c: 'New', Account__c: r.Account__c, Kind__c: r.Kind__c });

    // Reco rescoring everything is not news to Reco: the next feedback read fetches nothing.
    await writeBack(conn, mirror, output(accounts, products, three.map(([a, p, k, sc]) => [a, p, k, sc - 0.1])), { runId: 'r2' });
    expect((await extractObject(conn, mirror, recoSource, { runId: 'r3', overlapMs: 0 })).fetched).to.equal(0);

    // A rep accepts one and dismisses another after Reco's last write: exactly those two come back.
    const [accepted, dismissed] = [`${accounts[0]}-${products[1]}-XS`, `${accounts[1]}-${products[0]}-BA`];
    const idOf = (ext: string): string => inOrg.find((r) => r.External_Id__c === ext)!.Id;
    repUpdate(org, repId, 'Product_Recommendation__c', [
      { Id: idOf(accepted), Status__c: 'Accepted' },
      { Id: idOf(dismissed), Status__c: 'Dismissed', Dismiss_Reason__c: 'Already owns it' },
    ]);
    const read = await extractObject(conn, mirror, recoSource, { runId: 'r3', overlapMs: 0 });
    expect(read).to.include({ fetched: 2, incremental: true });
    const after = new Map((await readRecords<M & { Dismiss_Reason__c: string | null }>(mirror.sql, 'Product_Recommendation__c')).map((r) => [r.External_Id__c, r]));
    expect(after.get(accepted)?.Status__c).to.equal('Accepted');
    expect(after.get(dismissed)).to.include({ Status__c: 'Dismissed', Dismiss_Reason__c: 'Already owns it' });

    // A rep dismisses one just before Reco rewrites its score (Reco is then its last modifier): still news.
    const late = `${accounts[0]}-${products[2]}-XS`;
    repUpdate(org, repId, 'Product_Recommendation__c', [{ Id: idOf(late), Status__c: 'Dismissed' }]);
    await conn.sobject('Product_Recommendation__c').update({ Id: idOf(late), Score__c: 0.11 } as never);
    expect((await extractObject(conn, mirror, recoSource, { runId: 'r3', overlapMs: 0 })).fetched).to.equal(1);
    expect((await readRecords<M>(mirror.sql, 'Product_Recommendation__c')).find((r) => r.External_Id__c === late)?.Status__c).to.equal('Dismissed');
    repUpdate(org, repId, 'Product_Recommendation__c', [{ Id: idOf(late), Status__c: 'New' }]);

    // The model drops both: neither decision is expired or overwritten, and rescoring keeps them too.
    await writeBack(conn, mirror, output(accounts, products, [[0, 2, 'Cross-sell', 0.4]]), { runId: 'r4' });
    await writeBack(conn, mirror, output(accounts, products, [[0, 1, 'Cross-sell', 0.3], [1, 0, 'Buy again', 0.2], [0, 2, 'Cross-sell', 0.4]]), { runId: 'r5' });
    const byExt = new Map((await recs()).map((r) => [r.External_Id__c, r]));
    expect(byExt.size).to.equal(3);
    expect(byExt.get(accepted)).to.include({ Status__c: 'Accepted', Score__c: 0.3 });
    expect(byExt.get(dismissed)).to.include({ Status__c: 'Dismissed', Score__c: 0.2 });
    expect(byExt.get(`${accounts[0]}-${products[2]}-XS`)?.Status__c).to.equal('New');
  });

  it('retires a segment the models no longer produce, keeps it for history, and reactivates it when it returns', async () => {
    type Seg = { Id: string; Key__c: string; Active__c: boolean; Account_Count__c: number };
    const segs = async (): Promise<Map<string, Seg>> =>
      new Map((await conn.query<Seg>('SELECT Id, Key__c, Active__c, Account_Count__c FROM Customer_Segment__c')).records.map((r) => [r.Key__c, r]));
    const recsIn: Array<[number, number, Recommendation['kind'], number]> = [[0, 1, 'Cross-sell', 0.9]];
    await writeBack(conn, mirror, output(accounts, products, recsIn), { runId: 'r1' });
    const lapsedId = (await segs()).get('lapsed')!.Id;
    expect([...(await segs()).values()].every((g) => g.Active__c)).to.equal(true);

    // The lapsed segment disappears: its account moves to champions and remembers where it came from.
    const fewer = output(accounts, products, recsIn);
    fewer.segments = [{ ...fewer.segments[0], accountCount: 3 }];
    fewer.insights = fewer.insights.map((i) => ({ ...i, segmentKey: 'champions', previousSegmentKey: i.segmentKey === 'lapsed' ? 'lapsed' : null }));
    const r2 = await writeBack(conn, mirror, fewer, { runId: 'r2' });
    expect(r2.stats.find((x) => x.object === 'Customer_Segment__c')).to.include({ expired: 1, failed: 0 });
    let now = await segs();
    expect(now.size).to.equal(2);
    expect(now.get('lapsed')).to.include({ Id: lapsedId, Active__c: false, Account_Count__c: 0 });
    expect(now.get('champions')).to.include({ Active__c: true, Account_Count__c: 3 });
    const prev = (await conn.query<{ Previous_Segment__c: string | null }>(`SELECT Previous_Segment__c FROM Account_Insight__c WHERE Account__c = '${accounts[2]}'`)).records[0];
    expect(prev.Previous_Segment__c).to.equal(lapsedId);

    // Retiring is written once; a re-run leaves it alone.
    const r3 = await writeBack(conn, mirror, fewer, { runId: 'r3' });
    expect(r3.stats.find((x) => x.object === 'Customer_Segment__c')).to.include({ unchanged: 2, expired: 0, updated: 0 });

    // It comes back: the same record, active again.
    await writeBack(conn, mirror, output(accounts, products, recsIn), { runId: 'r4' });
    now = await segs();
    expect(now.size).to.equal(2);
    expect(now.get('lapsed')).to.include({ Id: lapsedId, Active__c: true, Account_Count__c: 1 });
  });

  it('recreates a recommendation deleted in the org and reports rejected records with their code', async () => {
    await writeBack(conn, mirror, output(accounts, products, [[0, 1, 'Cross-sell', 0.9]]), { runId: 'r1' });
    const rec = (await conn.query<{ Id: string }>('SELECT Id FROM Product_Recommendation__c')).records[0];
    await conn.sobject('Product_Recommendation__c').destroy(rec.Id);
    const bad = output(accounts, products, [[0, 1, 'Cross-sell', 0.9]]);
    bad.recommendations.push({ ...bad.recommendations[0], productId: '01t000000000000AAA', kind: 'Buy again' });
    const r = await writeBack(conn, mirror, bad, { runId: 'r2', retryBaseMs: 1 });
    expect(r.failed).to.equal(1);
    expect(r.failures[0]).to.include({ object: 'Product_Recommendation__c' });
    expect(r.failures[0].code).to.match(/^[A-Z_]+$/);
    expect((await recs()).map((x) => x.External_Id__c)).to.deep.equal([`${accounts[0]}-${products[1]}-XS`]);
  });

  it('completes through injected lock errors, 503s and expired sessions with nothing lost or duplicated', async () => {
    org.setFaults('seed=7;lock=0.3;503@2,5;expire@3');
    const many: Array<[number, number, Recommendation['kind'], number]> = [];
    for (let a = 0; a < 3; a++) for (let p = 0; p < 3; p++) for (const k of ['Cross-sell', 'Buy again'] as const) many.push([a, p, k, 0.5]);
    const r = await writeBack(conn, mirror, output(accounts, products, many), { runId: 'r1', retryBaseMs: 5 });
    org.setFaults(null);
    expect(r.failed).to.equal(0);
    const all = await recs();
    expect(all).to.have.length(18);
    expect(new Set(all.map((x) => x.External_Id__c)).size).to.equal(18);
    expect((await conn.query('SELECT COUNT() FROM Customer_Segment__c')).totalSize).to.equal(2);
    expect((await conn.query('SELECT COUNT() FROM Account_Insight__c')).totalSize).to.equal(3);
  });
});
