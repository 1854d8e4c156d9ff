// End to end against local-org seeded from the Online Retail file (seeded once, then copied per scenario).
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalOrg } from '@reco/local-org';
import { startRecoOrg } from '../support/reco-org.js';
import type { Connection } from 'jsforce';
import { createConnection } from '../../sync-server/src/connect/connect.js';
import { openMirror, type Mirror } from '../../sync-server/src/mirror/db.js';
import { countRecords, readRecords } from '../../sync-server/src/mirror/records.js';
import { loadModelOutput, recommendationExternalId } from '../../sync-server/src/mirror/results.js';
import { listRuns } from '../../sync-server/src/mirror/runs.js';
import { runPipeline, type PipelineOptions } from '../../sync-server/src/pipeline/run-pipeline.js';
import { addRep, repUpdate } from './rep.js';

const DATA = process.env.RECO_ONLINE_RETAIL ?? '/work/shared/data/online-retail.csv.gz';
// ~6 weeks of shifted history: big enough for every model and for Bulk (line items), small enough to be quick.
const AS_OF = '2026-01-01';
const FAST: Partial<PipelineOptions> = { extract: { bulkThreshold: 20_000, bulkPollInterval: 100 }, writeback: { retryBaseMs: 20 } };

type Rec = { External_Id__c: string; Status__c: string; Score__c: number };

