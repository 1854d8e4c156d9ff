// `npm run bench:scale`: the model step on generated orgs (100k and 1M accounts; 20k products; 10 lines per
// account), in one invocation, four ways: the one-process step as the pipeline calls it (runModelsInWorkers,
// worker threads on every core), and the partitioned step (scale/) with 1, 2 and 4 worker processes plus the
// coordinator, on a throwaway PostgreSQL cluster on loopback. Each way runs in a child process of its own that
// builds the same org, so each process's peak RSS is its own; the workers report theirs at exit.
// Printed per run: wall, CPU (the processes' own, all threads; PostgreSQL's server is not counted), peak RSS
// per process, the database's size (pg_database_size) and the output hash (recommendations, shadow lists and
// insights in account order), which must be the same for all four.
// The machine is shared: wall times move with the load average (printed), so read them as ratios against the
// one-process run of the same invocation, repeated BENCH_REPEATS times (default 1) with medians.
// The summary adds the core time the one-process run left idle (cores x wall - CPU) and the CPU each split run
// spent beyond it (Node and PostgreSQL): on this machine a split run can only win if the second fits in the first.
// A second line compares the per-account stage alone: the one-process lists stage against the least time the
// workers' CPU allows the partitions stage (their CPU over the cores they can use).
// BENCH_SIZES=100000 to limit; BENCH_WORKERS=1,2,4 to choose; BENCH_ONE=0 skips the one-process run (to check
// one partitioned configuration's memory, say); NODE_OPTIONS=--max-old-space-size=7168 is set
// for the children (the 1M org's records as JS objects need more than the default heap); the coordinators get
// BENCH_COORDINATOR_HEAP_MB instead when set: one that drops the org's lines can live in less, and a lower
// limit makes V8 collect before the process grows past it.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runModelsInWorkers } from '../src/models/run-models.js';
import { syntheticDataset } from '../src/models/synthetic.js';
import { runModelsPartitioned } from '../src/scale/coordinator.js';
import { OutputHash } from '../src/scale/output-hash.js';
import type { WorkerStats } from '../src/scale/worker.js';
import type { Dataset } from '../src/domain/types.js';
import { startThrowawayPostgres } from '../../scripts/throwaway-postgres.mjs';

const OPTIONS = { tune: 'fast' as const };
const PARTITION_ACCOUNTS = 5000;

type ProcessFigures = { role: string; pid: number; wallMs: number; cpuMs: number; peakRssMb: number };
type Result = {
  mode: string;
  accounts: number;
  lines: number;
  generateMs: number;
  wallMs: number; // the model step, from the dataset in memory to the output hash
  cpuMs: number; // all processes of the run
  hash: string;
  recommendations: number;
  processes: ProcessFigures[];
  stages?: Record<string, number>;
  dbBytes?: number;
  artifactBytes?: { shared: number; inputs: number };
  load: number[];
  /** PostgreSQL's own CPU during the run (the cluster's processes, read from /proc by the parent). */
  pgCpuMs?: number;
  /**
   * The per-account stage alone: the one-process run's lists stage (wall, and CPU of all its threads), or the
   * split run's partitions stage (wall) and the CPU its workers spent on partitions (start-up and waiting left out).
   */
  perAccount?: { wallMs: number; cpuMs: number };
};

const cpuOf = (c: NodeJS.CpuUsage): number => Math.round((c.user + c.system) / 1000);
const peakMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

async function child(mode: string, accounts: number, url: string | undefined): Promise<Result> {
  const generate = (): { ds: Dataset; ms: number; cpuMs: number } => {
    const c = process.cpuUsage();
    const g = performance.now();
    const ds = syntheticDataset({ accounts, products: 20000, linesPerAccount: 10 });
    return { ds, ms: Math.round(performance.now() - g), cpuMs: cpuOf(process.cpuUsage(c)) };
  };
  const load = loadavg();
  if (mode === 'one') {
    const { ds, ms: generateMs } = generate();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const hash = new OutputHash();
    const out = await runModelsInWorkers(ds, OPTIONS, undefined, hash.sink());
    const wallMs = Math.round(performance.now() - t0);
    const cpuMs = cpuOf(process.cpuUsage(c0));
    const counts = out.metrics.counts as { recommendations: number };
    return {
      mode,
      accounts,
      lines: ds.lines.length,
      generateMs,
      wallMs,
      cpuMs,
      hash: hash.hex(),
      recommendations: counts.recommendations,
      processes: [{ role: 'one process', pid: process.pid, wallMs, cpuMs, peakRssMb: peakMb() }],
      stages: out.metrics.timings as Record<string, number>,
      perAccount: { wallMs: (out.metrics.timings as Record<string, number>).lists, cpuMs: (out.metrics.cpuTimings as Record<string, number>).lists },
      load,
    };
  }
  const workers = Number(mode.replace('workers-', ''));
  // The dataset comes from a loader, so the coordinator holds the only reference and can let the org's lines
  // go once the whole-org part is built (as a coordinator loading from the store would). Its generation is
  // timed apart and taken out of the model step's wall and CPU, as it is outside them in the one-process run.
  let gen = { ms: 0, cpuMs: 0, lines: 0 };
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runModelsPartitioned(
    () => {
      const g = generate();
      gen = { ms: g.ms, cpuMs: g.cpuMs, lines: g.ds.lines.length };
      return g.ds;
    },
    OPTIONS,
    undefined,
    undefined,
    { url: url!, workers, partitionAccounts: PARTITION_ACCOUNTS, readOutput: false },
  );
  const wallMs = Math.round(performance.now() - t0) - gen.ms;
  const own = cpuOf(process.cpuUsage(c0)) - gen.cpuMs;
  const generateMs = gen.ms;
  const counts = r.output.metrics.counts as { recommendations: number };
  const dbBytes = await databaseSize(url!);
  const ws: WorkerStats[] = r.workers;
  return {
    mode,
    accounts,
    lines: gen.lines,
    generateMs,
    wallMs,
    cpuMs: own + ws.reduce((s, w) => s + w.cpuMs, 0),
    hash: r.hash,
    recommendations: counts.recommendations,
    processes: [
      { role: 'coordinator', pid: process.pid, wallMs, cpuMs: own, peakRssMb: peakMb() },
      ...ws.map((w, k) => ({ role: `worker ${k + 1} (${w.partitions} partitions)`, pid: w.pid, wallMs: w.wallMs, cpuMs: w.cpuMs, peakRssMb: w.peakRssMb })),
    ],
    stages: { ...r.timings, total: r.timings.total - gen.ms },
    dbBytes,
    artifactBytes: r.artifactBytes,
    perAccount: { wallMs: r.timings.partitions, cpuMs: ws.reduce((s, w) => s + w.partitionCpuMs, 0) },
    load,
  };
}

