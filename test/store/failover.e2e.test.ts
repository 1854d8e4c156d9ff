// Failover between replicas on one PostgreSQL store, with real processes: two `sync-server` processes share a
// database; the one running a Full run is killed with SIGKILL while its models stage runs; the other takes the
// same run over (same id, as a resume) and finishes it. Reco's records in the org then equal those of an
// uninterrupted run on an identical org copy, and the run ledger never holds two runs at once.
// With the model stage on partition workers (RECO_MODEL_WORKERS), the killed replica's partition run is marked
// abandoned and never served, and the run taken over still writes the same records.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { expect } from 'chai';
import pg from 'pg';
import { retailSample, type LocalOrg } from '@reco/local-org';
import { createConnection } from '../../sync-server/src/connect/connect.js';
import { api } from '../service/doubles.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { startRecoOrg } from '../support/reco-org.js';
import { recoRecords } from '../support/reco-records.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SERVER = path.join(ROOT, 'sync-server/src/server.ts');
const TOKEN = 'failover-token-0123456789abcdef';
const TAKEOVER_SECONDS = 1;
// Enough customers that the models stage lasts well over the 20 ms the test polls at, small enough that three
// Full runs (reference, killed, taken over) fit in the suite's time on two shared cores.
const CUSTOMERS = 100;

const sha = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Replica = { name: string; url: string; child: ChildProcess; logs: Array<Record<string, unknown>>; exited: Promise<void> };

const running = new Set<ChildProcess>();

/** The real server entry in its own process, on the org and store given, schedules off, listening on a free port. */
async function startReplica(name: string, org: LocalOrg, storeUrl: string, extraEnv: Record<string, string> = {}): Promise<Replica> {
  const c = org.credentials;
  // Nothing of this process's own RECO_* / SF_* settings may leak into the replica.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(RECO_|SF_)/.test(k)));
  const env = {
    ...inherited,
    RECO_STORE_URL: storeUrl, RECO_REPLICA_NAME: name, RECO_TAKEOVER_SECONDS: String(TAKEOVER_SECONDS),
    RECO_API_TOKEN: TOKEN, RECO_HOST: '127.0.0.1', RECO_PORT: '0', RECO_SCHEDULE_ENABLED: 'false', RECO_LOG_LEVEL: 'info',
    SF_AUTH_FLOW: 'refresh-token', SF_LOGIN_URL: c.loginUrl, SF_INSTANCE_URL: c.instanceUrl, SF_CLIENT_ID: c.clientId,
    SF_CLIENT_SECRET: c.clientSecret, SF_REFRESH_TOKEN: c.refreshToken, ...extraEnv,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => { running.delete(child); resolve(); }));
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`replica ${name} did not start in 60 s: ${stderr}`)), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try { entry = JSON.parse(line) as Record<string, unknown>; } catch { return; }
      logs.push(entry);
      if (entry.msg === 'http server listening') { clearTimeout(timer); resolve(entry.url as string); }
    });
    void exited.then(() => { clearTimeout(timer); reject(new Error(`replica ${name} exited before listening: ${stderr}`)); });
  });
  return { name, url, child, logs, exited };
}

async function stopReplica(replica: Replica | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!replica || replica.child.exitCode !== null || replica.child.signalCode !== null) return;
  replica.child.kill(signal);
  await replica.exited;
}

const call = (r: Replica, p: string, init: RequestInit = {}) => api(r.url, p, { ...init, token: TOKEN });

type RunBody = { id: string; status: string; startedAt: string; error: string | null; stages: Array<{ stage: string; status: string }> };

async function getRun(r: Replica, id: string): Promise<RunBody> {
  const res = await call(r, `/runs/${id}`);
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body.run as RunBody;
}

async function until<T>(what: string, timeoutMs: number, intervalMs: number, check: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Follows run `id` on one replica until it is no longer Running. */
function runEnd(on: Replica, id: string, what: string, timeoutMs: number): Promise<RunBody> {
  return until(what, timeoutMs, 200, async () => {
    const r = await getRun(on, id);
    return r.status !== 'Running' && r;
  });
}

/** Reco's records in the org served from `db`, hashed (see recoRecords for what is left out). */
async function orgHash(db: string): Promise<{ hash: string; counts: Record<string, number> }> {
  const org = await startRecoOrg({ port: 0, db });
  try {
    const c = org.credentials;
    const conn = await createConnection({ flow: 'refresh-token', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken });
    const records = await recoRecords(conn);
    return { hash: sha(records), counts: Object.fromEntries(Object.entries(records).map(([k, v]) => [k, v.length])) };
  } finally {
    await org.close();
  }
}

type LedgerRow = { id: string; kind: string; status: string; started_at: string; finished_at: string | null };

async function readLedger(url: string): Promise<LedgerRow[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<LedgerRow>('SELECT id, kind, status, started_at, finished_at FROM runs ORDER BY started_at')).rows;
  } finally {
    await client.end();
  }
}

