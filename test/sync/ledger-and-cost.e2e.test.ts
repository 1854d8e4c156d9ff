// What runs cost on an unchanged org, and what happens when Reco's records vanish behind its back: against
// local-org seeded from a real-data sample (seeded once, copied per scenario).
import { expect } from 'chai';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalOrg } from '@reco/local-org';
import { retailSample } from '@reco/local-org';
import { startRecoOrg } from '../support/reco-org.js';
import type { Connection } from 'jsforce';
import { createConnection } from '../../sync-server/src/connect/connect.js';
import type { ModelOutput, Recommendation } from '../../sync-server/src/domain/types.js';
import { openMirror, type Mirror } from '../../sync-server/src/mirror/db.js';
import { loadModelOutput, recommendationExternalId } from '../../sync-server/src/mirror/results.js';
import { runPipeline, type PipelineOptions } from '../../sync-server/src/pipeline/run-pipeline.js';
import { payloadHash, readLedger, recordWritten } from '../../sync-server/src/writeback/ledger.js';
import { recommendationPayload } from '../../sync-server/src/writeback/payloads.js';
import { writeBack } from '../../sync-server/src/writeback/write-back.js';

const AS_OF = '2026-01-01';
const FAST: Partial<PipelineOptions> = { asOf: AS_OF, extract: { bulkThreshold: 20_000, bulkPollInterval: 100 }, writeback: { retryBaseMs: 20 } };

