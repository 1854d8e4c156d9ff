// The partition queue of the model step, in PostgreSQL tables of its own (reco_part_*): a run, its shared
// artifact, and one row per partition (a range of accounts) that worker processes claim with
// `FOR UPDATE SKIP LOCKED` and hold under a lease they renew while they work. A worker that dies (kill -9)
// stops renewing; once its lease has run out the partition is claimable again. Every claim counts an attempt
// and carries a fresh token: a result is stored only by the holder of the current claim, in the same
// transaction that marks the partition done, keyed by (run, partition), so a retry never stores a second one.
// The run itself has a coordinator lease: a session-level advisory lock its coordinator holds from before the
// run is published until it has collected the output (mirror/run-lease.ts). PostgreSQL frees it the moment that
// session ends, so a run whose coordinator died is seen at once: workers mark it abandoned and stop serving it.
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { AdvisoryKey } from '../mirror/run-lease.js';

export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/**
 * A pool for the queue whose lost connections are errors of the queries that used them, never of the process.
 * pg reports a connection PostgreSQL drops (a restart, a failover, pg_terminate_backend) as an 'error' event: on
 * the pool while the client is idle, on the client while it is checked out. Either one with no listener ends the
 * process. The query in flight fails on its own, and a failed client is not reused.
 */
export function queuePool(url: string, max: number, applicationName: string, onIdleLoss: (e: Error) => void = () => undefined): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, application_name: applicationName });
  pool.on('error', onIdleLoss);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS reco_part_runs (
    run_id text PRIMARY KEY,
    status text NOT NULL CONSTRAINT reco_part_runs_status_check CHECK (status IN ('running', 'done', 'failed', 'abandoned')),
    partitions integer NOT NULL,
    accounts integer NOT NULL,
    max_attempts integer NOT NULL,
    lease_ms integer NOT NULL,
    retry_delay_ms integer NOT NULL DEFAULT 1000,
    lock_key integer,
    error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
  )`,
  `CREATE TABLE IF NOT EXISTS reco_part_artifacts (
    run_id text NOT NULL REFERENCES reco_part_runs ON DELETE CASCADE,
    name text NOT NULL,
    bytes bytea NOT NULL,
    PRIMARY KEY (run_id, name)
  )`,
  `CREATE TABLE IF NOT EXISTS reco_part_partitions (
    run_id text NOT NULL REFERENCES reco_part_runs ON DELETE CASCADE,
    idx integer NOT NULL,
    first_account integer NOT NULL,
    end_account integer NOT NULL,
    status text NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    claim_token text,
    worker text,
    lease_until timestamptz,
    last_error text,
    not_before timestamptz,
    input bytea NOT NULL,
    PRIMARY KEY (run_id, idx)
  )`,
  // Tables made before retries waited (same names, so CREATE IF NOT EXISTS keeps the old shape).
  `ALTER TABLE reco_part_runs ADD COLUMN IF NOT EXISTS retry_delay_ms integer NOT NULL DEFAULT 1000`,
  `ALTER TABLE reco_part_partitions ADD COLUMN IF NOT EXISTS not_before timestamptz`,
  // ... and before coordinator leases: a run can now be abandoned, and names the lock its coordinator holds.
  `ALTER TABLE reco_part_runs ADD COLUMN IF NOT EXISTS lock_key integer`,
  `DO $$ BEGIN
     IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'reco_part_runs'::regclass AND conname = 'reco_part_runs_status_check'
                      AND pg_get_constraintdef(oid) LIKE '%abandoned%') THEN
       ALTER TABLE reco_part_runs DROP CONSTRAINT IF EXISTS reco_part_runs_status_check;
       ALTER TABLE reco_part_runs ADD CONSTRAINT reco_part_runs_status_check CHECK (status IN ('running', 'done', 'failed', 'abandoned'));
     END IF;
   END $$`,
  // Claims look for the oldest run's next partition that is pending or whose lease ran out.
  `CREATE INDEX IF NOT EXISTS reco_part_partitions_claimable ON reco_part_partitions (status, run_id, idx) WHERE status IN ('pending', 'running')`,
  `CREATE TABLE IF NOT EXISTS reco_part_results (
    run_id text NOT NULL REFERENCES reco_part_runs ON DELETE CASCADE,
    idx integer NOT NULL,
    accounts integer NOT NULL,
    recommendations integer NOT NULL,
    shadow integer NOT NULL,
    digests bytea NOT NULL,
    output bytea NOT NULL,
    worker text NOT NULL,
    PRIMARY KEY (run_id, idx)
  )`,
];

/** Creates the tables when missing (any number of processes may call it at once). */
export async function ensureSchema(db: Queryable): Promise<void> {
  // Concurrent CREATE ... IF NOT EXISTS can still collide on the catalogue; one advisory lock serialises them.
  await db.query('SELECT pg_advisory_lock(hashtext($1))', ['reco_part_schema']);
  try {
    for (const sql of SCHEMA) await db.query(sql);
    // Stored as they come (out of line, not compressed again): outputs and inputs are zstd frames already
    // (frame.ts), which pglz or lz4 would only spend the server's CPU on.
    await db.query('ALTER TABLE reco_part_results ALTER COLUMN output SET STORAGE EXTERNAL');
    await db.query('ALTER TABLE reco_part_partitions ALTER COLUMN input SET STORAGE EXTERNAL');
  } finally {
    await db.query('SELECT pg_advisory_unlock(hashtext($1))', ['reco_part_schema']);
  }
}

/** 'RCPT': the advisory lock class of coordinator leases (the run lease of the replicas is 'RECO', 1). */
export const COORDINATOR_LOCK_CLASS = 0x52435054;

/**
 * The coordinator lease's key for a run id: 31 bits of its SHA-256, so it is the same in every process and
 * positive in both int4 and oid. Two live runs sharing a key is excluded by the coordinator (it takes the lock
 * before publishing, and picks another run id if it is held).
 */
export function coordinatorLockKey(runId: string): number {
  return createHash('sha256').update(runId).digest().readUInt32BE(0) >>> 1;
}

export function coordinatorLease(runId: string): AdvisoryKey {
  return [COORDINATOR_LOCK_CLASS, coordinatorLockKey(runId)];
}

/** The keys of the coordinator leases held right now, in this database. */
const HELD_KEYS = `SELECT l.objid::int8 FROM pg_locks l
   WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ${COORDINATOR_LOCK_CLASS} AND l.objsubid = 2
     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/** Why a run is abandoned, as its error says. */
