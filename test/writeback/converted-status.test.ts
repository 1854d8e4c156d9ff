// Status__c Converted: the write-back sets it on a recommendation a conversion was attributed to, over New,
// Expired and a reaction's Accepted, never over a dismissal or a status a rep typed on the record; a second
// run writes nothing, and a rep's later Accepted reaction does not turn Converted back.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalOrg } from '@reco/local-org';
import type { Connection } from 'jsforce';
import { createConnection } from '../../sync-server/src/connect/connect.js';
import { repDecisions, type RawReaction } from '../../sync-server/src/domain/rep-decisions.js';
import type { ModelOutput, Recommendation } from '../../sync-server/src/domain/types.js';
import { openMirror, type Mirror } from '../../sync-server/src/mirror/db.js';
import { planStatusWrites, type MirroredRecommendation } from '../../sync-server/src/writeback/status-writes.js';
import { writeBack } from '../../sync-server/src/writeback/write-back.js';
import { startRecoOrg } from '../support/reco-org.js';
import { addRep, repUpdate } from '../sync/rep.js';

const rec = (Id: string, status: string | null): MirroredRecommendation => ({ Id, External_Id__c: `ext-${Id}`, Status__c: status, Dismiss_Reason__c: status === 'Dismissed' ? 'Other' : null });
const reaction = (Id: string, recId: string, type: string, at: string): RawReaction => ({ Id, Recommendation__c: recId, Reaction__c: type, CreatedDate: at, Dismiss_Reason__c: type === 'Dismissed' ? 'Other' : null });

