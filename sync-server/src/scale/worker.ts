// A partition worker: claims partitions of the model step from the queue, computes them and stores each
// result with the partition's completion. It renews its lease between batches of accounts, so a worker that
// dies (or hangs) loses its partition to another after one lease; an error is recorded on the partition,
// which goes back to the queue until its attempts are used up. Memory: the shared artifact of the run it is
// working on (cached for its next partition) and one partition's input and output.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { unpackBlob } from './blob.js';
import { storedBytes } from './frame.js';
import type { PartitionInput, SharedArtifact } from './artifacts.js';
import { runPartition } from './partition-work.js';
import { OutputWriter } from './output-codec.js';
import { ABANDONED, abandonOrphanedRuns, claimPartition, completePartition, coordinatorAlive, ensureSchema, failPartition, queuePool, renewLease, type Claim } from './queue.js';

export type WorkerOptions = {
  url: string;
  /** Only this run's partitions (waiting for it to be published), and stop once it ends: a worker its coordinator started. */
  runId?: string;
  pollMs?: number;
  /** Without runId: stop when no run has work left, instead of waiting for the next one. */
  exitWhenIdle?: boolean;
  log?: (message: string) => void;
  /** Stop taking partitions (the one in hand is finished and stored first): SIGTERM of a standalone worker. */
  signal?: AbortSignal;
};

/**
 * `cpuMs`: the whole process's; `partitionCpuMs`: only what computing and storing partitions took (from taking a
 * partition to storing its result), without start-up and waiting for work, which happen while the coordinator
 * builds the whole-org part.
 */
export type WorkerStats = { worker: string; pid: number; partitions: number; accounts: number; lostClaims: number; failures: number; wallMs: number; cpuMs: number; partitionCpuMs: number; peakRssMb: number };

/** How a worker process reports its figures at exit: one line on stdout (coordinator.ts reads it). */
export const WORKER_STATS_PREFIX = 'RECO_WORKER_STATS ';

class LostClaim extends Error {}

export async function runWorker(o: WorkerOptions): Promise<WorkerStats> {
  const worker = `${hostname()}:${process.pid}`;
  const started = performance.now();
  const log = o.log ?? (() => undefined);
  const pool = queuePool(o.url, 2, `reco-part-worker ${process.pid}`, (e) => log(`a connection to the queue was lost while idle: ${e.message}`));
  const stats: WorkerStats = { worker, pid: process.pid, partitions: 0, accounts: 0, lostClaims: 0, failures: 0, wallMs: 0, cpuMs: 0, partitionCpuMs: 0, peakRssMb: 0 };
  let cached: { runId: string; shared: SharedArtifact } | null = null;
  const lines = new OutputWriter();
  const sharedFor = async (runId: string): Promise<SharedArtifact> => {
    if (cached?.runId === runId) return cached.shared;
    cached = null; // the previous run's artifact, collectable before the next one loads
    const where = `run ${runId}: shared artifact`;
    const shared = unpackBlob<SharedArtifact>(storedBytes(await artifact(pool, runId), where), where);
    cached = { runId, shared };
    return shared;
  };
  try {
    await ensureSchema(pool);
    let outageSince: number | null = null;
    while (!o.signal?.aborted) {
      let claim: Claim | null;
      try {
        claim = await claimNext(pool, worker, o.runId);
        if (!claim && (await finished(pool, o))) break;
        outageSince = null;
      } catch (e) {
        // The queue unreachable for a while (PostgreSQL restarting, failing over): keep looking, as a worker on
        // another machine has nobody to restart it; give up only after OUTAGE_MS of nothing but failures.
        if (!isConnectionLoss(e)) throw e;
        outageSince ??= performance.now();
        if (performance.now() - outageSince > OUTAGE_MS) throw new Error(`the queue has been unreachable for ${OUTAGE_MS / 1000} s: ${(e as Error).message}`);
        log(`the queue is unreachable (${(e as Error).message}); trying again`);
        claim = null;
      }
      if (!claim) {
        await pause(o.pollMs ?? 200, o.signal);
        continue;
      }
      const cpuAtClaim = process.cpuUsage();
      try {
        const shared = await sharedFor(claim.runId);
        const input = await partitionBlob(pool, claim);
        const where = `run ${claim.runId}: partition ${claim.idx} input`;
        const part = unpackBlob<PartitionInput>(storedBytes(input, where), where);
        let renewed = performance.now();
        const result = await runPartition(shared, part, async () => {
          if (performance.now() - renewed < claim.leaseMs / 3) return;
          if (!(await renewLease(pool, claim))) throw new LostClaim();
          renewed = performance.now();
        }, lines);
        const db2 = await pool.connect();
        try {
          if (await completePartition(db2, claim, worker, result)) {
            stats.partitions++;
            stats.accounts += result.accounts;
          } else stats.lostClaims++;
        } finally {
          db2.release();
        }
      } catch (e) {
        if (e instanceof LostClaim) {
          stats.lostClaims++;
          continue;
        }
        stats.failures++;
        const message = e instanceof Error ? e.message : String(e);
        log(`partition ${claim.idx} of run ${claim.runId} failed on attempt ${claim.attempt}: ${message}`);
        await failPartition(pool, claim, message);
      } finally {
        const used = process.cpuUsage(cpuAtClaim);
        stats.partitionCpuMs += (used.user + used.system) / 1000;
      }
    }
  } finally {
    await pool.end();
  }
  const cpu = process.cpuUsage();
  stats.wallMs = Math.round(performance.now() - started);
  stats.cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  stats.partitionCpuMs = Math.round(stats.partitionCpuMs);
  stats.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  return stats;
}