async function databaseSize(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n');
    return Number(rows[0].n);
  } finally {
    await c.end();
  }
}

async function withDatabase<T>(server: string, f: (url: string) => T): Promise<T> {
  const name = `reco_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const u = new URL(server);
    u.pathname = `/${name}`;
    return f(u.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const heapFor = (mode: string): number => (mode !== 'one' && process.env.BENCH_COORDINATOR_HEAP_MB ? Number(process.env.BENCH_COORDINATOR_HEAP_MB) : 7168);
/**
 * CPU of the throwaway cluster so far: the postmaster's own and its reaped children's (backends of closed
 * connections), plus its live children. Linux /proc; clock ticks of 10 ms (USER_HZ is 100 on Linux).
 */
function postgresCpuMs(dataDir: string): number {
  const ticks = (pid: string, fields: number[]): number => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // rest[0] is field 3 (state)
    return fields.reduce((sum, f) => sum + Number(rest[f - 3]), 0);
  };
  const master = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0].trim();
  let total = ticks(master, [14, 15, 16, 17]);
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
      if (ppid === master) total += ticks(pid, [14, 15]);
    } catch {
      // gone between the listing and the read
    }
  }
  return total * 10;
}

const sec = (ms: number): string => (ms / 1000).toFixed(1);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];

function line(r: Result, base: Result | undefined): string {
  const ratio = base ? ` (${(r.wallMs / base.wallMs).toFixed(2)}x one-process)` : '';
  // No run can finish before all the CPU it used (its processes' and PostgreSQL's) is spread over every core.
  const cpuAll = r.cpuMs + (r.pgCpuMs ?? 0);
  const floor = `, postgres cpu ${sec(r.pgCpuMs ?? 0)} s, floor ${sec(cpuAll / availableParallelism())} s on ${availableParallelism()} cores`;
  const procs = r.processes.map((p) => `${p.role} ${p.peakRssMb} MB / ${sec(p.cpuMs)} s cpu`).join('; ');
  const stages = r.stages ? Object.entries(r.stages).filter(([k]) => ['prepare', 'publish', 'partitions', 'merge', 'lists', 'fit', 'tune', 'total'].includes(k)).map(([k, v]) => `${k} ${sec(v)}`).join(', ') : '';
  const db = r.dbBytes !== undefined ? ` | database ${(r.dbBytes / 2 ** 20).toFixed(0)} MB (shared artifact ${(r.artifactBytes!.shared / 2 ** 20).toFixed(1)} MB, inputs ${(r.artifactBytes!.inputs / 2 ** 20).toFixed(0)} MB)` : '';
  return [
    `  ${r.mode.padEnd(10)} wall ${sec(r.wallMs)} s${ratio}, cpu ${sec(r.cpuMs)} s${floor}, hash ${r.hash.slice(0, 16)}, recommendations ${r.recommendations}, load ${r.load.map((v) => v.toFixed(1)).join('/')}`,
    `             stages: ${stages}${db}`,
    `             peak RSS: ${procs}`,
  ].join('\n');
}

if (process.env.BENCH_CHILD) {
  const [mode, n] = process.env.BENCH_CHILD.split(':');
  const url = process.env.BENCH_PG_URL || undefined;
  console.log(`RESULT ${JSON.stringify(await child(mode, Number(n), url))}`);
} else {
  const sizes = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
  const workerCounts = (process.env.BENCH_WORKERS ?? '1,2,4').split(',').map(Number);
  const repeats = Number(process.env.BENCH_REPEATS ?? 1);
  const pgServer = await startThrowawayPostgres();
  const self = fileURLToPath(import.meta.url);
  const results: Result[] = [];
  let failed = false;
  try {
    console.log(`bench:scale on ${pgServer.version}; partitions of ${PARTITION_ACCOUNTS} accounts; options ${JSON.stringify(OPTIONS)}`);
    for (const n of sizes) {
      console.log(`\n${n} accounts (${n * 10} lines, 20000 products)`);
      const runs: Result[] = [];
      for (let rep = 0; rep < repeats; rep++) {
        for (const mode of [...(process.env.BENCH_ONE === '0' ? [] : ['one']), ...workerCounts.map((w) => `workers-${w}`)]) {
          const run = (url?: string): Result => {
            const pg0 = postgresCpuMs(join(pgServer.dir, 'data'));
            const r = spawnSync(process.execPath, [...process.execArgv, self], {
              env: { ...process.env, BENCH_CHILD: `${mode}:${n}`, BENCH_PG_URL: url ?? '', NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${heapFor(mode)}`.trim() },
              encoding: 'utf8',
              maxBuffer: 1 << 26,
              stdio: ['ignore', 'pipe', 'inherit'],
            });
            const out = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
            if (r.status !== 0 || !out) throw new Error(`bench:scale: ${mode} at ${n} accounts failed (exit ${r.status})`);
            return { ...(JSON.parse(out.slice(7)) as Result), pgCpuMs: postgresCpuMs(join(pgServer.dir, 'data')) - pg0 };
          };
          const r = mode === 'one' ? run() : await withDatabase(pgServer.url, run);
          runs.push(r);
          console.log(line(r, runs.find((x) => x.mode === 'one')));
        }
      }
      results.push(...runs);
      const one = runs.filter((r) => r.mode === 'one');
      const oneWall = one.length > 0 ? median(one.map((r) => r.wallMs)) : NaN;
      const hashes = new Set(runs.map((r) => r.hash));
      const oneCpu = one.length > 0 ? median(one.map((r) => r.cpuMs)) : NaN;
      // On C cores a split run can beat the one-process run only if the CPU it adds (its Node processes and
      // PostgreSQL, beyond the one-process run's) fits in the core time the one-process run leaves idle.
      const cores = availableParallelism();
      const idleCoreMs = cores * oneWall - oneCpu;
      console.log(`  summary at ${n}: ${one.length > 0 ? `one-process median wall ${sec(oneWall)} s, ${sec(idleCoreMs)} core-s idle on ${cores} cores` : 'no one-process run'}; ${workerCounts.map((w) => {
        const rs = runs.filter((r) => r.mode === `workers-${w}`);
        const wall = median(rs.map((r) => r.wallMs));
        const maxRss = Math.max(...rs.flatMap((r) => r.processes.map((p) => p.peakRssMb)));
        const extra = median(rs.map((r) => r.cpuMs + (r.pgCpuMs ?? 0))) - oneCpu;
        const vsOne = one.length > 0 ? ` (${(wall / oneWall).toFixed(2)}x; ${sec(extra)} core-s more than one process)` : '';
        return `${w} worker${w === 1 ? '' : 's'} median ${sec(wall)} s${vsOne}, max process peak RSS ${maxRss} MB`;
      }).join('; ')}; hashes ${hashes.size === 1 ? `identical (${[...hashes][0]})` : `DIFFER: ${[...hashes].join(', ')}`}`);
      // The floor of the per-account stage on this machine: a split's workers do everything the one-process run
      // does per account (its main thread builds, serialises and hashes the records in account order while its
      // threads pick), plus the transport; spread over every core, their CPU bounds how soon the stage can end.
      const oneStage = one.filter((r) => r.perAccount);
      if (oneStage.length > 0) {
        const listsWall = median(oneStage.map((r) => r.perAccount!.wallMs));
        const listsCpu = median(oneStage.map((r) => r.perAccount!.cpuMs));
        console.log(`  per-account stage at ${n}: one-process lists median ${sec(listsWall)} s wall, ${sec(listsCpu)} core-s; ${workerCounts.map((w) => {
          const rs = runs.filter((r) => r.mode === `workers-${w}` && r.perAccount);
          const cpu = median(rs.map((r) => r.perAccount!.cpuMs));
          const usable = Math.min(w, cores);
          const floor = cpu / usable;
          return `${w} worker${w === 1 ? '' : 's'}: partitions median ${sec(median(rs.map((r) => r.perAccount!.wallMs)))} s, workers ${sec(cpu)} core-s (${(cpu / listsCpu).toFixed(2)}x the lists stage's), so no less than ${sec(floor)} s on ${usable} core${usable === 1 ? '' : 's'} (${(floor / listsWall).toFixed(2)}x the lists stage)`;
        }).join('; ')}`);
      }
      if (hashes.size !== 1) failed = true;
    }
    console.log(`\njson ${JSON.stringify(results)}`);
  } finally {
    pgServer.stop();
  }
  if (failed) process.exit(1);
}