export const ABANDONED = 'abandoned: its coordinator is gone (its lease on PostgreSQL ended: the process died or lost its session) before the run was collected';

/**
 * Marks abandoned every running run whose coordinator no longer holds its lease (a run without a lease key was
 * made before leases existed, by a coordinator that cannot be told alive: abandoned too). Returns their ids.
 * A coordinator marks its run done or failed before it lets the lease go, so a finished run is never caught.
 */
export async function abandonOrphanedRuns(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ run_id: string }>(
    `UPDATE reco_part_runs SET status = 'abandoned', error = $1, finished_at = now()
      WHERE status = 'running' AND (lock_key IS NULL OR lock_key::int8 NOT IN (${HELD_KEYS}))
      RETURNING run_id`,
    [ABANDONED],
  );
  return rows.map((r) => r.run_id);
}

/** True while some session holds the run's coordinator lease. */
export async function coordinatorAlive(db: Queryable, runId: string): Promise<boolean> {
  const { rows } = await db.query<{ alive: boolean }>(`SELECT $1::int8 IN (${HELD_KEYS}) AS alive`, [coordinatorLockKey(runId)]);
  return rows[0]?.alive === true;
}

export type Claim = { runId: string; idx: number; first: number; end: number; attempt: number; token: string; leaseMs: number };

/**
 * Claims the next partition of a running run: a pending one, or one whose lease ran out (its worker died).
 * A partition that has used up its attempts is marked failed instead of being handed out again. Runs whose
 * coordinator is gone are marked abandoned first, in the same transaction, so none of their partitions is
 * handed out: nobody would collect it, and an older dead run would otherwise come before the live one.
 */