const OUTAGE_MS = 120_000;

async function claimNext(pool: pg.Pool, worker: string, runId: string | undefined): Promise<Claim | null> {
  const db = await pool.connect();
  try {
    const claim = await claimPartition(db, worker, randomUUID(), runId);
    db.release();
    return claim;
  } catch (e) {
    db.release(e as Error); // a client that failed goes, rather than back to the pool
    throw e;
  }
}

/** Errors of the connection, not of the query: node's socket errors, pg's own, and SQLSTATE classes 08 and 57P. */
function isConnectionLoss(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (/^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT)$/.test(code) || /^(08|57P)/.test(code))) return true;
  return e instanceof Error && /Connection terminated|connection timeout|Client has encountered a connection error/i.test(e.message);
}

/** A worker started for one run gives up on it: the run's coordinator is gone, nobody will collect its output. */
export class CoordinatorGoneError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'CoordinatorGoneError';
  }
}

async function finished(db: pg.Pool, o: WorkerOptions): Promise<boolean> {
  if (o.runId) {
    const runId = o.runId;
    // The lease before the row: a coordinator settles its run's status before it lets the lease go, so once the
    // lease is seen free the row says how the run ended, or that nobody ended it.
    const alive = await coordinatorAlive(db, runId);
    const { rows } = await db.query<{ status: string; partitions: number }>('SELECT status, partitions FROM reco_part_runs WHERE run_id = $1', [runId]);
    const run = rows[0];
    if (run?.status === 'abandoned') throw new CoordinatorGoneError(`run ${runId}: ${ABANDONED}`);
    if (run && run.status !== 'running') return true;
    // Running, or not published yet (workers are started while their coordinator builds the whole-org part).
    if (alive) return false;
    if (!run) throw new CoordinatorGoneError(`run ${runId}: its coordinator is gone before publishing the run (no process holds its lease): there is nothing to compute`);
    // The claim that just found nothing marked it abandoned unless the coordinator died since: mark it now.
    await abandonOrphanedRuns(db);
    const { rows: done } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM reco_part_partitions WHERE run_id = $1 AND status = 'done'`, [runId]);
    throw new CoordinatorGoneError(`run ${runId}: ${ABANDONED}; ${done[0]?.n ?? 0} of ${run.partitions} partitions were done, and are left for the next run to replace`);
  }
  if (!o.exitWhenIdle) return false;
  const { rows } = await db.query(
    `SELECT 1 FROM reco_part_partitions p JOIN reco_part_runs r USING (run_id)
      WHERE r.status = 'running' AND p.status IN ('pending', 'running') LIMIT 1`,
  );
  return rows.length === 0;
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

async function artifact(db: pg.Pool, runId: string): Promise<Buffer> {
  const { rows } = await db.query<{ bytes: Buffer }>(`SELECT bytes FROM reco_part_artifacts WHERE run_id = $1 AND name = 'shared'`, [runId]);
  if (!rows[0]) throw new Error(`run ${runId}: the coordinator published no shared artifact`);
  return rows[0].bytes;
}

async function partitionBlob(db: pg.Pool, claim: Claim): Promise<Buffer> {
  const { rows } = await db.query<{ input: Buffer }>('SELECT input FROM reco_part_partitions WHERE run_id = $1 AND idx = $2', [claim.runId, claim.idx]);
  if (!rows[0]) throw new Error(`run ${claim.runId}: partition ${claim.idx} has no input`);
  return rows[0].input;
}
