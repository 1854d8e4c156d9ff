// `npm run bench:serve`: latency and throughput of GET /accounts/:id/recommendations, the call real-time
// callers (the LWC) make. The service runs here on a real mirror filled with a synthetic model output of the
// demo's size; autocannon runs in a second process on loopback at 1, 50 and 200 connections. The baseline,
// measured in the same run with the same load generator, is a bare node:http server answering every request
// with one fixed body of the same size: the floor of Node's HTTP stack on this machine, which no route can beat.
// Last, a "during a Full sync" row: the real service (startServer, the pipeline on its thread) over the same
// mirror, 50 connections in back-to-back windows for as long as a Full sync of the demo org (local-org seeded
// with the whole Online Retail file; --sync-customers N for a sample, --sync off to skip) runs beside it.
//   npm run bench:serve [-- --duration 10 --accounts 4300 --per-account 20 --sync-customers N --sync off --org-nice 10]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load-config.js';
import type { AccountInsight, Recommendation, Segment } from '../src/domain/types.js';
import { idChecksum } from '../src/http/salesforce-id.js';
import { mirrorResultsStore } from '../src/http/mirror-store.js';
import { startService } from '../src/http/service.js';
import { createLogger } from '../src/logging/logger.js';
import { openMirror } from '../src/mirror/db.js';
import { saveModelOutput } from '../src/mirror/results.js';
import { startServer } from '../src/server.js';
import { ONLINE_RETAIL_FILE, retailSample } from '@reco/local-org';

const { values } = parseArgs({ options: {
  duration: { type: 'string', default: '10' }, accounts: { type: 'string', default: '4300' }, 'per-account': { type: 'string', default: '20' },
  connections: { type: 'string', default: '1,50,200' },
  sync: { type: 'string', default: 'on' }, 'sync-customers': { type: 'string' }, 'sync-connections': { type: 'string', default: '50' },
  'org-nice': { type: 'string', default: '10' },
} });
const duration = Number(values.duration);
const accounts = Number(values.accounts);
const perAccount = Number(values['per-account']);
const levels = values.connections.split(',').map(Number);
const orgNice = Number(values['org-nice']);

const sfId = (prefix: string, n: number): string => {
  const id15 = `${prefix}5g${n.toString(36).padStart(10, '0')}`;
  return id15 + idChecksum(id15);
};

function syntheticOutput(): { ids: string[]; insights: AccountInsight[]; recommendations: Recommendation[]; segments: Segment[] } {
  const ids = Array.from({ length: accounts }, (_, i) => sfId('001', i + 1));
  const recommendations: Recommendation[] = [];
  for (const [a, accountId] of ids.entries()) {
    for (let r = 0; r < perAccount; r++) {
      const kind = r % 2 === 0 ? 'Cross-sell' : 'Buy again';
      recommendations.push({
        accountId, productId: sfId('01t', (a * 7 + r * 13) % 3600 + 1), kind, rank: Math.floor(r / 2) + 1, score: 1 - r / (perAccount + 1),
        confidence: r < 4 ? 'High' : 'Medium', reason: `Accounts that bought WHITE HANGING HEART T-LIGHT HOLDER also bought this (${r + 3} of ${r + 9})`,
        evidence: { coBuyers: r + 3, support: r + 9 }, expectedRevenue: 25 + r, opportunityId: null,
      });
    }
  }
  const insights = ids.map((accountId, i): AccountInsight => ({
    accountId, segmentKey: ['champions', 'loyal', 'at-risk'][i % 3], previousSegmentKey: null, segmentChangedOn: null, lifecycleStage: 'Active',
    recencyDays: i % 300, frequency: 1 + (i % 20), monetary: 100 * (1 + (i % 50)), averageOrderValue: 100, engagementScore: i % 100, churnRisk: (i % 10) / 10, holdout: false, signals: {},
  }));
  return { ids, insights, recommendations, segments: [] };
}

type LevelResult = {
  connections: number; requests: number; requestsPerSecond: number; latencyMs: { p50: number; p90: number; p99: number; p999: number | null; max: number; mean: number };
  non2xx: number; errors: number; timeouts: number;
  /** [latency in whole ms, responses] over the 2xx responses, to merge windows into one distribution. */
  histogram: Array<[number, number]>;
};
/**
 * The serving thread over the same interval: how long its event loop was held (perf_hooks.monitorEventLoopDelay)
 * and the CPU time it used (process.threadCpuUsage: this thread only, not the pipeline's). On a loaded machine
 * the delay also counts time the thread waited for a core; the CPU time does not, so a bump in it during a sync
 * is work the sync put on the serving thread.
 */