describe('sync: pipeline end to end against a seeded local-org', function () {
  this.timeout(600_000);
  let dir: string;
  let seedDb: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reco-e2e-'));
    seedDb = join(dir, 'seed.db');
    const org = await startRecoOrg({ port: 0, db: seedDb, seed: { onlineRetail: DATA }, asOf: AS_OF });
    await org.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function freshOrg(name: string): Promise<{ org: LocalOrg; conn: Connection; mirror: Mirror; mirrorPath: string }> {
    const db = join(dir, `${name}.db`);
    copyFileSync(seedDb, db);
    const org = await startRecoOrg({ port: 0, db });
    const c = org.credentials;
    const conn = await createConnection({ flow: 'refresh-token', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken });
    const mirrorPath = join(dir, `${name}-mirror`);
    return { org, conn, mirror: openMirror(mirrorPath), mirrorPath };
  }
  const orgRecs = async (conn: Connection): Promise<Rec[]> =>
    (await conn.query<Rec>('SELECT External_Id__c, Status__c, Score__c FROM Product_Recommendation__c', { autoFetch: true, maxFetch: 1_000_000 })).records;
  const count = async (conn: Connection, soql: string): Promise<number> => (await conn.query(soql)).totalSize;

  it('full sync, incremental after replay and deletes, idempotent re-run, Dismissed survives', async () => {
    const { org, conn, mirror } = await freshOrg('main');
    try {
      const full = await runPipeline({ connection: conn, mirror }, { kind: 'Full', ...FAST });
      expect(full.status, full.error ?? '').to.equal('Succeeded');
      const oli = full.extract.find((e) => e.object === 'OpportunityLineItem')!;
      expect(oli.mode).to.equal('bulk');
      expect((await countRecords(mirror.sql, 'OpportunityLineItem'))).to.equal(await count(conn, 'SELECT COUNT() FROM OpportunityLineItem'));
      // REST objects cost about one call per 2,000 records.
      for (const e of full.extract.filter((x) => x.mode === 'rest')) expect(e.calls).to.be.at.most(Math.ceil(e.fetched / 2000) + 2);

      const output = (await loadModelOutput(mirror.sql))!;
      let recs = await orgRecs(conn);
      expect(recs.length).to.equal(output.recommendations.length);
      expect(new Set(recs.map((r) => r.External_Id__c)).size).to.equal(recs.length);
      expect(await count(conn, 'SELECT COUNT() FROM Account_Insight__c')).to.equal(output.insights.length);
      expect(await count(conn, 'SELECT COUNT() FROM Customer_Segment__c')).to.equal(output.segments.length);
      const run = (await conn.query<{ Status__c: string; Api_Calls__c: number }>(`SELECT Status__c, Api_Calls__c FROM Reco_Run__c WHERE External_Id__c = '${full.runId}'`)).records[0];
      expect(run.Status__c).to.equal('Succeeded');
      expect(run.Api_Calls__c).to.be.greaterThan(10);

      // A rep dismisses one; new invoices arrive; an opportunity is deleted.
      const target = recommendationExternalId(output.recommendations[0]);
      const rec = (await conn.query<{ Id: string }>(`SELECT Id FROM Product_Recommendation__c WHERE External_Id__c = '${target}'`)).records[0];
      repUpdate(org, addRep(org), 'Product_Recommendation__c', [{ Id: rec.Id, Status__c: 'Dismissed', Dismiss_Reason__c: 'Not relevant' }]);
      // The sales rep, who can only read accounts they do not own, cannot edit another recommendation but
      // dismisses it the way the component does: with a reaction.
      org.access.setOrgWideDefault('Account', 'Read');
      const other = output.recommendations.find((r) => r.accountId !== output.recommendations[0].accountId)!;
      const otherId = (await conn.query<{ Id: string }>(`SELECT Id FROM Product_Recommendation__c WHERE External_Id__c = '${recommendationExternalId(other)}'`)).records[0].Id;
      const salesRep = org.store.identity.salesRepUserId;
      const edit = org.store.asUser(salesRep, () => org.store.update('Product_Recommendation__c', [{ Id: otherId, Status__c: 'Dismissed' }]));
      expect(edit[0].errors[0]?.errorCode).to.equal('INSUFFICIENT_ACCESS_OR_READONLY');
      const reacted = org.store.asUser(salesRep, () => org.store.insert('Recommendation_Reaction__c', [
        { Recommendation__c: otherId, Account__c: other.accountId, Product__c: other.productId, Reaction__c: 'Dismissed', Dismiss_Reason__c: 'Too expensive' },
      ]));
      expect(reacted[0].success, JSON.stringify(reacted[0].errors)).to.equal(true);
      const replay = org.replay({ count: 60 });
      expect(replay.lineItems).to.be.greaterThan(0);
      const victim = (await conn.query<{ Id: string }>('SELECT Id FROM Opportunity ORDER BY CloseDate LIMIT 1')).records[0].Id;
      const victimLines = await count(conn, `SELECT COUNT() FROM OpportunityLineItem WHERE OpportunityId = '${victim}'`);
      await conn.sobject('Opportunity').destroy(victim);

      const inc = await runPipeline({ connection: conn, mirror }, { kind: 'Incremental', ...FAST, extract: { ...FAST.extract, overlapMs: 0 } });
      expect(inc.status, inc.error ?? '').to.equal('Succeeded');
      const incOli = inc.extract.find((e) => e.object === 'OpportunityLineItem')!;
      expect(incOli).to.include({ incremental: true, mode: 'rest' });
      // exactly the replayed lines, the cascade-deleted ones, and at most a boundary record or two
      expect(incOli.upserted).to.be.within(replay.lineItems, replay.lineItems + 2);
      expect(incOli.deleted).to.equal(victimLines);
      expect(inc.extract.find((e) => e.object === 'Opportunity')!.deleted).to.equal(1);
      expect((await readRecords<{ Id: string }>(mirror.sql, 'Opportunity')).some((o) => o.Id === victim)).to.equal(false);
      expect((await countRecords(mirror.sql, 'OpportunityLineItem'))).to.equal(await count(conn, 'SELECT COUNT() FROM OpportunityLineItem'));
      expect(inc.apiCalls).to.be.lessThan(full.apiCalls);
      // Of the recommendations, only the rep's decision is read back, not every record Reco wrote last run.
      expect(inc.extract.find((e) => e.object === 'Product_Recommendation__c')).to.include({ incremental: true, mode: 'rest', fetched: 1 });

      expect(inc.extract.find((e) => e.object === 'Recommendation_Reaction__c')).to.include({ incremental: true, fetched: 1 });

      recs = await orgRecs(conn);
      expect(new Set(recs.map((r) => r.External_Id__c)).size).to.equal(recs.length);
      expect(recs.find((r) => r.External_Id__c === target)?.Status__c).to.equal('Dismissed');
      expect(recs.find((r) => r.External_Id__c === recommendationExternalId(other))?.Status__c).to.equal('Dismissed');
      // Both dismissed products are kept out of the new lists for their accounts.
      const relisted = (await loadModelOutput(mirror.sql))!.recommendations.filter((r) =>
        [output.recommendations[0], other].some((d) => d.accountId === r.accountId && d.productId === r.productId));
      expect(relisted).to.deep.equal([]);

      // Nothing changed in the org since: a third run leaves it holding the same records (the models may still
      // refine scores or segment history, which is an update of the same records, never a new one).
      const key = (rs: Rec[]): string => JSON.stringify(rs.map((r) => [r.External_Id__c, r.Status__c]).sort());
      const before = key(await orgRecs(conn));
      const insightsBefore = await count(conn, 'SELECT COUNT() FROM Account_Insight__c');
      const again = await runPipeline({ connection: conn, mirror }, { kind: 'Incremental', ...FAST });
      expect(again.status, again.error ?? '').to.equal('Succeeded');
      expect(again.counts.unchanged).to.be.greaterThan(again.counts.written);
      expect(key(await orgRecs(conn))).to.equal(before);
      expect(await count(conn, 'SELECT COUNT() FROM Account_Insight__c')).to.equal(insightsBefore);
      expect(await count(conn, 'SELECT COUNT() FROM Product_Recommendation__c WHERE Account__c = null')).to.equal(0);
      expect((await listRuns(mirror.sql)).map((r) => r.status)).to.deep.equal(['Succeeded', 'Succeeded', 'Succeeded']);
    } finally {
      mirror.close();
      await org.close();
    }
  });

  it('completes through 503s, lock errors, expired sessions and dropped connections', async () => {
    const { org, conn, mirror } = await freshOrg('faults');
    try {
      org.setFaults('seed=3;503=0.03;lock=0.05;expire@4,40;drop@7,60');
      let s = await runPipeline({ connection: conn, mirror }, { kind: 'Full', ...FAST });
      // A fault jsforce cannot absorb may stop the run; the next start resumes it.
      for (let i = 0; i < 3 && s.status !== 'Succeeded'; i++) s = await runPipeline({ connection: conn, mirror }, { kind: 'Full', ...FAST });
      org.setFaults(null);
      expect(s.status, s.error ?? '').to.equal('Succeeded');
      const output = (await loadModelOutput(mirror.sql))!;
      const recs = await orgRecs(conn);
      expect(recs.length).to.equal(output.recommendations.length);
      expect(new Set(recs.map((r) => r.External_Id__c)).size).to.equal(recs.length);
      expect(await count(conn, 'SELECT COUNT() FROM Account_Insight__c')).to.equal(output.insights.length);
      expect((await countRecords(mirror.sql, 'OpportunityLineItem'))).to.equal(await count(conn, 'SELECT COUNT() FROM OpportunityLineItem'));

      // An abort (service shutdown) leaves the run resumable; the next call finishes the same run.
      const ac = new AbortController();
      const aborted = await runPipeline({ connection: conn, mirror }, {
        kind: 'Incremental', ...FAST, signal: ac.signal,
        onProgress: (e) => e.stage === 'clean' && e.status === 'done' && ac.abort(new Error('shutting down')),
      });
      expect(aborted).to.include({ status: 'Aborted', error: 'shutting down' });
      const resumed = await runPipeline({ connection: conn, mirror }, { kind: 'Incremental', ...FAST });
      expect(resumed).to.include({ status: 'Succeeded', resumed: true, runId: aborted.runId });
      expect(await count(conn, `SELECT COUNT() FROM Reco_Run__c WHERE External_Id__c = '${aborted.runId}' AND Status__c = 'Succeeded'`)).to.equal(1);
    } finally {
      mirror.close();
      await org.close();
    }
  });

  it('a process killed mid-write-back resumes and converges to the same org state', async () => {
    const { org, mirror, mirrorPath, conn } = await freshOrg('kill');
    mirror.close();
    try {
      const env = { ...process.env, RECO_TEST_ORG: JSON.stringify(org.credentials), RECO_TEST_MIRROR: mirrorPath, RECO_TEST_KIND: 'Full' };
      const runChild = (killAt?: number): Promise<{ killed: boolean; lines: string[] }> =>
        new Promise((resolve, reject) => {
          const childEnv = killAt === undefined ? env : { ...env, RECO_TEST_HOLD_AT: String(killAt) };
          const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'pipeline-child.ts')], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
          const lines: string[] = [];
          let killed = false;
          let buf = '';
          let err = '';
          child.stderr.on('data', (d: Buffer) => (err += d.toString()));
          child.stdout.on('data', (d: Buffer) => {
            buf += d.toString();
            let i;
            while ((i = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, i);
              buf = buf.slice(i + 1);
              lines.push(line);
              const e = JSON.parse(line) as { stage?: string; status?: string; records?: number };
              if (killAt !== undefined && !killed && e.stage === 'writeback' && e.status === 'running' && (e.records ?? 0) >= killAt) {
                killed = true;
                child.kill('SIGKILL');
              }
            }
          });
          child.on('error', reject);
          child.on('exit', (code, signal) => (signal === 'SIGKILL' || code === 0 ? resolve({ killed, lines }) : reject(new Error(`child exited ${code}: ${err.slice(-2000)}`))));
        });
      const first = await runChild(400);
      expect(first.killed, `the first run ended before it was killed:\n${first.lines.slice(-3).join('\n')}`).to.equal(true);
      const second = await runChild();
      const summary = JSON.parse(second.lines.at(-1) as string) as { summary: { status: string; resumed: boolean } };
      expect(summary.summary).to.include({ status: 'Succeeded', resumed: true });

      const m = openMirror(mirrorPath);
      try {
        const output = (await loadModelOutput(m.sql))!;
        const recs = await orgRecs(conn);
        expect(recs.length).to.equal(output.recommendations.length);
        expect(new Set(recs.map((r) => r.External_Id__c)).size).to.equal(recs.length);
        const score = new Map(recs.map((r) => [r.External_Id__c, r.Score__c]));
        for (const r of output.recommendations) expect(score.get(recommendationExternalId(r))).to.equal(Math.round(r.score * 10_000) / 10_000);
        expect(recs.every((r) => r.Status__c === 'New')).to.equal(true);
        expect(await count(conn, 'SELECT COUNT() FROM Reco_Run__c')).to.equal(1);
        expect((await listRuns(m.sql))).to.have.length(1);
      } finally {
        m.close();
      }
    } finally {
      await org.close();
    }
  });
});
