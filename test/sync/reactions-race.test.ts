// Issue 15 item 1: reps accept and dismiss recommendations while Reco's write-back is in flight (a Bulk API
// job slowed down as a real org's is at 10,000 records). Afterwards, and after further syncs, every
// decision is as the rep made it: none expired, none revived to New, none lost.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalOrg } from '@reco/local-org';
import { startRecoOrg } from '../support/reco-org.js';
import type { Connection } from 'jsforce';
import { cleanMirror } from '../../sync-server/src/clean/clean.js';
import { createConnection } from '../../sync-server/src/connect/connect.js';
import type { ModelOutput } from '../../sync-server/src/domain/types.js';
import { openMirror, type Mirror } from '../../sync-server/src/mirror/db.js';
import { writeBack, type WritebackOptions } from '../../sync-server/src/writeback/write-back.js';
import { addRep, repUpdate } from './rep.js';

const ACCOUNTS = 20;
const PER_ACCOUNT = 10; // 200 recommendations per output
const REASONS = ['Not relevant', 'Already owns it', 'Bought elsewhere', 'Too expensive', 'Bad timing'];

function output(accounts: string[], products: string[], from: number): ModelOutput {
  const recommendations: ModelOutput['recommendations'] = [];
  for (const [a, accountId] of accounts.entries()) {
    for (let p = from; p < from + PER_ACCOUNT; p++) {
      recommendations.push({
        accountId, productId: products[p], kind: 'Cross-sell', rank: p - from + 1, score: 0.5 + a / 100, confidence: 'Medium', reason: 'bought together',
        evidence: { lift: 2 }, expectedRevenue: 10, opportunityId: null,
      });
    }
  }
  return {
    asOf: '2026-01-01T00:00:00.000Z',
    segments: [{ key: 'all', name: 'All', description: 'everyone', accountCount: accounts.length, profile: {} }],
    insights: accounts.map((accountId) => ({
      accountId, segmentKey: 'all', previousSegmentKey: null, segmentChangedOn: null, lifecycleStage: 'Active' as const, recencyDays: 5, frequency: 2,
      monetary: 100, averageOrderValue: 50, engagementScore: 10, churnRisk: 0.1, holdout: false, signals: {},
    })),
    recommendations,
    metrics: {},
  };
}

type Decision = { id: string; status: 'Accepted' | 'Dismissed'; reason: string | null };
type OrgRec = { Id: string; External_Id__c: string; Status__c: string; Dismiss_Reason__c: string | null; Account__c: string; Product__c: string };