export async function claimPartition(db: pg.PoolClient, worker: string, token: string, runId?: string): Promise<Claim | null> {
  for (;;) {
    await db.query('BEGIN');
    try {
      await abandonOrphanedRuns(db);
      const { rows } = await db.query<{ run_id: string; idx: number; first_account: number; end_account: number; attempts: number; max_attempts: number; lease_ms: number; last_error: string | null; status: string }>(
        `SELECT p.run_id, p.idx, p.first_account, p.end_account, p.attempts, p.status, p.last_error, r.max_attempts, r.lease_ms
           FROM reco_part_partitions p JOIN reco_part_runs r USING (run_id)
          WHERE r.status = 'running' AND ($1::text IS NULL OR p.run_id = $1)
            AND ((p.status = 'pending' AND (p.not_before IS NULL OR p.not_before <= clock_timestamp()))
                 OR (p.status = 'running' AND p.lease_until < clock_timestamp()))
          ORDER BY r.created_at, p.run_id, p.idx
          LIMIT 1
          FOR UPDATE OF p SKIP LOCKED`,
        [runId ?? null],
      );
      const p = rows[0];
      if (!p) {
        await db.query('COMMIT');
        return null;
      }
      if (p.attempts >= p.max_attempts) {
        // Its last holder died with no attempt left: the run cannot finish, and the error says where it stopped.
        const error = p.status === 'running' ? `its worker stopped renewing the lease (attempt ${p.attempts} of ${p.max_attempts})` : (p.last_error ?? 'no attempts left');
        await db.query(`UPDATE reco_part_partitions SET status = 'failed', last_error = $3 WHERE run_id = $1 AND idx = $2`, [p.run_id, p.idx, error]);
        await db.query('COMMIT');
        continue;
      }
      await db.query(
        `UPDATE reco_part_partitions
            SET status = 'running', attempts = attempts + 1, claim_token = $3, worker = $4,
                lease_until = clock_timestamp() + make_interval(secs => $5::double precision / 1000)
          WHERE run_id = $1 AND idx = $2`,
        [p.run_id, p.idx, token, worker, p.lease_ms],
      );
      await db.query('COMMIT');
      return { runId: p.run_id, idx: p.idx, first: p.first_account, end: p.end_account, attempt: p.attempts + 1, token, leaseMs: p.lease_ms };
    } catch (e) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }
}

/**
 * Extends the lease; false when the claim is no longer this worker's (its lease ran out and another took it), or
 * its run has ended (failed, or abandoned by its coordinator): the rest of the partition would be wasted work.
 */
