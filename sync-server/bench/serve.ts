// `npm run bench:serve`: latency and throughput of GET /accounts/:id/recommendations, the call real-time
// callers (the LWC) make. The service runs here on a real mirror filled with a synthetic model output of the
// demo's size; autocannon runs in a second process on loopback at 1, 50 and 200 connections. The baseline,
// measured in the same run with the same load generator, is a bare node:http server answering every request
// with one fixed body of the same size: the floor of Node's HTTP stack on this machine, which no route can beat.
// Last, a "during a Full sync" row: the real service (startServer, the pipeline on its thread) over the same
// mirror, 50 connections in back-to-back windows for as long as a Full sync of the demo org (local-org seeded
// with the whole Online Retail file; --sync-customers N for a sample, --sync off to skip) runs beside it.
//   npm run bench:serve [-- --duration 10 --accounts 4300 --per-account 20]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
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
} });
const duration = Number(values.duration);
const accounts = Number(values.accounts);
const perAccount = Number(values['per-account']);
const levels = values.connections.split(',').map(Number);

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

type LevelResult = { connections: number; requests: number; requestsPerSecond: number; latencyMs: { p50: number; p90: number; p99: number; p999: number | null; max: number; mean: number }; non2xx: number; errors: number; timeouts: number };

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

async function measure(url: string, connections: number): Promise<LevelResult & { serverCpuUsPerRequest: number }> {
  // The server's own CPU time per request does not depend on what else the machine runs, unlike latency.
  // Both servers live in this process and only one is under load at a time, so the process's CPU is theirs.
  const cpuBefore = process.cpuUsage();
  const r = await load(url, token, connections, duration, ids);
  const cpu = process.cpuUsage(cpuBefore);
  return { ...r, serverCpuUsPerRequest: Math.round(((cpu.user + cpu.system) / r.requests) * 10) / 10 };
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
        return { credentials, close: async () => { child.kill('SIGTERM'); await exited; } };
      } catch {
        // written but not complete yet
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The no-sync row at the sync row's connections, then windows of load while a Full sync runs beside the service. */
async function measureDuringSync(): Promise<{ noSync: LevelResult; windows: LevelResult[]; syncSeconds: number; syncStatus: string; loadAverage: number[] }> {
  const syncConnections = Number(values['sync-connections']);
  const customers = values['sync-customers'] ? Number(values['sync-customers']) : null;
  const data = customers ? await retailSample(customers) : ONLINE_RETAIL_FILE;
  const t0 = Date.now();
  const org = await startOrgProcess(data);
  process.stdout.write(`  during a Full sync: seeded local-org (its own process, as a real org is remote) from ${customers ? `${customers} customers` : 'the whole Online Retail file (the demo org)'} in ${Math.round((Date.now() - t0) / 1000)} s\n`);
  const c = org.credentials;
  const syncConfig = loadConfig({ env: {}, overrides: { auth: { token }, server: { port: 0 }, schedule: { enabled: false }, log: { level: 'warn' }, store: { path: mirror.path } } });
  const live = await startServer(syncConfig, {
    logger: createLogger({ level: 'warn' }),
    connection: { flow: 'refresh-token', loginUrl: c.loginUrl, instanceUrl: c.instanceUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken },
  });
  try {
    await load(live.url, token, 10, 2, ids); // warm-up
    const noSync = await load(live.url, token, syncConnections, duration, ids);
    const line = (label: string, r: LevelResult): string =>
      `    ${label}: p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, p99.9 ${r.latencyMs.p999} ms, max ${r.latencyMs.max} ms, ${Math.round(r.requestsPerSecond).toLocaleString()} req/s (non-2xx ${r.non2xx}, errors ${r.errors}); load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`;
    process.stdout.write(line(`${syncConnections} connections, no sync`, noSync));
    const started = Date.now();
    live.coordinator.trigger('Full', 'manual');
    const done = live.coordinator.current!.done;
    const windows: LevelResult[] = [];
    while (live.coordinator.current) {
      const r = await load(live.url, token, syncConnections, duration, ids);
      windows.push(r);
      const stage = [...(live.coordinator.current?.stages.values() ?? [])].filter((s) => s.status === 'running' || s.status === 'pending').map((s) => s.stage).join(',') || 'finished';
      process.stdout.write(line(`${syncConnections} connections, during the sync (window ${windows.length}, now ${stage})`, r));
    }
    const outcome = await done;
    const syncSeconds = Math.round((Date.now() - started) / 1000);
    const worst = windows.reduce((m, w) => ({ p999: Math.max(m.p999, w.latencyMs.p999 ?? 0), max: Math.max(m.max, w.latencyMs.max) }), { p999: 0, max: 0 });
    process.stdout.write(`    during the ${syncSeconds} s Full sync (${outcome?.status ?? 'no outcome'}): worst window p99.9 ${worst.p999} ms, max ${worst.max} ms over ${windows.length} windows (target: p99.9 < 100 ms, max < 250 ms)\n`);
    return { noSync, windows, syncSeconds, syncStatus: outcome?.status ?? 'none', loadAverage: os.loadavg() };
  } finally {
    await live.close();
    await org.close();
  }
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'reco-bench-serve-'));
const mirror = openMirror(path.join(dir, 'mirror.db'));
const { ids, ...output } = syntheticOutput();
saveModelOutput(mirror.db, 'bench', { asOf: new Date().toISOString(), metrics: {}, ...output });
const token = 'bench-token-0123456789abcdef';
const config = loadConfig({ env: {}, overrides: { auth: { token }, server: { port: 0 }, schedule: { enabled: false }, log: { level: 'warn' } } });
const service = await startService(config, createLogger({ level: 'warn' }), {
  pipeline: () => Promise.reject(new Error('runs are not part of this benchmark')),
  store: mirrorResultsStore(mirror.db),
  orgProbe: async () => {},
  onClose: () => mirror.close(),
});
try {
  process.stdout.write(`bench:serve  load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${accounts} accounts x ${perAccount} recommendations (${(accounts * perAccount).toLocaleString()} cached), ${os.cpus().length} CPUs, Node ${process.version}, ${duration} s per level\n`);
  await load(service.url, token, 10, 2, ids); // warm-up: JIT, connection pools
  const sample = await fetch(`${service.url}/accounts/${ids[0]}/recommendations?limit=10`, { headers: { authorization: `Bearer ${token}` } });
  const floor = await startFloor(await sample.text());
  await load(floor.url, token, 10, 2, ids);
  const results: Array<LevelResult & { serverCpuUsPerRequest: number; floor: LevelResult & { serverCpuUsPerRequest: number } }> = [];
  for (const connections of levels) {
    const r = await measure(service.url, connections);
    const f = await measure(floor.url, connections);
    results.push({ ...r, floor: f });
    process.stdout.write(`  ${String(connections).padStart(3)} connections: p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms, ${Math.round(r.requestsPerSecond).toLocaleString()} req/s (${r.requests.toLocaleString()} requests, non-2xx ${r.non2xx}, errors ${r.errors}); server CPU ${r.serverCpuUsPerRequest} us/request\n`);
    process.stdout.write(`      bare node:http floor: p50 ${f.latencyMs.p50} ms, p99 ${f.latencyMs.p99} ms, ${Math.round(f.requestsPerSecond).toLocaleString()} req/s, server CPU ${f.serverCpuUsPerRequest} us/request; Reco/floor throughput ${(r.requestsPerSecond / f.requestsPerSecond).toFixed(2)}\n`);
    if (r.non2xx || r.errors) throw new Error(`${r.non2xx} non-2xx responses and ${r.errors} errors at ${connections} connections`);
  }
  await new Promise((resolve) => floor.server.close(resolve));
  const duringSync = values.sync === 'off' ? null : await measureDuringSync();
  process.stdout.write(`${JSON.stringify({ accounts, perAccount, durationSeconds: duration, cpus: os.cpus().length, node: process.version, results, duringSync })}\n`);
} finally {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
}
