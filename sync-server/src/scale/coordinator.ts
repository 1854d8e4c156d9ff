// The coordinator of the partitioned model step. It builds what needs the whole org (indices, features,
// segments, tuning, churn model, item neighbourhoods and the fitted recommenders) exactly as the one-process
// step does, publishes it once as a shared artifact plus one input per partition (a range of accounts), and
// waits while worker processes (started here, or elsewhere on the same PostgreSQL) compute the partitions.
// The output is then read back in account order: the hash from the per-account digests, and the records
// themselves for a sink. Same output as runModels / runModelsInWorkers for the same dataset and options.
// From before its workers start until the output is collected it holds the run's coordinator lease (queue.ts),
// so when it dies its workers stop waiting for it and the run is marked abandoned instead of being served.
// The coordinator that takes such a run over (a replica resuming the pipeline run) rebuilds the same whole-org
// part from the same mirror: the partitions the dead run finished on identical inputs are taken, not recomputed.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { AccountInsight, Dataset, ModelOutput, Recommendation } from '../domain/types.js';
import { prepare, prepareInWorkers, type ModelContext } from '../models/context.js';
import type { AccountSink, ModelOptions, PreviousInsights } from '../models/run-models.js';
import { BlobPacker, packBlob } from './blob.js';
import { compressFrame } from './frame.js';
import { partitionInput, sharedArtifact } from './artifacts.js';
import { OutputHash } from './output-hash.js';
import { decodeOutput } from './output-codec.js';
import { collectGarbage } from '../lib/collect-garbage.js';
import { postgresAdvisoryLease, type RunLease } from '../mirror/run-lease.js';
import { abandonOrphanedRuns, coordinatorLease, coordinatorLockKey, ensureSchema, findReusableRun, pruneRuns, publishPartition, queuePool, runProgress } from './queue.js';
import { WORKER_STATS_PREFIX, type WorkerStats } from './worker.js';

export type PartitionedOptions = {
  url: string;
  /** Worker processes started here for this run; 0 when workers run elsewhere (worker-main.ts). */
  workers: number;
  partitionAccounts?: number; // default 5,000
  maxAttempts?: number; // per partition, default 3
  leaseMs?: number; // a silent worker's partition is claimable again after this long; default 30 s
  retryDelayMs?: number; // a failed partition waits this long before its 2nd attempt, doubling after; default 1 s
  /** Worker threads for the item neighbourhoods while this process builds the rest (as runModelsInWorkers). */
  threads?: number;
  timeoutMs?: number; // the whole wait for the partitions; default none
  /**
   * Fail when no partition has been running or finished for this long (no worker serves the queue: with
   * `workers: 0`, none was started elsewhere). Default none: wait.
   */
  idleTimeoutMs?: number;
  /**
   * V8 old-space limit of the worker processes started here (MB, default 1024). A worker holds the shared
   * artifact and one partition whatever the org's size, so a fixed limit holds at any size; without it a
   * worker inherits the parent's (the bench raises it for the one-process step) and grows lazily towards it.
   */
  workerHeapMb?: number;
  /** Finished runs kept in PostgreSQL (their results are the output); older ones are deleted. Default 3. */
  keepRuns?: number;
  /** Called once every partition is published (workers started here may already be computing some). */
  onPublished?: (run: { runId: string; pool: pg.Pool; reused: PartitionedResult['reused'] }) => Promise<void> | void;
  /** Called after onPublished, with the worker processes started here (e.g. to follow or disturb them). */
  onStarted?: (run: { runId: string; pool: pg.Pool; workers: ChildProcess[] }) => Promise<void> | void;
  /** Runs a previous coordinator left behind (it died) and this one marked abandoned before starting its own. */
  onAbandoned?: (runIds: string[]) => void;
  /** false: only the hash and counts are read back (the records stay in PostgreSQL for whoever writes them out). */
  readOutput?: boolean;
};

export type PartitionedResult = {
  runId: string;
  hash: string;
  output: ModelOutput;
  workers: WorkerStats[];
  timings: { load: number; prepare: number; publish: number; partitions: number; merge: number; total: number };
  artifactBytes: { shared: number; inputs: number };
  /** Partitions not computed again: done by a dead coordinator's run on the same inputs (queue.ts, findReusableRun). */
  reused: { from: string | null; partitions: number };
};

/**
 * `dataset` may be a loader: then this function holds the only reference, and the org's lines, opportunities
 * and activities (most of a big org's memory as objects) can be collected once the whole-org part is built,
 * before the partitions are packed, instead of staying alive for the whole run.
 */