export async function renewLease(db: Queryable, claim: Claim): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE reco_part_partitions p SET lease_until = clock_timestamp() + make_interval(secs => $4::double precision / 1000)
       FROM reco_part_runs r
      WHERE r.run_id = p.run_id AND r.status = 'running'
        AND p.run_id = $1 AND p.idx = $2 AND p.claim_token = $3 AND p.status = 'running'`,
    [claim.runId, claim.idx, claim.token, claim.leaseMs],
  );
  return rowCount === 1;
}

export type PartitionResult = { accounts: number; recommendations: number; shadow: number; digests: Buffer; output: Buffer };

/**
 * Stores a partition's result and marks it done, in one transaction, if this worker still holds the claim.
 * Returns false (and stores nothing) when it does not: a retry already owns the partition, or finished it.
 */
export async function completePartition(db: pg.PoolClient, claim: Claim, worker: string, result: PartitionResult): Promise<boolean> {
  await db.query('BEGIN');
  try {
    const { rowCount } = await db.query(
      `UPDATE reco_part_partitions SET status = 'done', lease_until = NULL
        WHERE run_id = $1 AND idx = $2 AND claim_token = $3 AND status = 'running'`,
      [claim.runId, claim.idx, claim.token],
    );
    if (rowCount !== 1) {
      await db.query('ROLLBACK');
      return false;
    }
    await db.query(
      `INSERT INTO reco_part_results (run_id, idx, accounts, recommendations, shadow, digests, output, worker)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (run_id, idx) DO NOTHING`,
      [claim.runId, claim.idx, result.accounts, result.recommendations, result.shadow, result.digests, result.output, worker],
    );
    await db.query('COMMIT');
    return true;
  } catch (e) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/**
 * Records a failed attempt: back to pending for another worker, or failed once the attempts are used up.
 * The retry waits (the run's retry delay, doubling with each attempt, at most a minute): what makes a partition
 * fail once (a database restart, a neighbour eating the memory) takes time to clear, and an idle worker
 * reclaiming it at once would spend every attempt within milliseconds.
 */
export async function failPartition(db: Queryable, claim: Claim, error: string): Promise<void> {
  await db.query(
    `UPDATE reco_part_partitions p
        SET status = CASE WHEN p.attempts >= r.max_attempts THEN 'failed' ELSE 'pending' END,
            not_before = clock_timestamp() + make_interval(secs => LEAST(60, r.retry_delay_ms * power(2, GREATEST(p.attempts - 1, 0)) / 1000.0)),
            last_error = $4, lease_until = NULL, claim_token = NULL
       FROM reco_part_runs r
      WHERE p.run_id = r.run_id AND p.run_id = $1 AND p.idx = $2 AND p.claim_token = $3`,
    [claim.runId, claim.idx, claim.token, error.slice(0, 4000)],
  );
}

/**
 * A run that ended without being collected (abandoned: its coordinator died; or failed) and had the same accounts,
 * partitions and shared artifact, byte for byte, as the run being published: its done partitions whose input is
 * also byte for byte the same hold exactly the results this run would compute (a partition's output is a function
 * of the two, and the shared artifact names Reco's version), so a coordinator that takes a dead one's work over
 * does not compute them again. The newest such run, or null.
 */
export async function findReusableRun(db: Queryable, shared: Buffer, partitions: number, accounts: number): Promise<string | null> {
  const { rows } = await db.query<{ run_id: string }>(
    `SELECT r.run_id FROM reco_part_runs r JOIN reco_part_artifacts a ON a.run_id = r.run_id AND a.name = 'shared'
      WHERE r.status IN ('abandoned', 'failed') AND r.partitions = $1 AND r.accounts = $2 AND a.bytes = $3
        AND EXISTS (SELECT 1 FROM reco_part_results res WHERE res.run_id = r.run_id)
      ORDER BY r.created_at DESC LIMIT 1`,
    [partitions, accounts, shared],
  );
  return rows[0]?.run_id ?? null;
}

export type NewPartition = { runId: string; idx: number; first: number; end: number; input: Buffer };

/**
 * Publishes one partition: pending, or done at once with `donor`'s result when that run's partition covered the
 * same accounts from the same input (findReusableRun). The input is sent once and compared inside PostgreSQL, the
 * result copied there too, all in one transaction, so a worker never sees a pending partition that is already
 * done. Returns whether it was reused.
 */
export async function publishPartition(db: pg.PoolClient, p: NewPartition, donor: string | null): Promise<boolean> {
  const insert = (): Promise<unknown> =>
    db.query(`INSERT INTO reco_part_partitions (run_id, idx, first_account, end_account, status, input) VALUES ($1, $2, $3, $4, 'pending', $5)`, [p.runId, p.idx, p.first, p.end, p.input]);
  if (!donor) {
    await insert();
    return false;
  }
  await db.query('BEGIN');
  try {
    await insert();
    const { rowCount } = await db.query(
      `INSERT INTO reco_part_results (run_id, idx, accounts, recommendations, shadow, digests, output, worker)
       SELECT n.run_id, n.idx, res.accounts, res.recommendations, res.shadow, res.digests, res.output, res.worker
         FROM reco_part_partitions n
         JOIN reco_part_partitions d ON d.run_id = $2 AND d.idx = n.idx AND d.first_account = n.first_account AND d.end_account = n.end_account AND d.input = n.input
         JOIN reco_part_results res ON res.run_id = d.run_id AND res.idx = d.idx
        WHERE n.run_id = $1 AND n.idx = $3`,
      [p.runId, donor, p.idx],
    );
    const reused = rowCount === 1;
    if (reused) await db.query(`UPDATE reco_part_partitions SET status = 'done' WHERE run_id = $1 AND idx = $2`, [p.runId, p.idx]);
    await db.query('COMMIT');
    return reused;
  } catch (e) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

export type Progress = { pending: number; running: number; done: number; failed: { idx: number; first: number; end: number; attempts: number; error: string | null }[] };

export async function runProgress(db: Queryable, runId: string): Promise<Progress> {
  const { rows } = await db.query<{ idx: number; status: string; first_account: number; end_account: number; attempts: number; last_error: string | null }>(
    'SELECT idx, status, first_account, end_account, attempts, last_error FROM reco_part_partitions WHERE run_id = $1 ORDER BY idx',
    [runId],
  );
  const out: Progress = { pending: 0, running: 0, done: 0, failed: [] };
  for (const r of rows) {
    if (r.status === 'failed') out.failed.push({ idx: r.idx, first: r.first_account, end: r.end_account, attempts: r.attempts, error: r.last_error });
    else out[r.status as 'pending' | 'running' | 'done']++;
  }
  return out;
}

/**
 * Deletes finished runs (done or failed) beyond the newest `keep`, with their artifacts, inputs and results:
 * a run's rows are ~1 KB per account, so an org that runs daily would otherwise grow by that every day.
 * A running run is never touched. Returns how many runs were deleted.
 */
export async function pruneRuns(db: Queryable, keep: number): Promise<number> {
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`keepRuns must be a positive integer, got ${keep}`);
  const { rowCount } = await db.query(
    `DELETE FROM reco_part_runs WHERE status <> 'running' AND run_id NOT IN (
       SELECT run_id FROM reco_part_runs WHERE status <> 'running' ORDER BY created_at DESC, run_id LIMIT $1)`,
    [keep],
  );
  return rowCount ?? 0;
}