describe('sync: reps deciding while the write-back runs lose nothing (issue 15 item 1)', function () {
  this.timeout(180_000);
  let org: LocalOrg;
  let conn: Connection;
  let dir: string;
  let mirror: Mirror;
  let accounts: string[];
  let products: string[];
  let repId: string;
  const opts = (runId: string): WritebackOptions => ({ runId, bulkThreshold: 100, retryBaseMs: 5 });

  beforeEach(async () => {
    org = await startRecoOrg({ port: 0 });
    repId = addRep(org);
    const c = org.credentials;
    conn = await createConnection({ flow: 'refresh-token', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken });
    dir = mkdtempSync(join(tmpdir(), 'reco-race-'));
    mirror = openMirror(dir);
    accounts = org.store.insert('Account', Array.from({ length: ACCOUNTS }, (_, i) => ({ Name: `Account ${i}` }))).map((r) => r.id as string);
    products = org.store.insert('Product2', Array.from({ length: 2 * PER_ACCOUNT }, (_, i) => ({ Name: `P${i}`, ProductCode: `P${i}`, IsActive: true }))).map((r) => r.id as string);
  });
  afterEach(async () => {
    org.setFaults(null);
    mirror.close();
    await org.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const orgRecs = async (): Promise<Map<string, OrgRec>> =>
    new Map((await conn.query<OrgRec>('SELECT Id, External_Id__c, Status__c, Dismiss_Reason__c, Account__c, Product__c FROM Product_Recommendation__c', { autoFetch: true, maxFetch: 100_000 })).records.map((r) => [r.Id, r]));

  /** Runs `act` while the `nth` Bulk API ingest job of the next write-back is in flight (created, not yet processed). */
  function duringBulkJob(nth: number, act: () => void): { fired: () => boolean } {
    const bulk2 = conn.bulk2;
    const original = bulk2.loadAndWaitForResults.bind(bulk2);
    let calls = 0;
    let fired = false;
    bulk2.loadAndWaitForResults = (async (o: Parameters<typeof original>[0]) => {
      calls += 1;
      const job = original(o);
      if (calls === nth) {
        // Every ingest call is slowed (below) by far more than this: the job is open, its rows not yet applied.
        await new Promise((r) => setTimeout(r, 100));
        act();
        fired = true;
      }
      return job;
    }) as typeof original;
    return { fired: () => fired };
  }

  /** Half accept, half dismiss (with a reason), as the rep decides. */
  function decide(recs: OrgRec[]): Decision[] {
    return recs.map((r, i) => (i % 2 === 0 ? { id: r.Id, status: 'Accepted', reason: null } : { id: r.Id, status: 'Dismissed', reason: REASONS[i % REASONS.length] }));
  }

  function react(decisions: Decision[], byId: Map<string, OrgRec>): void {
    const results = org.store.asUser(repId, () =>
      org.store.insert('Recommendation_Reaction__c', decisions.map((d) => ({
        Recommendation__c: d.id, Account__c: byId.get(d.id)!.Account__c, Product__c: byId.get(d.id)!.Product__c, Reaction__c: d.status, Dismiss_Reason__c: d.reason,
      }))),
    );
    expect(results.filter((r) => !r.success), JSON.stringify(results.find((r) => !r.success))).to.have.length(0);
  }

  /** Decisions the org no longer shows as the rep made them. */
  async function lost(decisions: Decision[]): Promise<string[]> {
    const now = await orgRecs();
    return decisions
      .filter((d) => now.get(d.id)?.Status__c !== d.status || (now.get(d.id)?.Dismiss_Reason__c ?? null) !== d.reason)
      .map((d) => `${d.id}: rep ${d.status}, org ${now.get(d.id)?.Status__c}`);
  }

  async function scenario(nthJob: number, how: 'reaction' | 'status-edit'): Promise<void> {
    const first = await writeBack(conn, mirror, output(accounts, products, 0), opts('r1'));
    expect(first.failed).to.equal(0);
    const shown = await orgRecs();
    expect(shown.size).to.equal(200);
    const decisions = decide([...shown.values()]);

    // The model now recommends other products: Reco expires all 200 the reps see, while they decide on them.
    org.setFaults('slow:300=1~/jobs/ingest*');
    const trigger = duringBulkJob(nthJob, () => {
      if (how === 'reaction') react(decisions, shown);
      else repUpdate(org, repId, 'Product_Recommendation__c', decisions.map((d) => ({ Id: d.id, Status__c: d.status, Dismiss_Reason__c: d.reason })));
    });
    const second = await writeBack(conn, mirror, output(accounts, products, PER_ACCOUNT), opts('r2'));
    org.setFaults(null);
    expect(trigger.fired(), 'the reps acted during a bulk job').to.equal(true);
    expect(second.failed).to.equal(0);
    const afterRace = await lost(decisions);
    expect(afterRace, `${afterRace.length} of ${decisions.length} decisions lost by the write-back they raced`).to.deep.equal([]);

    // Further syncs: the same output, then the first again (the accepted and dismissed come back into the
    // model's list): nothing is expired, revived to New or otherwise overwritten.
    await writeBack(conn, mirror, output(accounts, products, PER_ACCOUNT), opts('r3'));
    await writeBack(conn, mirror, output(accounts, products, 0), opts('r4'));
    const afterSyncs = await lost(decisions);
    expect(afterSyncs, `${afterSyncs.length} of ${decisions.length} decisions lost by later syncs`).to.deep.equal([]);
    // And the models see each decision: the dismissed ones become the blocks the business rules apply.
    const { dataset } = (await cleanMirror(mirror.sql, { asOf: '2026-01-01T00:00:00.000Z' }));
    const feedback = new Map(dataset.feedback.map((f) => [f.recommendationId, f]));
    for (const d of decisions) expect(feedback.get(d.id), d.id).to.include({ status: d.status, dismissReason: d.reason });
    // The 200 of r2, no longer recommended by r4 and decided by no one, are Expired: nothing leaked onto them.
    const now = await orgRecs();
    expect(now.size).to.equal(400);
    expect([...now.values()].filter((r) => r.Status__c === 'Expired')).to.have.length(200);
  }

  it('keeps 200 reactions made while the content bulk job runs', async () => {
    await scenario(1, 'reaction');
    // Reco never touched a reaction: each is still as the rep created it.
    const reactions = (await conn.query<{ LastModifiedById: string; CreatedById: string }>('SELECT CreatedById, LastModifiedById FROM Recommendation_Reaction__c')).records;
    expect(reactions).to.have.length(200);
    expect(reactions.every((r) => r.CreatedById === repId && r.LastModifiedById === repId)).to.equal(true);
  });

  it('keeps 200 reactions made while the expiry bulk job itself runs (the next pass repairs the status)', async () => {
    await scenario(2, 'reaction');
  });

  it('keeps 200 status edits made the old way (an upgraded org) while the content bulk job runs', async () => {
    await scenario(1, 'status-edit');
  });

  it('lets a rep change their mind: the newest reaction wins', async () => {
    await writeBack(conn, mirror, output(accounts, products, 0), opts('r1'));
    const shown = await orgRecs();
    const [one] = [...shown.values()];
    react([{ id: one.Id, status: 'Accepted', reason: null }], shown);
    react([{ id: one.Id, status: 'Dismissed', reason: 'Too expensive' }], shown);
    await writeBack(conn, mirror, output(accounts, products, 0), opts('r2'));
    expect((await orgRecs()).get(one.Id)).to.include({ Status__c: 'Dismissed', Dismiss_Reason__c: 'Too expensive' });
    react([{ id: one.Id, status: 'Accepted', reason: null }], shown);
    await writeBack(conn, mirror, output(accounts, products, 0), opts('r3'));
    expect((await orgRecs()).get(one.Id)).to.include({ Status__c: 'Accepted', Dismiss_Reason__c: null });
  });
});