export async function runModelsPartitioned(
  dataset: Dataset | (() => Dataset),
  options: ModelOptions | undefined,
  previous: PreviousInsights | undefined,
  sink: AccountSink | undefined,
  p: PartitionedOptions,
): Promise<PartitionedResult> {
  const size = p.partitionAccounts ?? 5000;
  if (!Number.isInteger(size) || size < 1) throw new Error(`partitionAccounts must be a positive integer, got ${size}`);
  const t0 = performance.now();
  const threads = p.threads ?? availableParallelism();
  const pool = queuePool(p.url, 3, 'reco-part-coordinator');
  const children: ChildProcess[] = [];
  let lease: RunLease | null = null;
  try {
    await ensureSchema(pool);
    // The lease first, before any worker can look for the run: a worker that finds it free knows the run's
    // coordinator is gone, whether or not the run was published.
    const held = await takeLease(p.url);
    lease = held.lease;
    const { runId } = held;
    let lost: Error | null = null;
    lease.onLost((e) => (lost = e));
    // What a coordinator that died left running (a replica that took the pipeline run over starts here).
    const abandoned = await abandonOrphanedRuns(pool);
    if (abandoned.length > 0) p.onAbandoned?.(abandoned);
    // Started now, the workers load their code while this process builds the whole-org part; they wait
    // for the run to appear, and claim its partitions while the later ones are still being published.
    const exits: Promise<void>[] = [];
    const stats: WorkerStats[] = [];
    for (let w = 0; w < p.workers; w++) {
      const child = startWorkerProcess(p.url, runId, p.workerHeapMb);
      children.push(child);
      exits.push(collectStats(child, stats));
    }
    // A dataset from a loader is this function's alone: its lines can go as soon as they are indexed.
    const own = { releaseLines: typeof dataset === 'function' };
    let ds: Dataset | null = typeof dataset === 'function' ? dataset() : dataset;
    const tLoaded = performance.now();
    let ctx: ModelContext | null = threads > 0 && ds.accounts.length >= 50_000 ? await prepareInWorkers(ds, options, threads, own) : prepare(ds, options, own);
    const tPrepared = performance.now();
    const n = ds.accounts.length;
    const asOf = ds.asOf;
    // Publishing reads only the accounts and products of the dataset.
    ctx.ds = { ...ds, lines: [], opportunities: [], activities: [], feedback: [], texts: undefined };
    ds = null;
    collectGarbage(); // the org's records, now dead, are most of this process's memory: gone before packing
    let packedSinceCollection = 0;
    const packer = new BlobPacker();
    const nParts = Math.ceil(n / size);
    const artifactBytes = { shared: 0, inputs: 0 };
    let donor: string | null = null; // a dead run whose finished partitions this one may take (queue.ts)
    let taken = 0;
    const db = await pool.connect();
    try {
      // The run and its shared artifact in one transaction (a worker never sees one without the other),
      // then each partition committed on its own, so the first ones are being computed while the rest are
      // packed. The run is complete only when every partition is done, so one not yet published is waited for.
      await db.query('BEGIN');
      await db.query('INSERT INTO reco_part_runs (run_id, status, partitions, accounts, max_attempts, lease_ms, retry_delay_ms, lock_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
        runId,
        'running',
        nParts,
        n,
        p.maxAttempts ?? 3,
        p.leaseMs ?? 30_000,
        p.retryDelayMs ?? 1000,
        coordinatorLockKey(runId),
      ]);
      const shared = compressFrame(packBlob(sharedArtifact(ctx)));
      artifactBytes.shared = shared.length;
      await db.query(`INSERT INTO reco_part_artifacts (run_id, name, bytes) VALUES ($1, 'shared', $2)`, [runId, shared]);
      await db.query('COMMIT');
      donor = await findReusableRun(db, shared, nParts, n);
      for (let k = 0; k < nParts; k++) {
        const first = k * size;
        const end = Math.min(n, first + size);
        // Views of the org's columns, packed into the one kept buffer: the only new memory outside the heap per
        // partition is its frame and its renumbered purchase-history pointers.
        const part = partitionInput(ctx, first, end, previous, 'view');
        const input = compressFrame(packer.pack(part));
        artifactBytes.inputs += input.length;
        if (await publishPartition(db, { runId, idx: k, first, end, input }, donor)) taken++;
        // Sent frames are dead Buffers outside the heap, which V8 is slow to count against it.
        packedSinceCollection += input.length + part.ui.ptr.byteLength + part.ui.dayPtr.byteLength;
        if (packedSinceCollection > PACKED_BETWEEN_COLLECTIONS) {
          collectGarbage();
          packedSinceCollection = 0;
        }
      }
    } catch (e) {
      await db.query('ROLLBACK').catch(() => undefined);
      await pool.query(`UPDATE reco_part_runs SET status = 'failed', error = $2, finished_at = now() WHERE run_id = $1`, [runId, `publishing failed: ${e instanceof Error ? e.message : String(e)}`]).catch(() => undefined);
      throw e;
    } finally {
      db.release();
    }
    // A run with the same whole-org part but no same input gave nothing: it is not named as the source.
    const reused: PartitionedResult['reused'] = { from: taken > 0 ? donor : null, partitions: taken };
    const summary = { segments: ctx.seg.segments, seg: ctx.seg.metrics, churn: ctx.churn.report, tuning: ctx.tuning, opts: ctx.opts, timings: ctx.timings, cpuTimings: ctx.cpuTimings };
    ctx = null; // the partitions hold what the accounts need; the org's context may be collected while they run
    const tPublished = performance.now();

    await p.onPublished?.({ runId, pool, reused });
    await p.onStarted?.({ runId, pool, workers: children });
    await waitForPartitions(pool, runId, nParts, p, children, () => lost);
    const tComputed = performance.now();

    const hash = new OutputHash();
    const output: ModelOutput = { asOf, segments: summary.segments, insights: [], recommendations: [], shadow: [], metrics: {} };
    const counts = { insights: 0, recommendations: 0, shadow: 0 };
    for (let k = 0; k < nParts; k++) {
      const { rows } = await pool.query<{ digests: Buffer; output: Buffer | null; accounts: number; recommendations: number; shadow: number }>(
        `SELECT digests, accounts, recommendations, shadow${p.readOutput === false ? '' : ', output'} FROM reco_part_results WHERE run_id = $1 AND idx = $2`,
        [runId, k],
      );
      const r = rows[0];
      if (!r) throw new Error(`run ${runId}: partition ${k} is done but has no result`);
      hash.add(r.digests);
      counts.insights += r.accounts;
      counts.recommendations += r.recommendations;
      counts.shadow += r.shadow;
      if (r.output) readLines(r.output, `run ${runId}: partition ${k}`, sink, output);
    }
    await pool.query(`UPDATE reco_part_runs SET status = 'done', finished_at = now() WHERE run_id = $1`, [runId]);
    await pruneRuns(pool, p.keepRuns ?? 3);
    const tMerged = performance.now();
    await Promise.all(exits);
    const ms = (a: number, b: number): number => Math.round(b - a);
    const timings = { load: ms(t0, tLoaded), prepare: ms(tLoaded, tPrepared), publish: ms(tPrepared, tPublished), partitions: ms(tPublished, tComputed), merge: ms(tComputed, tMerged), total: ms(t0, tMerged) };
    output.metrics = {
      segments: summary.seg,
      churn: summary.churn,
      tuning: summary.tuning
        ? { params: summary.tuning.params, tunedOn: asOf, validation: summary.tuning.validation, evaluations: summary.tuning.evaluations }
        : summary.opts.params && summary.opts.paramsTunedOn
          ? { params: summary.opts.params, tunedOn: summary.opts.paramsTunedOn, reused: true }
          : null,
      timings: { ...summary.timings, ...timings },
      cpuTimings: summary.cpuTimings,
      counts,
      partitions: { runId, count: nParts, accounts: size, workers: stats, reused },
    };
    return { runId, hash: hash.hex(), output, workers: stats, timings, artifactBytes, reused };
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    // After the run's status is final: a worker that then finds the lease free reads done or failed, not abandoned.
    await lease?.close();
    await pool.end();
  }
}