type LoopDelay = { maxMs: number; p99Ms: number; meanMs: number; cpuMs: number };
type Window = LevelResult & { loop: LoopDelay; stage: string; loadAverage: number };

function load(url: string, token: string, connections: number, seconds: number, ids: string[]): Promise<LevelResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'serve-load.ts'), url, token, String(connections), String(seconds)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as LevelResult) : reject(new Error(`load generator exited with ${code}`))));
    child.stdin.end(ids.join('\n'));
  });
}

/** Starts measuring this thread (the server's): call the result to stop and read it. */
function loopDelay(): () => LoopDelay {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const cpu = process.threadCpuUsage();
  return () => {
    h.disable();
    const used = process.threadCpuUsage(cpu);
    const ms = (ns: number): number => Math.round(ns / 1e5) / 10;
    return { maxMs: ms(h.max), p99Ms: ms(h.percentile(99)), meanMs: ms(h.mean), cpuMs: Math.round((used.user + used.system) / 1000) };
  };
}

const cpuPerRequest = (w: { requests: number; loop: LoopDelay }): number => Math.round((w.loop.cpuMs * 1000) / Math.max(1, w.requests));

/** Percentiles over the merged histograms of several windows (nearest rank, whole ms). */
function merged(windows: LevelResult[]): { requests: number; p50: number; p99: number; p999: number; max: number } {
  const counts = new Map<number, number>();
  for (const w of windows) for (const [ms, n] of w.histogram) counts.set(ms, (counts.get(ms) ?? 0) + n);
  const buckets = [...counts].sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((sum, [, n]) => sum + n, 0);
  const at = (q: number): number => {
    const rank = Math.ceil(q * total);
    let seen = 0;
    for (const [ms, n] of buckets) if ((seen += n) >= rank) return ms;
    return buckets.at(-1)?.[0] ?? 0;
  };
  return { requests: total, p50: at(0.5), p99: at(0.99), p999: at(0.999), max: buckets.at(-1)?.[0] ?? 0 };
}

const withoutHistogram = <T extends { histogram: unknown }>({ histogram: _, ...rest }: T): Omit<T, 'histogram'> => rest;

const loadAverage = (): string => os.loadavg().map((l) => l.toFixed(1)).join(' ');

type Level = LevelResult & { loop: LoopDelay; serverCpuUsPerRequest: number };

async function measure(url: string, connections: number): Promise<Level> {
  // The server's own CPU time per request does not depend on what else the machine runs, unlike latency.
  // Both servers live in this process and only one is under load at a time, so the process's CPU is theirs.
  const cpuBefore = process.cpuUsage();
  const stop = loopDelay();
  const r = await load(url, token, connections, duration, ids);
  const loop = stop();
  const cpu = process.cpuUsage(cpuBefore);
  return { ...r, loop, serverCpuUsPerRequest: Math.round(((cpu.user + cpu.system) / r.requests) * 10) / 10 };
}

async function startFloor(body: string): Promise<{ server: Server; url: string }> {
  const payload = Buffer.from(body);
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': payload.length });
    res.end(payload);
  });
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

type OrgCredentials = { instanceUrl: string; loginUrl: string; clientId: string; clientSecret: string; refreshToken: string };

