// The service's pipeline with RECO_MODEL_WORKERS: a Full run on a PostgreSQL store whose model stage runs as
// partitions in worker processes writes exactly the records (hash) a run with the one-process model stage writes
// to an identical org copy. Through the real entry: settings from the environment, the pipeline on its thread.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { retailSample } from '@reco/local-org';
import { loadConfig } from '@reco/sync-server/config/load-config.js';
import { startServer } from '@reco/sync-server/server.js';
import { createConnection } from '../../sync-server/src/connect/connect.js';
import { api, memoryLogger, TOKEN, waitFor } from '../service/doubles.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { startRecoOrg } from '../support/reco-org.js';
import { recoRecords } from '../support/reco-records.js';

// Enough customers for several partitions of PARTITION accounts, few enough for two Full runs on two shared cores.
const CUSTOMERS = 150;
const PARTITION = 40;

const sha = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');

type Outcome = { hash: string; counts: Record<string, number>; logs: Array<Record<string, unknown>> };

/** One Full run through the service on the org copy `orgDb` and the store `storeUrl`, then Reco's records in that org. */
async function fullRun(orgDb: string, storeUrl: string, env: Record<string, string>): Promise<Outcome> {
  const org = await startRecoOrg({ port: 0, db: orgDb });
  try {
    const c = org.credentials;
    const config = loadConfig({ env: { RECO_STORE_URL: storeUrl, ...env }, overrides: { auth: { token: TOKEN }, server: { port: 0 }, schedule: { enabled: false } } });
    const { logger, lines } = memoryLogger();
    const service = await startServer(config, {
      logger,
      connection: { flow: 'refresh-token', loginUrl: c.loginUrl, instanceUrl: c.instanceUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken, accessToken: c.accessToken },
    });
    try {
      const started = await api(service.url, '/runs', { method: 'POST', body: JSON.stringify({ kind: 'Full' }) });
      expect(started.status, JSON.stringify(started.body)).to.equal(202);
      const runId = started.body.run.id as string;
      await waitFor(() => service.coordinator.current === null, 240_000, 'the run to end');
      const run = (await api(service.url, `/runs/${runId}`)).body.run as { status: string; error: string | null };
      expect(run.error).to.equal(null);
      expect(run.status).to.equal('Succeeded');
    } finally {
      await service.close();
    }
    const conn = await createConnection({ flow: 'refresh-token', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken });
    const records = await recoRecords(conn);
    return { hash: sha(records), counts: Object.fromEntries(Object.entries(records).map(([k, v]) => [k, v.length])), logs: lines as Array<Record<string, unknown>> };
  } finally {
    await org.close();
  }
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('scale: the pipeline with RECO_MODEL_WORKERS writes what the one-process model stage writes', function () {
  this.timeout(600_000);
  let dir: string;
  let one: TestDatabase;
  let parts: TestDatabase;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'reco-model-workers-'));
    const seed = path.join(dir, 'seed.db');
    const seeded = await startRecoOrg({ port: 0, db: seed, seed: { onlineRetail: await retailSample(CUSTOMERS) } });
    await seeded.close();
    copyFileSync(seed, path.join(dir, 'org-one.db'));
    copyFileSync(seed, path.join(dir, 'org-parts.db'));
    one = await createTestDatabase();
    parts = await createTestDatabase();
  });
  after(async () => {
    await one?.drop();
    await parts?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('same org records (hash) with 2 worker processes as in one process', async () => {
    const inProcess = await fullRun(path.join(dir, 'org-one.db'), one.url, {});
    const partitioned = await fullRun(path.join(dir, 'org-parts.db'), parts.url, { RECO_MODEL_WORKERS: '2', RECO_MODEL_PARTITION_ACCOUNTS: String(PARTITION) });
    expect(inProcess.counts.Product_Recommendation__c, 'the run wrote recommendations').to.be.greaterThan(0);
    expect(partitioned.counts).to.deep.equal(inProcess.counts);
    expect(partitioned.hash, "Reco's records equal those of the one-process model stage").to.equal(inProcess.hash);

    // The model stage did run as partitions, on the store's PostgreSQL; the one-process run never made the queue.
    const runs = await query<{ run_id: string; status: string; partitions: number; accounts: number }>(parts.url, 'SELECT run_id, status, partitions, accounts FROM reco_part_runs');
    expect(runs).to.have.length(1);
    expect(runs[0].status).to.equal('done');
    expect(runs[0].partitions).to.equal(Math.ceil(runs[0].accounts / PARTITION)).and.to.be.greaterThan(2);
    const results = await query<{ n: number }>(parts.url, `SELECT count(*)::int AS n FROM reco_part_results WHERE run_id = '${runs[0].run_id}'`);
    expect(results[0].n).to.equal(runs[0].partitions);
    const meta = await query<{ metrics: string }>(parts.url, 'SELECT metrics FROM result_meta');
    expect((JSON.parse(meta[0].metrics) as { partitions?: { runId: string } }).partitions?.runId).to.equal(runs[0].run_id);
    expect(partitioned.logs.some((l) => l.msg === 'model step: partitions published for the worker processes' && l.partitionRun === runs[0].run_id)).to.equal(true);
    expect((await query<{ t: string | null }>(one.url, `SELECT to_regclass('reco_part_runs')::text AS t`))[0].t).to.equal(null);
  });
});