/**
 * A new run id and its coordinator lease. The lease key is 31 bits of the id's hash: should another live run
 * hold the same key, another id is drawn rather than sharing a lease whose end would not mean this run's end.
 */
async function takeLease(url: string): Promise<{ runId: string; lease: RunLease }> {
  for (let k = 0; k < 5; k++) {
    const runId = randomUUID();
    const lease = postgresAdvisoryLease(url, coordinatorLease(runId), { name: 'reco-part-coordinator-lease', what: `the coordinator lease of run ${runId}` });
    try {
      if (await lease.acquire()) return { runId, lease };
    } catch (e) {
      await lease.close();
      throw e;
    }
    await lease.close();
  }
  throw new Error('partitioned model step: no free coordinator lease after 5 run ids (more live runs than expected on this database?)');
}

/** The run's lines into the sink, or (without one) into the output, as runModels returns them. */
function readLines(bytes: Buffer, where: string, sink: AccountSink | undefined, output: ModelOutput): void {
  const text = decodeOutput(bytes, where);
  let at = 0;
  while (at < text.length) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    const [insight, recs, shadow] = JSON.parse(text.slice(at, nl)) as [AccountInsight, Recommendation[], Recommendation[]];
    at = nl + 1;
    if (sink) sink(insight, recs, shadow);
    else {
      output.insights.push(insight);
      for (const r of recs) output.recommendations.push(r);
      for (const r of shadow) output.shadow!.push(r);
    }
  }
}

