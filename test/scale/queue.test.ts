import { expect } from 'chai';
import pg from 'pg';
import { postgresAdvisoryLease, type RunLease } from '../../sync-server/src/mirror/run-lease.js';
import { abandonOrphanedRuns, claimPartition, coordinatorAlive, coordinatorLease, coordinatorLockKey, ensureSchema, failPartition, renewLease } from '../../sync-server/src/scale/queue.js';
import { runWorker } from '../../sync-server/src/scale/worker.js';
import { createTestDatabase, useTestDatabase, type TestDatabase } from '../support/postgres.js';

describe('scale: the partition queue', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let pool: pg.Pool;
  const leases: RunLease[] = [];
  before(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    await ensureSchema(pool);
  });
  after(async () => {
    for (const l of leases) await l.close();
    await pool?.end(); // before the database goes, which would cut its connections
    await db?.drop();
  });

  /** The run's coordinator lease, on a session of its own, as a coordinator holds it. */
  async function lease(runId: string): Promise<RunLease> {
    const l = postgresAdvisoryLease(db.url, coordinatorLease(runId), { name: `test-coordinator ${runId}`, what: `the coordinator lease of ${runId}`, heartbeatMs: 100 });
    leases.push(l);
    expect(await l.acquire()).to.equal(true);
    return l;
  }

  /** A run of `partitions` partitions as a coordinator publishes it; `coordinator: false` leaves its lease untaken. */
  async function publish(runId: string, retryDelayMs: number, maxAttempts = 3, { partitions = 1, coordinator = true } = {}): Promise<RunLease | null> {
    const held = coordinator ? await lease(runId) : null;
    await pool.query(`INSERT INTO reco_part_runs (run_id, status, partitions, accounts, max_attempts, lease_ms, retry_delay_ms, lock_key) VALUES ($1, 'running', $4, 10, $2, 30000, $3, $5)`, [runId, maxAttempts, retryDelayMs, partitions, coordinatorLockKey(runId)]);
    for (let k = 0; k < partitions; k++) {
      await pool.query(`INSERT INTO reco_part_partitions (run_id, idx, first_account, end_account, status, input) VALUES ($1, $2, 0, 10, 'pending', '\\x00'::bytea)`, [runId, k]);
    }
    return held;
  }

  const runStatus = async (runId: string): Promise<{ status: string; error: string | null }> =>
    (await pool.query<{ status: string; error: string | null }>('SELECT status, error FROM reco_part_runs WHERE run_id = $1', [runId])).rows[0];

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

  it('skips and marks abandoned a run whose coordinator is gone, and serves the live run behind it', async () => {
    await pool.query(`UPDATE reco_part_runs SET status = 'done' WHERE run_id IN ('r-delay', 'r-last')`); // the tests above
    // The older run: published, then its coordinator's session ended (the process died) with a partition left.
    const dead = await publish('r-dead', 10, 3, { partitions: 2 });
    await new Promise((r) => setTimeout(r, 5)); // created_at orders the runs: the dead one is the older
    await publish('r-live', 10, 3, { partitions: 1 });
    const client = await pool.connect();
    try {
      expect(await coordinatorAlive(pool, 'r-dead')).to.equal(true);
      const first = await claimPartition(client, 'w1', 't1');
      expect(first).to.include({ runId: 'r-dead', idx: 0 });
      await dead!.close();
      expect(await coordinatorAlive(pool, 'r-dead')).to.equal(false);
      // The dead run's second partition is not handed out: the live run's is, and the dead run is marked.
      const next = await claimPartition(client, 'w1', 't2');
      expect(next).to.include({ runId: 'r-live', idx: 0 });
      const marked = await runStatus('r-dead');
      expect(marked.status).to.equal('abandoned');
      expect(marked.error).to.match(/^abandoned: its coordinator is gone/);
      expect((await runStatus('r-live')).status).to.equal('running');
      // The worker holding the dead run's partition learns at its next renewal that the work is wasted.
      expect(await renewLease(pool, first!)).to.equal(false);
      expect(await renewLease(pool, next!)).to.equal(true);
      expect(await claimPartition(client, 'w1', 't3')).to.equal(null);
    } finally {
      client.release();
    }
  });

  it('marks abandoned a run published with no coordinator lease at all (a coordinator from before leases)', async () => {
    await publish('r-unleased', 10, 3, { coordinator: false });
    await pool.query(`UPDATE reco_part_runs SET lock_key = NULL WHERE run_id = 'r-unleased'`);
    expect(await abandonOrphanedRuns(pool)).to.deep.equal(['r-unleased']);
    expect((await runStatus('r-unleased')).status).to.equal('abandoned');
    // Done runs and live ones are never caught.
    expect(await abandonOrphanedRuns(pool)).to.deep.equal([]);
    expect((await runStatus('r-live')).status).to.equal('running');
  });

  it('sees the lease end when PostgreSQL ends the coordinator\'s session (as on a kill), not only on a clean close', async () => {
    await publish('r-terminated', 10);
    expect(await coordinatorAlive(pool, 'r-terminated')).to.equal(true);
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = 'test-coordinator r-terminated' AND datname = current_database()`,
    );
    expect(rows[0].n).to.equal(1);
    for (let k = 0; k < 100 && (await coordinatorAlive(pool, 'r-terminated')); k++) await new Promise((r) => setTimeout(r, 20));
    expect(await coordinatorAlive(pool, 'r-terminated')).to.equal(false);
    expect(await abandonOrphanedRuns(pool)).to.deep.equal(['r-terminated']);
  });

  it('upgrades a queue made before coordinator leases: the lease key column, and abandoned as a status', async () => {
    const old = await createTestDatabase();
    const c = new pg.Client({ connectionString: old.url });
    await c.connect();
    try {
      // reco_part_runs as the first version made it.
      await c.query(`CREATE TABLE reco_part_runs (run_id text PRIMARY KEY, status text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
        partitions integer NOT NULL, accounts integer NOT NULL, max_attempts integer NOT NULL, lease_ms integer NOT NULL, error text,
        created_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz)`);
      await c.query(`INSERT INTO reco_part_runs (run_id, status, partitions, accounts, max_attempts, lease_ms) VALUES ('r-old', 'running', 1, 1, 3, 30000)`);
      await ensureSchema(c);
      await ensureSchema(c); // a second process starting finds nothing left to do
      expect(await abandonOrphanedRuns(c)).to.deep.equal(['r-old']);
      const { rows } = await c.query<{ def: string }>(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'reco_part_runs'::regclass AND contype = 'c'`);
      expect(rows.map((r) => r.def)).to.have.length(1);
      expect(rows[0].def).to.contain('abandoned');
    } finally {
      await c.end();
      await old.drop();
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
    // Its coordinator is alive (it holds the run's lease) and still preparing: the run is not published yet.
    const coordinator = postgresAdvisoryLease(db().url, coordinatorLease('r-later'), { name: 'test-coordinator r-later', what: 'the coordinator lease of r-later', heartbeatMs: 100 });
    expect(await coordinator.acquire()).to.equal(true);
    try {
      const stats = runWorker({ url: db().url, runId: 'r-later', pollMs: 10, log: (m) => logs.push(m) });
      // Once it polls (its schema set-up done, where a failure is reported at once): its last query is a claim.
      for (let k = 0; ; k++) {
        if (k > 1000) throw new Error('the worker never polled');
        const { rowCount } = await admin.query(`SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'reco-part-worker %' AND (query LIKE '%SKIP LOCKED%' OR query LIKE '%FROM reco_part_runs WHERE run_id%')`);
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
      await coordinator.close();
      await admin.end();
    }
  });
});