/** local-org in a child process: in this one its request handling would share the measured service's event loop. */
async function startOrgProcess(data: string): Promise<{ credentials: OrgCredentials; close(): Promise<void> }> {
  const credentialsFile = path.join(dir, 'org-credentials.json');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../../local-org/src/cli.ts'), '--db', path.join(dir, 'org.db'), '--seed', `online-retail=${data}`, '--credentials-file', credentialsFile], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`local-org exited with ${child.exitCode} while seeding`);
    if (existsSync(credentialsFile)) {
      try {
        const credentials = JSON.parse(readFileSync(credentialsFile, 'utf8')) as OrgCredentials;
        // Seeded: from now on it stands for a remote org, which takes no CPU from the server's machine at all.
        // On 2 shared cores it cannot be absent, but it can yield (--org-nice 0 puts it on a par with the server).
        if (orgNice > 0 && child.pid) os.setPriority(child.pid, orgNice);
        return { credentials, close: async () => { child.kill('SIGTERM'); await exited; } };
      } catch {
        // written but not complete yet
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

type DuringSync = {
  noSync: Window; windows: Window[]; whole: ReturnType<typeof merged> & { loop: LoopDelay };
  stalls: Array<{ atSeconds: number; ms: number; stage: string }>; syncSeconds: number; syncStatus: string; seedSeconds: number;
};

/**
 * The no-sync row at the sync row's connections (the floor of this row, same server, same run), then windows
 * of load while a Full sync runs beside the service. Each window reports the serving thread's event-loop
 * delay next to the latency, and every stall of the loop over 50 ms is kept with the stage it happened in:
 * latency says that serving slowed, the loop delay says whether this thread was the one holding it.
 */
async function measureDuringSync(): Promise<DuringSync> {
  const syncConnections = Number(values['sync-connections']);
  const customers = values['sync-customers'] ? Number(values['sync-customers']) : null;
  const data = customers ? await retailSample(customers) : ONLINE_RETAIL_FILE;
  const t0 = Date.now();
  const org = await startOrgProcess(data);
  const seedSeconds = Math.round((Date.now() - t0) / 1000);
  process.stdout.write(`  during a Full sync: seeded local-org (its own process at nice ${orgNice}, as a real org is remote) from ${customers ? `${customers} customers` : 'the whole Online Retail file (the demo org)'} in ${seedSeconds} s\n`);
  const c = org.credentials;
  const syncConfig = loadConfig({ env: {}, overrides: { auth: { token }, server: { port: 0 }, schedule: { enabled: false }, log: { level: 'warn' }, store: { path: mirror.path } } });
  const live = await startServer(syncConfig, {
    logger: createLogger({ level: 'warn' }),
    connection: { flow: 'refresh-token', loginUrl: c.loginUrl, instanceUrl: c.instanceUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken },
  });
  const stageNow = (): string => [...(live.coordinator.current?.stages.values() ?? [])].filter((s) => s.status === 'running').map((s) => s.stage).join(',') || (live.coordinator.current ? 'between stages' : 'finished');
  const window = async (): Promise<Window> => {
    const stop = loopDelay();
    const r = await load(live.url, token, syncConnections, duration, ids);
    return { ...r, loop: stop(), stage: stageNow(), loadAverage: os.loadavg()[0] };
  };
  const line = (label: string, r: Window): string =>
    `    ${label}: p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, p99.9 ${r.latencyMs.p999} ms, max ${r.latencyMs.max} ms, ${Math.round(r.requestsPerSecond).toLocaleString()} req/s (non-2xx ${r.non2xx}, errors ${r.errors}); ` +
    `serving thread: loop delay max ${r.loop.maxMs} ms, p99 ${r.loop.p99Ms} ms, CPU ${cpuPerRequest(r)} us/request; load average ${r.loadAverage.toFixed(1)}\n`;
  try {
    await load(live.url, token, 10, 2, ids); // warm-up
    const noSync = await window();
    process.stdout.write(line(`${syncConnections} connections, no sync (this row's floor)`, noSync));
    const started = Date.now();
    // A stall detector beside the histograms: when, and in which stage, the serving thread was held.
    const stalls: DuringSync['stalls'] = [];
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      const late = now - last - 10;
      if (late >= 50) stalls.push({ atSeconds: Math.round((Date.now() - started) / 100) / 10, ms: Math.round(late), stage: stageNow() });
      last = now;
    }, 10);
    const stopWhole = loopDelay();
    live.coordinator.trigger('Full', 'manual');
    const done = live.coordinator.current!.done;
    const windows: Window[] = [];
    while (live.coordinator.current) {
      const w = await window();
      windows.push(w);
      process.stdout.write(line(`${syncConnections} connections, during the sync (window ${windows.length}, ${w.stage === 'finished' ? 'run finished' : `now ${w.stage}`})`, w));
    }
    const outcome = await done;
    const wholeLoop = stopWhole();
    clearInterval(ticker);
    const syncSeconds = Math.round((Date.now() - started) / 1000);
    const whole = { ...merged(windows), loop: wholeLoop };
    const floor = merged([noSync]);
    process.stdout.write(
      `    whole ${syncSeconds} s Full sync (${outcome?.status ?? 'no outcome'}, ${windows.length} windows, ${whole.requests.toLocaleString()} responses): ` +
      `p50 ${whole.p50} ms, p99 ${whole.p99} ms, p99.9 ${whole.p999} ms, max ${whole.max} ms; serving thread: loop delay max ${wholeLoop.maxMs} ms, p99 ${wholeLoop.p99Ms} ms, CPU ${cpuPerRequest({ requests: whole.requests, loop: wholeLoop })} us/request; load average ${loadAverage()}\n` +
      `      against the no-sync row: p99.9 ${whole.p999} vs ${floor.p999} ms, max ${whole.max} vs ${floor.max} ms, loop delay max ${wholeLoop.maxMs} vs ${noSync.loop.maxMs} ms, serving-thread CPU ${cpuPerRequest({ requests: whole.requests, loop: wholeLoop })} vs ${cpuPerRequest(noSync)} us/request (target during the sync: p99.9 < 100 ms, max < 250 ms)\n` +
      `      serving-thread stalls of 50 ms or more during the sync: ${stalls.length}${stalls.length ? ` (largest: ${[...stalls].sort((a, b) => b.ms - a.ms).slice(0, 5).map((s) => `${s.ms} ms at ${s.atSeconds} s in ${s.stage}`).join('; ')})` : ''}\n`,
    );
    return { noSync, windows, whole, stalls, syncSeconds, syncStatus: outcome?.status ?? 'none', seedSeconds };
  } finally {
    await live.close();
    await org.close();
  }
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'reco-bench-serve-'));
const mirror = openMirror(path.join(dir, 'mirror.db'));
const { ids, ...output } = syntheticOutput();
await saveModelOutput(mirror.sql, 'bench', { asOf: new Date().toISOString(), metrics: {}, ...output });
const token = 'bench-token-0123456789abcdef';
const config = loadConfig({ env: {}, overrides: { auth: { token }, server: { port: 0 }, schedule: { enabled: false }, log: { level: 'warn' } } });
const service = await startService(config, createLogger({ level: 'warn' }), {
  pipeline: () => Promise.reject(new Error('runs are not part of this benchmark')),
  store: mirrorResultsStore(mirror.db),
  orgProbe: async () => {},
  onClose: () => mirror.close(),
});
try {
  process.stdout.write(`bench:serve  load average ${loadAverage()}; ${accounts} accounts x ${perAccount} recommendations (${(accounts * perAccount).toLocaleString()} cached), ${os.cpus().length} CPUs, Node ${process.version}, ${duration} s per level\n`);
  await load(service.url, token, 10, 2, ids); // warm-up: JIT, connection pools
  const sample = await fetch(`${service.url}/accounts/${ids[0]}/recommendations?limit=10`, { headers: { authorization: `Bearer ${token}` } });
  const floor = await startFloor(await sample.text());
  await load(floor.url, token, 10, 2, ids);
  const results: Array<Omit<Level, 'histogram'> & { floor: Omit<Level, 'histogram'> }> = [];
  for (const connections of levels) {
    const r = await measure(service.url, connections);
    const f = await measure(floor.url, connections);
    results.push({ ...withoutHistogram(r), floor: withoutHistogram(f) });
    process.stdout.write(`  ${String(connections).padStart(3)} connections: p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms, ${Math.round(r.requestsPerSecond).toLocaleString()} req/s (${r.requests.toLocaleString()} requests, non-2xx ${r.non2xx}, errors ${r.errors}); server CPU ${r.serverCpuUsPerRequest} us/request; loop delay max ${r.loop.maxMs} ms, p99 ${r.loop.p99Ms} ms; load average ${loadAverage()}\n`);
    process.stdout.write(`      bare node:http floor: p50 ${f.latencyMs.p50} ms, p99 ${f.latencyMs.p99} ms, ${Math.round(f.requestsPerSecond).toLocaleString()} req/s, server CPU ${f.serverCpuUsPerRequest} us/request; Reco/floor throughput ${(r.requestsPerSecond / f.requestsPerSecond).toFixed(2)}\n`);
    if (r.non2xx || r.errors) throw new Error(`${r.non2xx} non-2xx responses and ${r.errors} errors at ${connections} connections`);
  }
  await new Promise((resolve) => floor.server.close(resolve));
  const duringSync = values.sync === 'off' ? null : await measureDuringSync();
  const summary = duringSync && { ...duringSync, noSync: withoutHistogram(duringSync.noSync), windows: duringSync.windows.map(withoutHistogram) };
  process.stdout.write(`${JSON.stringify({ accounts, perAccount, durationSeconds: duration, cpus: os.cpus().length, node: process.version, results, duringSync: summary })}\n`);
} finally {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
}
