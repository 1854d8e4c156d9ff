// `npm run bench:models`: the model step (features, segments, both lists and churn for every account) on Online
// Retail and on generated long-tail orgs (10k, 100k and 1M accounts; 20k products; 10 lines per account).
// Each data set runs in its own child process, so its peak RSS is its own. Every run is measured twice:
//   with tune    - a Full (nightly) run: tunes on a bounded account sample, then fits and scores;
//   reused       - an Incremental run: reuses the settings the tuned run stored (what the pipeline does).
// Lists stream to a counting sink (runModels' per-account callback), as a big org's run would.
// From 50k accounts the neighbourhoods and lists are computed by worker threads, as the pipeline does; the
// one-thread pass beside them is the baseline measured in the same run.
// Wall and CPU (process, all threads, GC included) are both reported: the machine is shared, so wall times
// move with the load average, which is printed beside them.
// Run with NODE_OPTIONS=--max-old-space-size=7168 for the 1M size; BENCH_SIZES=10000,100000 to limit,
// BENCH_RETAIL=0 to skip Online Retail. BENCH_TUNED_CACHE=<dir> (for iterating on speed): the tuned run's
// stored settings are kept in <dir> per data set, and a later run with them measures only the incremental pass.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runModelsInWorkers } from '../src/models/run-models.js';
import { planTuning } from '../src/models/stored-params.js';
import { syntheticDataset } from '../src/models/synthetic.js';
import { retailDataset } from '../src/evaluate/retail-data.js';
import { loadRetail } from '../src/evaluate/protocol.js';
import { indexDataset } from '../src/models/dataset-index.js';
import { buildUserItems } from '../src/recommend/purchase-log.js';
import { popularityCrossSell } from '../src/evaluate/baselines.js';
import type { Dataset, ModelOutput } from '../src/domain/types.js';
import type { ModelOptions } from '../src/models/options.js';

const RETAIL = '/work/shared/data/online-retail.csv.gz';
// From 50k accounts runModelsInWorkers computes the item neighbourhoods and picks the lists in worker threads
// (one per core). At those sizes the incremental run is also measured with no workers, the one-thread baseline.
const MIN_WORKER_ACCOUNTS = 50_000;

