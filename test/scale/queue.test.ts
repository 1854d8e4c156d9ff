import { expect } from 'chai';
import pg from 'pg';
import { claimPartition, ensureSchema, failPartition } from '../../sync-server/src/scale/queue.js';
import { runWorker } from '../../sync-server/src/scale/worker.js';
import { createTestDatabase, useTestDatabase, type TestDatabase } from '../support/postgres.js';

describe('scale: the partition queue', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let pool: pg.Pool;
  before(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    await ensureSchema(pool);
  });
  after(async () => {
    await pool?.end(); // before the database goes, which would cut its connections
    await db?.drop();
  });

  async function publish(runId: string, retryDelayMs: number, maxAttempts = 3): Promise<void> {
    await pool.query(`INSERT INTO reco_part_runs (run_id, status, partitions, accounts, max_attempts, lease_ms, retry_delay_ms) VALUES ($1, 'running', 1, 10, $2, 30000, $3)`, [runId, maxAttempts, retryDelayMs]);
    await pool.query(`INSERT INTO reco_part_partitions (run_id, idx, first_account, end_account, status, input) VALUES ($1, 0, 0, 10, 'pending', '\\x00'::bytea)`, [runId]);
  }

  it('hands a failed partition out again only after its retry delay, doubled at each attempt', async () => {
    await publish('r-delay', 400);
    const client = await pool.connect();
    try {
      const first = await claimPartition(client, 'w1', 't1', 'r-delay');
      expect(first?.attempt).to.equal(1);
      await failPartition(pool, first!, 'boom 1');
      const failedAt = Date.now();
      // An idle worker looks again at once: nothing to claim until the delay has passed.
      expect(await claimPartition(client, 'w2', 't2', 'r-delay')).to.equal(null);
      let second = null;
      while (!second) {
        second = await claimPartition(client, 'w2', 't2', 'r-delay');
        if (!second) await new Promise((r) => setTimeout(r, 25));
      }
      expect(Date.now() - failedAt).to.be.at.least(350);
      expect(second.attempt).to.equal(2);
      await failPartition(pool, second, 'boom 2');
      const { rows } = await pool.query<{ wait: number; last_error: string; status: string }>(
        `SELECT EXTRACT(EPOCH FROM (not_before - clock_timestamp())) * 1000 AS wait, last_error, status FROM reco_part_partitions WHERE run_id = 'r-delay'`,
      );
      expect(rows[0].status).to.equal('pending');
      expect(rows[0].last_error).to.equal('boom 2');
      // Second failure: twice the delay (800 ms), less the few ms since.
      expect(Number(rows[0].wait)).to.be.within(600, 800);
    } finally {
      client.release();
    }
  });

  it('marks the partition failed at its last attempt, with no wait left to serve', async () => {
    await publish('r-last', 10, 1);
    const client = await pool.connect();
    try {
      const only = await claimPartition(client, 'w1', 't1', 'r-last');
      await failPartition(pool, only!, 'fatal');
      const { rows } = await pool.query<{ status: string; last_error: string }>(`SELECT status, last_error FROM reco_part_partitions WHERE run_id = 'r-last'`);
      expect(rows[0]).to.deep.equal({ status: 'failed', last_error: 'fatal' });
      await new Promise((r) => setTimeout(r, 30));
      expect(await claimPartition(client, 'w2', 't2', 'r-last')).to.equal(null);
    } finally {
      client.release();
    }
  });
});

describe('scale: a worker when PostgreSQL drops its connections', function () {
  this.timeout(60_000);
  const db = useTestDatabase();

  it('keeps waiting for its run through dropped connections, idle or mid-query, and ends when the run does', async () => {
    const logs: string[] = [];
    const admin = new pg.Client({ connectionString: db().url });
    await admin.connect();
    try {
      const stats = runWorker({ url: db().url, runId: 'r-later', pollMs: 10, log: (m) => logs.push(m) });
      // Once it polls (its schema set-up done, where a failure is reported at once): its last query is a claim.
      for (let k = 0; ; k++) {
        if (k > 1000) throw new Error('the worker never polled');
        const { rowCount } = await admin.query(`SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'reco-part-worker %' AND (query LIKE '%SKIP LOCKED%' OR query LIKE '%SELECT status FROM reco_part_runs%')`);
        if (rowCount) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      let dropped = 0;
      for (let k = 0; k < 400 && dropped < 5; k++) {
        await new Promise((r) => setTimeout(r, 15));
        const { rowCount } = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'reco-part-worker %' AND datname = current_database()`);
        dropped += rowCount ?? 0;
      }
      expect(dropped, 'connections were dropped under the worker').to.be.at.least(5);
      await admin.query(`INSERT INTO reco_part_runs (run_id, status, partitions, accounts, max_attempts, lease_ms) VALUES ('r-later', 'done', 0, 0, 3, 30000)`);
      const s = await stats;
      expect(s.partitions).to.equal(0);
      expect(s.failures).to.equal(0);
      expect(logs.some((m) => /unreachable|lost while idle/.test(m))).to.equal(true);
    } finally {
      await admin.end();
    }
  });
});
