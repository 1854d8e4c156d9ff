// A partition run whose coordinator died: its workers stop waiting for it with a message that says so, the run
// is marked abandoned instead of staying `running` for workers to serve, and a new coordinator (a replica that
// took the pipeline run over) runs its own partition run to the same output. Real processes, killed with SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { expect } from 'chai';
import pg from 'pg';
import { runModels } from '../../sync-server/src/models/run-models.js';
import { syntheticDataset } from '../../sync-server/src/models/synthetic.js';
import { runModelsPartitioned } from '../../sync-server/src/scale/coordinator.js';
import { OutputHash } from '../../sync-server/src/scale/output-hash.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

const FIXTURE = path.join(import.meta.dirname, 'coordinator.fixture.ts');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Gone, or a zombie nobody reaped yet (an orphan's new parent may be slow to, in a container). */
function exited(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? false;
  } catch {
    return true;
  }
}

async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined | false> | T | undefined | false): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

type Coordinator = { child: ChildProcess; lines: string[]; stderr: () => string };

function startCoordinator(url: string, stage: 'preparing' | 'published'): Coordinator {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, url, stage], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  // The workers it starts write to the same stderr: it stays open after the coordinator is killed.
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return { child, lines, stderr: () => err };
}

describe('scale: a partition run whose coordinator died', function () {
  this.timeout(180_000);
  let db: TestDatabase;
  let client: pg.Client;
  const started: ChildProcess[] = [];
  const pids: number[] = [];
  before(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  after(async () => {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const pid of pids) if (!exited(pid)) process.kill(pid, 'SIGKILL');
    await client?.end();
    await db?.drop();
  });

  const workerPids = async (): Promise<number[]> =>
    (await client.query<{ app: string }>(`SELECT DISTINCT application_name AS app FROM pg_stat_activity WHERE application_name LIKE 'reco-part-worker %' AND datname = current_database()`)).rows.map((r) => Number(r.app.split(' ')[1]));

  it('before publishing: its workers give up, saying the coordinator is gone', async () => {
    const c = startCoordinator(db.url, 'preparing');
    started.push(c.child);
    await until('the coordinator to be preparing', 60_000, () => c.lines.includes('PREPARING'));
    // Its two workers are up and waiting for the run to be published.
    const workers = await until('its two workers to connect', 60_000, async () => ((await workerPids()).length === 2 ? workerPids() : false));
    pids.push(...workers);
    c.child.kill('SIGKILL');
    await until('both workers to exit', 30_000, () => workers.every(exited));
    const messages = c.stderr().split('\n').filter((l) => l.includes('stopped: run '));
    expect(messages, c.stderr()).to.have.length(2);
    for (const m of messages) expect(m).to.match(/^partition worker \d+ stopped: run [0-9a-f-]+: its coordinator is gone before publishing the run/);
    // Nothing was published, so nothing is left running.
    expect((await client.query(`SELECT 1 FROM reco_part_runs WHERE status = 'running'`)).rowCount).to.equal(0);
  });

  it('after publishing: the run is marked abandoned, its workers stop, and a new coordinator runs the step to the same output', async () => {
    const c = startCoordinator(db.url, 'published');
    started.push(c.child);
    const line = await until('the run to be published', 90_000, () => c.lines.find((l) => l.startsWith('PUBLISHED ')));
    const [, runId, list] = line.split(' ');
    const workers = list.split(',').map(Number);
    pids.push(...workers);
    expect(workers).to.have.length(2);
    const doneBy = async (): Promise<number> => Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM reco_part_results WHERE run_id = $1', [runId])).rows[0].n);
    await until('a first partition to be done', 60_000, async () => (await doneBy()) > 0);
    c.child.kill('SIGKILL');
    await until('both workers to exit', 30_000, () => workers.every(exited));
    const doneBeforeDeath = await doneBy();
    const run = (await client.query<{ status: string; error: string }>('SELECT status, error FROM reco_part_runs WHERE run_id = $1', [runId])).rows[0];
    expect(run.status).to.equal('abandoned');
    expect(run.error).to.match(/^abandoned: its coordinator is gone/);
    const messages = c.stderr().split('\n').filter((l) => l.includes('stopped: run '));
    expect(messages, c.stderr()).to.have.length(2);
    for (const m of messages) expect(m).to.contain(`stopped: run ${runId}: abandoned: its coordinator is gone`);

    // The replica that takes the pipeline run over coordinates a new partition run: served, collected, same output.
    const ds = syntheticDataset({ accounts: 600, products: 60, linesPerAccount: 6, seed: 4 });
    const options = { seed: 1, tune: 'fast' as const };
    const one = new OutputHash();
    runModels(ds, options, undefined, one.sink());
    let atPublish: unknown = null;
    const again = await runModelsPartitioned(ds, options, undefined, undefined, {
      url: db.url,
      workers: 1,
      partitionAccounts: 100,
      threads: 0,
      timeoutMs: 120_000,
      onPublished: ({ reused }) => void (atPublish = { ...reused }),
    });
    expect(again.runId).to.not.equal(runId);
    expect(again.hash).to.equal(one.hex());
    // What the dead run finished is taken over, not computed again; the rest is computed by this run's worker.
    expect(again.reused).to.deep.equal({ from: runId, partitions: doneBeforeDeath });
    expect(atPublish, 'known when the partitions are published (the pipeline logs it)').to.deep.equal(again.reused);
    expect(again.workers.reduce((s, w) => s + w.partitions, 0)).to.equal(6 - doneBeforeDeath);
    const statuses = (await client.query<{ run_id: string; status: string }>('SELECT run_id, status FROM reco_part_runs ORDER BY created_at')).rows;
    expect(statuses).to.deep.equal([
      { run_id: runId, status: 'abandoned' },
      { run_id: again.runId, status: 'done' },
    ]);
    // Other inputs (another seed: another shared artifact) reuse nothing, abandoned run or not.
    const other = await runModelsPartitioned(ds, { ...options, seed: 2 }, undefined, undefined, { url: db.url, workers: 1, partitionAccounts: 100, threads: 0, timeoutMs: 120_000 });
    expect(other.reused).to.deep.equal({ from: null, partitions: 0 });
    expect(other.workers[0].partitions).to.equal(6);
  });

  it('a coordinator that loses its lease stops waiting and fails its run, naming why', async () => {
    const ds = syntheticDataset({ accounts: 300, products: 40, linesPerAccount: 5, seed: 6 });
    let error: Error | null = null;
    await runModelsPartitioned(ds, { seed: 1, tune: 'fast' }, undefined, undefined, {
      url: db.url,
      // No worker anywhere: the run waits, until PostgreSQL ends the lease's session (an admin, a failover).
      workers: 0,
      partitionAccounts: 100,
      threads: 0,
      timeoutMs: 60_000,
      onPublished: async ({ pool }) => {
        const { rows } = await pool.query<{ n: number }>(`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = 'reco-part-coordinator-lease' AND datname = current_database()`);
        expect(rows[0].n).to.equal(1);
      },
    }).catch((e: Error) => (error = e));
    expect(error, 'the run failed').to.not.equal(null);
    expect(error!.message).to.match(/partitioned model step, run [0-9a-f-]+: (the coordinator lost its lease|the run is abandoned)/);
    const { rows } = await client.query<{ status: string }>(`SELECT status FROM reco_part_runs ORDER BY created_at DESC LIMIT 1`);
    expect(rows[0].status).to.be.oneOf(['failed', 'abandoned']);
  });
});