describe('sync: cost on an unchanged org, and records deleted behind Reco\'s back', function () {
  this.timeout(600_000);
  let dir: string;
  let seedDb: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reco-ledger-'));
    seedDb = join(dir, 'seed.db');
    const org = await startRecoOrg({ port: 0, db: seedDb, seed: { onlineRetail: await retailSample(120) } });
    await org.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function freshOrg(name: string): Promise<{ org: LocalOrg; conn: Connection; mirror: Mirror }> {
    const db = join(dir, `${name}.db`);
    copyFileSync(seedDb, db);
    const org = await startRecoOrg({ port: 0, db });
    const c = org.credentials;
    const conn = await createConnection({ flow: 'refresh-token', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken });
    return { org, conn, mirror: openMirror(join(dir, `${name}-mirror`)) };
  }
  const count = async (conn: Connection, object: string): Promise<number> => (await conn.query(`SELECT COUNT() FROM ${object}`)).totalSize;

  it('an Incremental right after a Full reads and writes nothing in at most 12 calls; a Full after a day of Incrementals rewrites under 5%', async () => {
    // The seed and the Full are seconds apart, so every seeded record lies in the next run's overlap window.
    const { org, conn, mirror } = await freshOrg('cost');
    try {
      const full = await runPipeline({ connection: conn, mirror }, { kind: 'Full', ...FAST });
      expect(full.status, full.error ?? '').to.equal('Succeeded');
      const recs = (await loadModelOutput(mirror.sql))!.recommendations.length;

      const inc = await runPipeline({ connection: conn, mirror }, { kind: 'Incremental', ...FAST });
      expect(inc.status, inc.error ?? '').to.equal('Succeeded');
      expect(inc.counts.read, JSON.stringify(inc.extract)).to.equal(0);
      expect(inc.counts.written).to.equal(0);
      expect(inc.apiCalls, JSON.stringify(inc.apiCallsByKind)).to.be.at.most(12);

      // A day later: the day's Incremental, then the nightly Full on the same (unchanged) history. The Full
      // must not re-tune its way into rewriting what the Incremental just wrote.
      const nextDay = await runPipeline({ connection: conn, mirror }, { kind: 'Incremental', ...FAST, asOf: '2026-01-02' });
      expect(nextDay.status, nextDay.error ?? '').to.equal('Succeeded');
      const again = await runPipeline({ connection: conn, mirror }, { kind: 'Full', ...FAST, asOf: '2026-01-02' });
      expect(again.status, again.error ?? '').to.equal('Succeeded');
      const recStats = again.writeback!.stats.find((s) => s.object === 'Product_Recommendation__c')!;
      expect(recStats.created + recStats.updated + recStats.expired).to.be.below(recs * 0.05);
      // The ledger audit found the org as the ledger says, without listing any object.
      expect(again.writeback!.audit!.map((a) => a.forgotten)).to.deep.equal([0, 0, 0]);
      expect(again.writeback!.audit!.every((a) => a.sampleMissing === 0 && a.org === a.ledger)).to.equal(true);
    } finally {
      mirror.close();
      await org.close();
    }
  });

  it('a Full after an admin deleted every Reco record writes them all again', async () => {
    const { org, conn, mirror } = await freshOrg('massdelete');
    try {
      const full = await runPipeline({ connection: conn, mirror }, { kind: 'Full', ...FAST });
      expect(full.status, full.error ?? '').to.equal('Succeeded');
      const output = (await loadModelOutput(mirror.sql))!;

      // An admin's mass delete (children first: insights point at segments).
      for (const object of ['Product_Recommendation__c', 'Account_Insight__c', 'Customer_Segment__c']) {
        const ids = (await conn.query<{ Id: string }>(`SELECT Id FROM ${object}`, { autoFetch: true, maxFetch: 1_000_000 })).records.map((r) => r.Id);
        for (const r of org.store.delete(ids)) expect(r.success, JSON.stringify(r.errors)).to.equal(true);
        expect(await count(conn, object)).to.equal(0);
      }

      const again = await runPipeline({ connection: conn, mirror }, { kind: 'Full', ...FAST });
      expect(again.status, again.error ?? '').to.equal('Succeeded');
      expect(again.counts.written).to.be.greaterThan(0);
      expect(await count(conn, 'Customer_Segment__c')).to.equal(output.segments.length);
      expect(await count(conn, 'Account_Insight__c')).to.equal(output.insights.length);
      expect(await count(conn, 'Product_Recommendation__c')).to.equal(output.recommendations.length);
      const linked = (await conn.query('SELECT COUNT() FROM Account_Insight__c WHERE Segment__c != null')).totalSize;
      expect(linked).to.equal(output.insights.filter((i) => i.segmentKey).length);
    } finally {
      mirror.close();
      await org.close();
    }
  });

  it('writes back again a ledger larger than SQLite binds in one statement', async () => {
    // 34,000 recommendations the ledger remembers and the org does not hold: more than SQLite's 32,766 variables.
    const org = await startRecoOrg({ port: 0 });
    const c = org.credentials;
    const conn = await createConnection({ flow: 'refresh-token', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken });
    const mirror = openMirror(join(dir, 'big-ledger'));
    try {
      const accounts = (org.store.insert('Account', Array.from({ length: 170 }, (_, i) => ({ Name: `A${i}` })))).map((r) => r.id as string);
      const products = (org.store.insert('Product2', Array.from({ length: 100 }, (_, i) => ({ Name: `P${i}`, ProductCode: `P${i}`, IsActive: true })))).map((r) => r.id as string);
      const recommendations: Recommendation[] = [];
      for (const accountId of accounts) {
        for (const [p, productId] of products.entries()) {
          for (const kind of ['Cross-sell', 'Buy again'] as const) {
            recommendations.push({ accountId, productId, kind, rank: p + 1, score: 0.5, confidence: 'High', reason: 'r', evidence: {}, expectedRevenue: null, opportunityId: null });
          }
        }
      }
      const output: ModelOutput = { asOf: `${AS_OF}T00:00:00.000Z`, segments: [], insights: [], recommendations, metrics: {} };
      await recordWritten(mirror.sql, 'Product_Recommendation__c', 'earlier', recommendations.map((r) => {
        const payload = recommendationPayload(r);
        return { externalId: recommendationExternalId(r), hash: payloadHash(payload), sfId: null };
      }));
      const wb = await writeBack(conn, mirror, output, { runId: 'r1', retryBaseMs: 20 });
      expect(wb.failed, JSON.stringify(wb.failures.slice(0, 3))).to.equal(0);
      expect(wb.written).to.equal(34_000);
      expect(await count(conn, 'Product_Recommendation__c')).to.equal(34_000);
      expect((await readLedger(mirror.sql, 'Product_Recommendation__c')).size).to.equal(34_000);
    } finally {
      mirror.close();
      await org.close();
    }
  });
});
