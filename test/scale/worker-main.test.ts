// The standalone worker (`npm run worker`), as an operator starts it on another machine: pointed at the service's
// RECO_STORE_URL, it serves a run whose coordinator started no worker of its own (RECO_MODEL_WORKERS=0), keeps
// serving until SIGTERM, then exits cleanly with its figures; a missing or bad URL is refused without quoting it.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { runModels } from '../../sync-server/src/models/run-models.js';
import { syntheticDataset } from '../../sync-server/src/models/synthetic.js';
import { runModelsPartitioned } from '../../sync-server/src/scale/coordinator.js';
import { OutputHash } from '../../sync-server/src/scale/output-hash.js';
import { WORKER_STATS_PREFIX, type WorkerStats } from '../../sync-server/src/scale/worker.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

const MAIN = path.resolve(import.meta.dirname, '../../sync-server/src/scale/worker-main.ts');

type Started = { child: ChildProcess; out: () => string; err: () => string; exit: Promise<number | null> };

function startWorker(env: Record<string, string>): Started {
  // Nothing of this process's own RECO_* settings may leak in.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RECO_')));
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exit };
}

describe('scale: the standalone worker (npm run worker)', function () {
  this.timeout(180_000);
  let db: TestDatabase;
  const started: ChildProcess[] = [];
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await db?.drop();
  });

  it('refuses a missing or malformed URL, naming the setting and never the value', async () => {
    const missing = startWorker({});
    started.push(missing.child);
    expect(await missing.exit).to.equal(2);
    expect(missing.err()).to.contain('set RECO_STORE_URL to the PostgreSQL URL');
    const bad = startWorker({ RECO_STORE_URL: 'mysql://reco:hunter2-secret@db/reco' });
    started.push(bad.child);
    expect(await bad.exit).to.equal(2);
    expect(bad.err()).to.contain('RECO_STORE_URL must be a PostgreSQL URL');
    expect(bad.err()).to.not.contain('hunter2');
  });

  it('serves a run whose coordinator started no worker, then stops on SIGTERM with its figures', async () => {
    const ds = syntheticDataset({ accounts: 500, products: 50, linesPerAccount: 6, seed: 8 });
    const options = { seed: 2, tune: 'fast' as const };
    const one = new OutputHash();
    runModels(ds, options, undefined, one.sink());
    const worker = startWorker({ RECO_STORE_URL: db.url });
    started.push(worker.child);
    const out = await runModelsPartitioned(ds, options, undefined, undefined, { url: db.url, workers: 0, partitionAccounts: 100, threads: 0, timeoutMs: 120_000 });
    expect(out.hash).to.equal(one.hex());
    // Still serving after the run: it waits for the next one.
    expect(worker.child.exitCode).to.equal(null);
    worker.child.kill('SIGTERM');
    expect(await worker.exit, worker.err()).to.equal(0);
    const line = worker.out().split('\n').find((l) => l.startsWith(WORKER_STATS_PREFIX));
    const stats = JSON.parse(line!.slice(WORKER_STATS_PREFIX.length)) as WorkerStats;
    expect(stats).to.include({ partitions: 5, accounts: 500, failures: 0 });
    // Computing partitions is part of the process's CPU, not all of it (start-up and waiting are the rest).
    expect(stats.partitionCpuMs).to.be.greaterThan(0).and.at.most(stats.cpuMs);
    expect(worker.err()).to.contain('SIGTERM, stopping after the partition in hand');
  });
});
