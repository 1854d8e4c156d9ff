// The org's own REQUEST_LIMIT_EXCEEDED (403) pauses a run like Reco's budget guard does: the run is left to
// resume, the next start finishes it under the same id without re-reading what it had read, and the org's
// Reco_Run__c never stays "Running".
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalOrg } from '@reco/local-org';
import { retailSample } from '@reco/local-org';
import { startRecoOrg } from '../support/reco-org.js';
import type { Connection } from 'jsforce';
import { createConnection } from '../../sync-server/src/connect/connect.js';
import { openMirror, type Mirror } from '../../sync-server/src/mirror/db.js';
import { countRecords } from '../../sync-server/src/mirror/records.js';
import { findUnfinishedRun, listRuns } from '../../sync-server/src/mirror/runs.js';
import { runPipeline, type PipelineOptions } from '../../sync-server/src/pipeline/run-pipeline.js';

const FAST: Partial<PipelineOptions> = { asOf: '2026-01-01', extract: { bulkThreshold: 20_000, bulkPollInterval: 100 }, writeback: { retryBaseMs: 20 } };

describe('sync: the org\'s own API limit pauses the run', function () {
  this.timeout(300_000);
  let org: LocalOrg;
  let conn: Connection;
  let dir: string;
  let mirror: Mirror;

  before(async () => {
    org = await startRecoOrg({ port: 0, seed: { onlineRetail: await retailSample(60) } });
    const c = org.credentials;
    conn = await createConnection({ flow: 'refresh-token', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken });
    dir = mkdtempSync(join(tmpdir(), 'reco-limit-'));
    mirror = openMirror(dir);
  });
  after(async () => {
    mirror?.close();
    await org?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const runStatus = async (runId: string): Promise<string | undefined> =>
    (await conn.query<{ Status__c: string }>(`SELECT Status__c FROM Reco_Run__c WHERE External_Id__c = '${runId}'`)).records[0]?.Status__c;

  it('pauses mid-extract with a resume point, and the next run resumes it', async () => {
    // The fifth query meets the org's limit: Accounts are read (count, page), Products are being read.
    org.setFaults('limit@5~/query');
    const paused = await runPipeline({ connection: conn, mirror }, { kind: 'Full', ...FAST });
    org.setFaults(null);
    expect(paused.status).to.equal('Aborted');
    expect(paused.error).to.match(/REQUEST_LIMIT_EXCEEDED/).and.match(/resumes/);
    expect((await findUnfinishedRun(mirror.sql))?.id).to.equal(paused.runId);
    expect(await runStatus(paused.runId)).to.equal('Paused');
    expect((await countRecords(mirror.sql, 'Account'))).to.be.greaterThan(0);

    const resumed = await runPipeline({ connection: conn, mirror }, { kind: 'Full', ...FAST });
    expect(resumed).to.include({ status: 'Succeeded', resumed: true, runId: paused.runId });
    // The objects read before the pause are not read again.
    const accounts = resumed.extract.find((e) => e.object === 'Account')!;
    expect(accounts).to.include({ incremental: true, fetched: 0 });
    expect(await runStatus(paused.runId)).to.equal('Succeeded');
    expect((await listRuns(mirror.sql)).map((r) => r.status)).to.deep.equal(['Succeeded']);
  });

  it('corrects a run record the org refused to update, at the next run', async () => {
    // The limit refuses the counts and then the "Paused" update of the run record as well.
    org.setFaults('limit@1~/composite;limit@2~/sobjects/Reco_Run__c');
    const paused = await runPipeline({ connection: conn, mirror }, { kind: 'Incremental', ...FAST });
    org.setFaults(null);
    expect(paused.status).to.equal('Aborted');
    expect(await runStatus(paused.runId)).to.equal('Running');

    // A Full supersedes the paused Incremental, and says so in the org.
    const full = await runPipeline({ connection: conn, mirror }, { kind: 'Full', ...FAST });
    expect(full.status, full.error ?? '').to.equal('Succeeded');
    expect(full.runId).to.not.equal(paused.runId);
    expect(await runStatus(paused.runId)).to.equal('Failed');
    expect((await conn.query("SELECT COUNT() FROM Reco_Run__c WHERE Status__c IN ('Running', 'Paused')")).totalSize).to.equal(0);
  });
});