describe('write-back: Status__c Converted', () => {
  it('plans Converted over New, Expired and an Accepted reaction; never over a dismissal or a status a rep typed', () => {
    const recs = [rec('R1', 'New'), rec('R2', 'Expired'), rec('R3', 'Accepted'), rec('R4', 'Dismissed'), rec('R5', 'Accepted'), rec('R6', 'Converted'), rec('R7', 'New'), rec('R8', 'Converted')];
    const decisions = repDecisions(recs, [
      reaction('a0R000000000001', 'R3', 'Accepted', '2026-01-02T10:00:00.000Z'),
      reaction('a0R000000000002', 'R4', 'Dismissed', '2026-01-02T10:00:00.000Z'),
      // R8 was Converted by Reco; the rep then dismisses it: their verdict wins over the sale.
      reaction('a0R000000000003', 'R8', 'Dismissed', '2026-02-02T10:00:00.000Z'),
    ]);
    const converted = new Set(['ext-r1', 'ext-r2', 'ext-r3', 'ext-r4', 'ext-r5', 'ext-r6', 'ext-r8']);
    const wanted = new Set(['ext-r1']);
    expect(planStatusWrites(recs, wanted, decisions, converted).map((w) => [w.id, w.status, w.kind])).to.deep.equal([
      ['R1', 'Converted', 'convert'],
      ['R2', 'Converted', 'convert'], // expired since: the sale still came within the window
      ['R3', 'Converted', 'convert'], // accepted by a reaction: the acceptance stays on the reaction record
      // R4: dismissed, stays Dismissed. R5: Accepted typed by a rep on the record (the design before
      // reactions), left alone. R6: already Converted.
      ['R7', 'Expired', 'expire'], // no conversion: the usual expiry
      ['R8', 'Dismissed', 'decision'],
    ]);
    // Without conversions nothing becomes Converted (the test fails if Converted is planned from anything else).
    expect(planStatusWrites(recs, wanted, decisions).some((w) => w.status === 'Converted')).to.equal(false);
  });

  describe('against local-org (Reco deployed from force-app)', function () {
    this.timeout(120_000);
    let org: LocalOrg;
    let conn: Connection;
    let dir: string;
    let mirror: Mirror;
    let accounts: string[];
    let products: string[];

    beforeEach(async () => {
      org = await startRecoOrg({ port: 0 });
      const c = org.credentials;
      conn = await createConnection({ flow: 'refresh-token', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken });
      dir = mkdtempSync(join(tmpdir(), 'reco-conv-'));
      mirror = openMirror(dir);
      accounts = ((await conn.sobject('Account').create([{ Name: 'A' }, { Name: 'B' }] as never[])) as Array<{ id: string }>).map((r) => r.id);
      products = ((await conn.sobject('Product2').create(['P1', 'P2', 'P3', 'P4'].map((n) => ({ Name: n, ProductCode: n, IsActive: true })) as never[])) as Array<{ id: string }>).map((r) => r.id);
    });
    afterEach(async () => {
      mirror.close();
      await org.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const output = (pairs: Array<[number, number]>): ModelOutput => ({
      asOf: '2026-01-01T00:00:00.000Z',
      segments: [],
      insights: [],
      recommendations: pairs.map(([a, p], i): Recommendation => ({
        accountId: accounts[a], productId: products[p], kind: 'Cross-sell', rank: i + 1, score: 0.9 - i / 10, confidence: 'High', reason: 'bought together', evidence: {}, expectedRevenue: 100, opportunityId: null,
      })),
      metrics: {},
    });
    const ext = (a: number, p: number): string => `${accounts[a]}-${products[p]}-XS`;
    const statuses = async (): Promise<Map<string, string>> =>
      new Map((await conn.query<{ External_Id__c: string; Status__c: string }>('SELECT External_Id__c, Status__c FROM Product_Recommendation__c')).records.map((r) => [r.External_Id__c, r.Status__c]));
    const idOf = async (e: string): Promise<string> => (await conn.query<{ Id: string }>(`SELECT Id FROM Product_Recommendation__c WHERE External_Id__c = '${e}'`)).records[0].Id;
    const react = async (a: number, p: number, type: 'Accepted' | 'Dismissed'): Promise<void> => {
      const recId = await idOf(ext(a, p));
      const res = org.store.asUser(org.store.identity.salesRepUserId, () => org.store.insert('Recommendation_Reaction__c', [
        { Recommendation__c: recId, Account__c: accounts[a], Product__c: products[p], Reaction__c: type, ...(type === 'Dismissed' ? { Dismiss_Reason__c: 'Too expensive' } : {}) },
      ]));
      expect(res[0].success, JSON.stringify(res[0].errors)).to.equal(true);
    };

    it('sets Converted from the conversions, keeps Dismissed and a typed status, and a re-run writes nothing', async () => {
      const all: Array<[number, number]> = [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1]];
      await writeBack(conn, mirror, output(all), { runId: 'r1' });
      await react(0, 1, 'Accepted');
      await react(0, 2, 'Dismissed');
      const rep = addRep(org);
      repUpdate(org, rep, 'Product_Recommendation__c', [{ Id: await idOf(ext(1, 1)), Status__c: 'Accepted' }]);

      // All but (1,0) converted; (1,0) is no longer recommended.
      const converted = new Set([ext(0, 0), ext(0, 1), ext(0, 2), ext(1, 1)].map((e) => e.toLowerCase()));
      const run2 = await writeBack(conn, mirror, output([[0, 0], [0, 1], [0, 2], [1, 1]]), { runId: 'r2', converted });
      expect(run2.failed, JSON.stringify(run2.failures)).to.equal(0);
      expect(Object.fromEntries(await statuses())).to.deep.equal({
        [ext(0, 0)]: 'Converted',
        [ext(0, 1)]: 'Converted', // accepted by a reaction, then sold
        [ext(0, 2)]: 'Dismissed', // the rep's verdict stands
        [ext(1, 0)]: 'Expired',
        [ext(1, 1)]: 'Accepted', // typed on the record by a rep: left as they set it
      });

      // Idempotent: the same conversions again send no status.
      const run3 = await writeBack(conn, mirror, output([[0, 0], [0, 1], [0, 2], [1, 1]]), { runId: 'r3', converted });
      expect(run3.stats.find((s) => s.object === 'Product_Recommendation__c')).to.include({ updated: 0, failed: 0 });
      // A later Accepted reaction does not turn Converted back into Accepted; a later dismissal does win.
      await react(0, 1, 'Accepted');
      await react(0, 0, 'Dismissed');
      await writeBack(conn, mirror, output([[0, 0], [0, 1], [0, 2], [1, 1]]), { runId: 'r4', converted });
      const after = await statuses();
      expect(after.get(ext(0, 1))).to.equal('Converted');
      expect(after.get(ext(0, 0))).to.equal('Dismissed');
    });

    it('Converted is a value the deployed picklist accepts, and the org still rejects one it does not list', async () => {
      await writeBack(conn, mirror, output([[0, 3]]), { runId: 'r1' });
      const id = await idOf(ext(0, 3));
      const ok = (await conn.sobject('Product_Recommendation__c').update({ Id: id, Status__c: 'Converted' } as never)) as unknown as { success: boolean };
      expect(ok.success).to.equal(true);
      const bad = await conn.sobject('Product_Recommendation__c').update({ Id: id, Status__c: 'Won' } as never).then(() => null, (e: { errorCode?: string }) => e);
      expect(bad?.errorCode).to.equal('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    });
  });
});