/** Every pair of runs whose [started_at, finished_at] intervals share an instant; an unfinished run is open-ended. */
function overlappingRuns(rows: readonly LedgerRow[]): Array<[string, string]> {
  const span = (r: LedgerRow): [number, number] => [Date.parse(r.started_at), r.finished_at ? Date.parse(r.finished_at) : Infinity];
  const out: Array<[string, string]> = [];
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      const [a0, a1] = span(rows[i]);
      const [b0, b1] = span(rows[j]);
      if (a0 <= b1 && b0 <= a1) out.push([rows[i].id, rows[j].id]);
    }
  }
  return out;
}

describe('store: failover between two replicas on one PostgreSQL', function () {
  this.timeout(240_000);
  let dir: string;
  let dbA: TestDatabase | undefined;
  let dbB: TestDatabase | undefined;
  let dbC: TestDatabase | undefined;
  let org: LocalOrg | undefined;
  const replicas: Replica[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'reco-failover-'));
    const seed = path.join(dir, 'seed.db');
    const seeded = await startRecoOrg({ port: 0, db: seed, seed: { onlineRetail: await retailSample(CUSTOMERS) } });
    await seeded.close();
    copyFileSync(seed, path.join(dir, 'org-a.db'));
    copyFileSync(seed, path.join(dir, 'org-b.db'));
    copyFileSync(seed, path.join(dir, 'org-c.db'));
    dbA = await createTestDatabase();
    dbB = await createTestDatabase();
    dbC = await createTestDatabase();
  });
  /** Stops the last replica and the org (so its file is complete), then hashes the org's Reco records. */
  const orgAfter = async (last: Replica, file: string): ReturnType<typeof orgHash> => {
    await stopReplica(last);
    await org?.close();
    org = undefined;
    return orgHash(path.join(dir, file));
  };

  afterEach(async () => {
    for (const r of replicas.splice(0)) await stopReplica(r, 'SIGKILL');
    await org?.close();
    org = undefined;
  });
  after(async () => {
    for (const child of running) child.kill('SIGKILL');
    await dbA?.drop();
    await dbB?.drop();
    await dbC?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('checks the overlap rule itself on a ledger that breaks it', () => {
    const row = (id: string, started: string, finished: string | null): LedgerRow => ({ id, kind: 'Full', status: 'Succeeded', started_at: started, finished_at: finished });
    expect(overlappingRuns([row('a', '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z'), row('b', '2026-01-01T00:01:01Z', '2026-01-01T00:02:00Z')])).to.deep.equal([]);
    expect(overlappingRuns([row('a', '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z'), row('b', '2026-01-01T00:00:30Z', '2026-01-01T00:02:00Z')])).to.deep.equal([['a', 'b']]);
    expect(overlappingRuns([row('a', '2026-01-01T00:00:00Z', null), row('c', '2026-01-02T00:00:00Z', '2026-01-02T00:01:00Z')])).to.deep.equal([['a', 'c']]);
  });

  let reference: { hash: string; counts: Record<string, number> };

  it('reference: one replica runs a Full run to Succeeded', async () => {
    org = await startRecoOrg({ port: 0, db: path.join(dir, 'org-a.db') });
    const only = await startReplica('replica-ref', org, dbA!.url);
    replicas.push(only);
    const started = await call(only, '/runs', { method: 'POST', body: JSON.stringify({ kind: 'Full' }) });
    expect(started.status, JSON.stringify(started.body)).to.equal(202);
    const id = started.body.run.id as string;
    const run = await runEnd(only, id, 'the reference run to end', 120_000);
    expect(run.status, JSON.stringify(run.error)).to.equal('Succeeded');
    reference = await orgAfter(only, 'org-a.db');
    expect(reference.counts.Product_Recommendation__c, 'the run wrote recommendations').to.be.greaterThan(0);
    const ledger = await readLedger(dbA!.url);
    expect(ledger.map((r) => [r.id, r.status])).to.deep.equal([[id, 'Succeeded']]);
  });

  it('failover: the replica running the run is killed in the models stage, the other finishes the same run', async () => {
    expect(reference, 'the reference run').to.not.equal(undefined);
    org = await startRecoOrg({ port: 0, db: path.join(dir, 'org-b.db') });
    const [one, two] = await Promise.all([startReplica('replica-1', org, dbB!.url), startReplica('replica-2', org, dbB!.url)]);
    replicas.push(one, two);

    const started = await call(one, '/runs', { method: 'POST', body: JSON.stringify({ kind: 'Full' }) });
    expect(started.status, JSON.stringify(started.body)).to.equal(202);
    const id = started.body.run.id as string;
    expect(id).to.be.a('string');

    // The other replica serves the same run and its progress, from the shared store.
    const seenOnTwo = await until('replica 2 to show the run with progress', 30_000, 50, async () => {
      const r = await call(two, `/runs/${id}`);
      return r.status === 200 && (r.body.run as RunBody).stages.some((s) => s.status === 'done') && (r.body.run as RunBody);
    });
    expect(seenOnTwo.id).to.equal(id);
    expect(seenOnTwo.status).to.equal('Running');

    // Only one replica runs: the other refuses, naming the one that runs (also when the POST lands while replica
    // 2's own takeover watch is probing the lock, which it does every second here).
    const refused = await call(two, '/runs', { method: 'POST', body: JSON.stringify({ kind: 'Full' }) });
    expect(refused.status, JSON.stringify(refused.body)).to.equal(409);
    expect(refused.body.error.message).to.contain('replica-1');

    // The kill lands while the models stage runs: the live progress on replica 1 says so, polled every 20 ms.
    await until('the models stage to run on replica 1', 120_000, 20, async () => {
      const r = await getRun(one, id);
      if (r.status !== 'Running') throw new Error(`the run ended (${r.status}) before its models stage was seen running`);
      return r.stages.find((s) => s.stage === 'models')?.status === 'running';
    });
    one.child.kill('SIGKILL');
    const killedAt = Date.now();
    await one.exited;
    // Still running, as far as the kill left it: the models stage had not finished.
    const atKill = await getRun(two, id);
    expect(atKill.status).to.equal('Running');
    expect(atKill.stages.find((s) => s.stage === 'models')?.status, 'killed during the models stage').to.equal('running');

    // Replica 2 takes the run over: same id, as a resume.
    const resumed = await until('replica 2 to take the run over', 30_000, 20, async () => {
      const r = await call(two, '/runs');
      const active = r.body.active as { id: string | null; source: string } | null;
      return active?.source === 'resume' && active;
    });
    const takeoverMs = Date.now() - killedAt;
    // PostgreSQL frees the lock as soon as the killed process's session ends (on loopback, at the kill); replica
    // 2 looks every TAKEOVER_SECONDS, so it claims within one interval of that, plus the time one look takes
    // (a query for the unfinished run and a lock call) and this test's 20 ms polling. One more interval covers a
    // look that had just started when the lock was still held, and the scheduling delays of two shared cores.
    expect(takeoverMs, `took over ${takeoverMs} ms after the kill`).to.be.below(2 * TAKEOVER_SECONDS * 1000 + 1000);
    const tookOver = await until('replica 2 to log the takeover', 5_000, 20, async () => two.logs.find((l) => String(l.msg).startsWith('took over an unfinished run')));
    expect(tookOver.runId, 'replica 2 logged the takeover of this run').to.equal(id);
    if (resumed.id !== null) expect(resumed.id).to.equal(id);

    const finished = await runEnd(two, id, 'the taken-over run to end', 120_000);
    expect(finished.status, JSON.stringify(finished.error)).to.equal('Succeeded');
    expect(finished.stages.filter((s) => s.status !== 'done').map((s) => s.stage), 'every stage done').to.deep.equal([]);
    expect(two.logs.some((l) => l.msg === 'resuming run' && l.runId === id), 'the pipeline resumed the run under its own id').to.equal(true);
    console.log(`      killed in the models stage; replica 2 took over after ${takeoverMs} ms (interval ${TAKEOVER_SECONDS} s)`);

    const failedOver = await orgAfter(two, 'org-b.db');
    expect(failedOver.counts).to.deep.equal(reference.counts);
    expect(failedOver.hash, "Reco's records equal those of the run with no kill").to.equal(reference.hash);

    // The ledger: the one run, taken over rather than started again, and no two runs ever overlapped.
    const ledger = await readLedger(dbB!.url);
    expect(ledger.map((r) => [r.id, r.kind, r.status])).to.deep.equal([[id, 'Full', 'Succeeded']]);
    expect(ledger[0].started_at, 'resumed, not started again').to.equal(seenOnTwo.startedAt);
    expect(overlappingRuns(ledger)).to.deep.equal([]);
  });

  it('with the model stage on workers elsewhere: the killed replica\'s partition run is abandoned, not served; the other finishes the run', async () => {
    expect(reference, 'the reference run').to.not.equal(undefined);
    org = await startRecoOrg({ port: 0, db: path.join(dir, 'org-c.db') });
    // Workers elsewhere (RECO_MODEL_WORKERS=0): none runs until the kill, so replica 1's partition run cannot
    // finish before it, whatever the machine's speed.
    const workersEnv = { RECO_MODEL_WORKERS: '0', RECO_MODEL_PARTITION_ACCOUNTS: '20' };
    const [one, two] = await Promise.all([startReplica('replica-1', org, dbC!.url, workersEnv), startReplica('replica-2', org, dbC!.url, workersEnv)]);
    replicas.push(one, two);
    const started = await call(one, '/runs', { method: 'POST', body: JSON.stringify({ kind: 'Full' }) });
    expect(started.status, JSON.stringify(started.body)).to.equal(202);
    const id = started.body.run.id as string;

    const db = new pg.Client({ connectionString: dbC!.url });
    await db.connect();
    let worker: ChildProcess | undefined;
    try {
      const published = await until('replica 1 to publish its partition run', 120_000, 20, async () => {
        if (!(await db.query<{ t: string | null }>(`SELECT to_regclass('reco_part_partitions')::text AS t`)).rows[0].t) return false;
        const rows = (await db.query<{ run_id: string; partitions: number; published: number }>(
          `SELECT r.run_id, r.partitions, count(p.idx)::int AS published FROM reco_part_runs r LEFT JOIN reco_part_partitions p USING (run_id) GROUP BY r.run_id, r.partitions`,
        )).rows;
        return rows[0] && rows[0].published === rows[0].partitions && rows[0];
      });
      expect(published.partitions).to.be.greaterThan(2);
      one.child.kill('SIGKILL');
      await one.exited;
      // A worker started by hand, as on another machine: it must not serve the dead replica's run.
      const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(RECO_|SF_)/.test(k)));
      worker = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'sync-server/src/scale/worker-main.ts')], { cwd: ROOT, env: { ...inherited, RECO_STORE_URL: dbC!.url }, stdio: ['ignore', 'pipe', 'inherit'] });
      running.add(worker);
      const workerExit = new Promise<number | null>((resolve) => worker!.once('exit', (code) => resolve(code)));

      const finished = await runEnd(two, id, 'the taken-over run to end', 180_000);
      expect(finished.status, JSON.stringify(finished.error)).to.equal('Succeeded');
      // The dead coordinator's partition run was marked abandoned and never computed; replica 2's made the output.
      const runs = (await db.query<{ run_id: string; status: string; results: number }>(
        `SELECT r.run_id, r.status, (SELECT count(*)::int FROM reco_part_results x WHERE x.run_id = r.run_id) AS results FROM reco_part_runs r ORDER BY r.created_at`,
      )).rows;
      expect(runs.map((r) => [r.run_id === published.run_id, r.status])).to.deep.equal([[true, 'abandoned'], [false, 'done']]);
      expect(runs[0].results, 'no partition of the abandoned run was computed').to.equal(0);
      expect(runs[1].results).to.be.greaterThan(2);
      worker.kill('SIGTERM');
      expect(await workerExit).to.equal(0);
    } finally {
      if (worker && worker.exitCode === null) worker.kill('SIGKILL');
      await db.end();
    }
    const failedOver = await orgAfter(two, 'org-c.db');
    expect(failedOver.counts).to.deep.equal(reference.counts);
    expect(failedOver.hash, "Reco's records equal those of the one-process run with no kill").to.equal(reference.hash);
    const ledger = await readLedger(dbC!.url);
    expect(ledger.map((r) => [r.id, r.status])).to.deep.equal([[id, 'Succeeded']]);
  });
});