async function waitForPartitions(pool: pg.Pool, runId: string, nParts: number, p: PartitionedOptions, children: ChildProcess[], leaseLost: () => Error | null): Promise<void> {
  const started = performance.now();
  let busyAt = started;
  let doneBefore = 0;
  for (;;) {
    const lost = leaseLost();
    if (lost) {
      // Its workers may already have marked the run abandoned; otherwise it is failed here, with the reason.
      const error = `the coordinator lost its lease (${lost.message}): the workers treat the run as abandoned`;
      await pool.query(`UPDATE reco_part_runs SET status = 'failed', error = $2, finished_at = now() WHERE run_id = $1 AND status = 'running'`, [runId, error]).catch(() => undefined);
      throw new Error(`partitioned model step, run ${runId}: ${error}`);
    }
    const { rows } = await pool.query<{ status: string; error: string | null }>('SELECT status, error FROM reco_part_runs WHERE run_id = $1', [runId]);
    if (rows[0]?.status !== 'running') throw new Error(`partitioned model step, run ${runId}: the run is ${rows[0]?.status ?? 'gone'} (${rows[0]?.error ?? 'no error recorded'})`);
    const progress = await runProgress(pool, runId);
    if (progress.failed.length > 0) {
      const f = progress.failed[0];
      const error = `partition ${f.idx} (accounts ${f.first}..${f.end - 1}) failed after ${f.attempts} attempt${f.attempts === 1 ? '' : 's'}: ${f.error ?? 'no error recorded'}`;
      await pool.query(`UPDATE reco_part_runs SET status = 'failed', error = $2, finished_at = now() WHERE run_id = $1`, [runId, error]);
      throw new Error(`partitioned model step, run ${runId}: ${error}`);
    }
    if (progress.done === nParts) return;
    const now = performance.now();
    if (progress.running > 0 || progress.done > doneBefore) busyAt = now;
    doneBefore = progress.done;
    const alive = children.filter((c) => c.exitCode === null && c.signalCode === null).length;
    const late = p.timeoutMs !== undefined && now - started > p.timeoutMs;
    const idle = p.idleTimeoutMs !== undefined && now - busyAt > p.idleTimeoutMs;
    if ((children.length > 0 && alive === 0) || late || idle) {
      const why = late
        ? `timed out after ${p.timeoutMs} ms`
        : idle
          ? `no worker took a partition for ${Math.round(p.idleTimeoutMs! / 1000)} s${children.length === 0 ? ' (none is started here: start them where they run, pointed at this PostgreSQL)' : ''}`
          : `all ${children.length} worker processes exited`;
      const error = `${why} with ${nParts - progress.done} of ${nParts} partitions not done (${progress.running} running, ${progress.pending} pending)`;
      await pool.query(`UPDATE reco_part_runs SET status = 'failed', error = $2, finished_at = now() WHERE run_id = $1`, [runId, error]);
      throw new Error(`partitioned model step, run ${runId}: ${error}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const PACKED_BETWEEN_COLLECTIONS = 192 * 2 ** 20;

/** A worker process for one run, on this machine: the same Node, with tsx's loader when running from source. */
export function startWorkerProcess(url: string, runId?: string, heapMb = 1024): ChildProcess {
  const main = new URL(`./worker-main${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
  const execArgv: string[] = [];
  for (let k = 0; k < process.execArgv.length; k++) {
    const a = process.execArgv[k];
    if (['-e', '--eval', '-p', '--print', '--input-type'].includes(a)) k++;
    else if (!/^--(eval|print|input-type)=/.test(a)) execArgv.push(a);
  }
  if (main.pathname.endsWith('.ts') && !execArgv.some((a) => a.includes('tsx'))) execArgv.push('--import', import.meta.resolve('tsx'));
  // On the command line, so it wins over a --max-old-space-size in NODE_OPTIONS.
  const heap = `--max-old-space-size=${heapMb}`;
  // A partition makes ~60 MB of short-lived JSON per 5,000 accounts: a young generation of 64 MB (V8's default
  // is 16) lets most of it die there instead of being promoted and marked, for ~7 % less CPU per account.
  const young = '--max-semi-space-size=64';
  return spawn(process.execPath, [...execArgv.filter((a) => !/^--max-(old|semi)-space-size/.test(a)), heap, young, fileURLToPath(main)], {
    env: { ...process.env, RECO_PART_URL: url, RECO_PART_RUN: runId ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function collectStats(child: ChildProcess, into: WorkerStats[]): Promise<void> {
  let out = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (d: string) => (out += d));
  return new Promise((resolve) => {
    child.on('close', () => {
      for (const line of out.split('\n')) if (line.startsWith(WORKER_STATS_PREFIX)) into.push(JSON.parse(line.slice(WORKER_STATS_PREFIX.length)) as WorkerStats);
      resolve();
    });
  });
}