type Run = { wallMs: number; cpuMs: number; timings: Record<string, number>; cpuTimings: Record<string, number>; recommendations: number };
type Result = {
  name: string;
  accounts: number;
  lines: number;
  generateMs: number;
  tuned: Run[];
  reused: Run[];
  oneThread: Run | null; // the incremental run with no worker threads (sizes that use workers)
  listWorkers: number;
  popularity: { wallMs: number; cpuMs: number };
  peakRssMb: number;
  load: { start: number[]; end: number[] };
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const cpuMs = (c: NodeJS.CpuUsage): number => Math.round((c.user + c.system) / 1000);

async function once(ds: Dataset, options: ModelOptions, workers?: number): Promise<{ run: Run; out: ModelOutput }> {
  let recommendations = 0;
  const c = process.cpuUsage();
  const s = performance.now();
  const out = await runModelsInWorkers(ds, options, undefined, (_insight, recs) => {
    recommendations += recs.length;
  }, { workers, minAccounts: MIN_WORKER_ACCOUNTS });
  const wallMs = Math.round(performance.now() - s);
  const m = out.metrics as { timings: Record<string, number>; cpuTimings: Record<string, number> };
  return { run: { wallMs, cpuMs: cpuMs(process.cpuUsage(c)), timings: m.timings, cpuTimings: m.cpuTimings, recommendations }, out };
}

async function child(name: string): Promise<Result> {
  const start = loadavg();
  const g = performance.now();
  const ds = name === 'online-retail' ? retailDataset(await loadRetail(RETAIL)) : syntheticDataset({ accounts: Number(name.split('-')[1]), products: 20000, linesPerAccount: 10 });
  const generateMs = Math.round(performance.now() - g);
  const repeats = ds.accounts.length <= 10_000 ? 3 : 1;
  const tuned: Run[] = [];
  const reused: Run[] = [];
  const cacheDir = process.env.BENCH_TUNED_CACHE;
  const cacheFile = cacheDir ? join(cacheDir, `bench-models-${name}.json`) : null;
  let lastStored: Pick<ModelOutput, 'asOf' | 'metrics'> | null = null;
  for (let r = 0; r < repeats; r++) {
    let stored: Pick<ModelOutput, 'asOf' | 'metrics'>;
    if (cacheFile && existsSync(cacheFile)) stored = JSON.parse(readFileSync(cacheFile, 'utf8')) as Pick<ModelOutput, 'asOf' | 'metrics'>;
    else {
      const t = await once(ds, { tune: 'fast' });
      tuned.push(t.run);
      stored = { asOf: t.out.asOf, metrics: t.out.metrics };
      if (cacheFile) writeFileSync(cacheFile, JSON.stringify(stored));
    }
    lastStored = stored;
    const plan = planTuning('Incremental', {}, stored, ds.asOf);
    if (!plan.reused) throw new Error(`bench: the tuned run stored no reusable settings (${plan.reason})`);
    reused.push((await once(ds, plan.options)).run);
  }
  const parallel = ds.accounts.length >= MIN_WORKER_ACCOUNTS;
  let oneThread: Run | null = null;
  if (parallel) {
    const plan = planTuning('Incremental', {}, lastStored ?? undefined, ds.asOf);
    if (plan.reused) oneThread = (await once(ds, plan.options, 0)).run;
  }
  const c = process.cpuUsage();
  const s = performance.now();
  const ui = buildUserItems(indexDataset(ds).log);
  const pop = popularityCrossSell(ui);
  for (let u = 0; u < ui.nUsers; u++) pop(u, 10);
  const popularity = { wallMs: Math.round(performance.now() - s), cpuMs: cpuMs(process.cpuUsage(c)) };
  return {
    name,
    accounts: ds.accounts.length,
    lines: ds.lines.length,
    generateMs,
    tuned,
    reused,
    oneThread,
    listWorkers: parallel ? availableParallelism() : 0,
    popularity,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    load: { start, end: loadavg() },
  };
}

const sec = (ms: number): string => (ms / 1000).toFixed(2);

function report(r: Result): string {
  const mid = (runs: Run[]): Run => runs.find((x) => x.wallMs === median(runs.map((y) => y.wallMs)))!;
  const t = r.tuned.length > 0 ? mid(r.tuned) : null;
  const u = mid(r.reused);
  const stages = (x: Run, key: 'timings' | 'cpuTimings'): string =>
    ['index', 'userItems', 'features', 'segments', 'tune', 'fit', 'churn', 'lists'].map((k) => `${k} ${sec(x[key][k] ?? 0)}`).join(', ');
  return [
    `${r.name}: accounts=${r.accounts} lines=${r.lines} (data built in ${sec(r.generateMs)} s) | load average ${r.load.start.map((v) => v.toFixed(1)).join('/')} -> ${r.load.end.map((v) => v.toFixed(1)).join('/')}`,
    ...(t
      ? [
          `  with tune  wall median ${sec(median(r.tuned.map((x) => x.wallMs)))} s (runs ${r.tuned.map((x) => sec(x.wallMs)).join(', ')}), cpu median ${sec(median(r.tuned.map((x) => x.cpuMs)))} s`,
          `             wall stages: ${stages(t, 'timings')}`,
          `             cpu stages:  ${stages(t, 'cpuTimings')}`,
        ]
      : ['  with tune  skipped (settings from BENCH_TUNED_CACHE)']),
    `  reused     wall median ${sec(median(r.reused.map((x) => x.wallMs)))} s (runs ${r.reused.map((x) => sec(x.wallMs)).join(', ')}), cpu median ${sec(median(r.reused.map((x) => x.cpuMs)))} s`,
    `             wall stages: ${stages(u, 'timings')}`,
    `             cpu stages:  ${stages(u, 'cpuTimings')}`,
    ...(r.oneThread
      ? [
          `  reused, no worker threads (baseline): wall ${sec(r.oneThread.wallMs)} s, cpu ${sec(r.oneThread.cpuMs)} s (${(r.oneThread.wallMs / u.wallMs).toFixed(2)}x the wall time with ${r.listWorkers} workers); lists wall ${sec(r.oneThread.timings.lists)} s vs ${sec(u.timings.lists)} s, fit ${sec(r.oneThread.timings.fit)} s vs ${sec(u.timings.fit)} s`,
        ]
      : [`  no worker threads (below ${MIN_WORKER_ACCOUNTS} accounts)`]),
    `  popularity baseline ${sec(r.popularity.wallMs)} s wall, ${sec(r.popularity.cpuMs)} s cpu | recommendations ${u.recommendations} | peak RSS ${r.peakRssMb} MB`,
    `  json ${JSON.stringify(r)}`,
  ].join('\n');
}

if (process.env.BENCH_CHILD) {
  console.log(`RESULT ${JSON.stringify(await child(process.env.BENCH_CHILD))}`);
} else {
  const names = [
    ...(process.env.BENCH_RETAIL !== '0' && existsSync(RETAIL) ? ['online-retail'] : []),
    ...(process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').filter((n) => n.trim() !== '').map((n) => `synthetic-${Number(n)}`),
  ];
  for (const name of names) {
    const c = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      env: { ...process.env, BENCH_CHILD: name },
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const line = c.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (c.status !== 0 || !line) {
      console.log(`${name}: failed (exit ${c.status}, signal ${c.signal}); peak memory or time exceeded?`);
      continue;
    }
    console.log(report(JSON.parse(line.slice(7)) as Result));
  }
}
