// One run at a time across replicas: the PostgreSQL advisory-lock lease.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import pg from 'pg';
import { openLeaseSession, postgresRunLease, type RunLease } from '../../sync-server/src/mirror/run-lease.js';
import { useTestDatabase } from '../support/postgres.js';

describe('run lease on PostgreSQL', function () {
  this.timeout(60_000);
  const db = useTestDatabase();
  const leases: RunLease[] = [];
  const lease = (name: string): RunLease => {
    const l = postgresRunLease(db().url, { name, heartbeatMs: 200 });
    leases.push(l);
    return l;
  };

  afterEach(async () => {
    await Promise.all(leases.splice(0).map((l) => l.close()));
  });

  it('lets exactly one replica hold it, names the holder, and passes it on when released', async () => {
    const a = lease('replica-a');
    const b = lease('replica-b');
    expect(await a.acquire()).to.equal(true);
    expect(await a.acquire(), 're-acquiring what it holds').to.equal(true);
    expect(await b.acquire()).to.equal(false);
    expect(b.held).to.equal(false);
    expect((await b.holder())?.application).to.equal('replica-a');
    await a.release();
    expect(a.held).to.equal(false);
    expect(await b.acquire()).to.equal(true);
    expect((await a.holder())?.application).to.equal('replica-b');
    await b.release();
    expect(await a.holder()).to.equal(null);
  });

  it('is free again as soon as the replica holding it is killed (kill -9), with no lease left to expire', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'lease-holder.fixture.ts'), db().url], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      expect(line.toString().trim()).to.equal('held');
      const b = lease('replica-b');
      expect(await b.acquire()).to.equal(false);
      expect((await b.holder())?.application).to.equal('replica-killed');
      const killedAt = Date.now();
      child.kill('SIGKILL');
      await once(child, 'exit');
      let took = -1;
      while (Date.now() - killedAt < 10_000) {
        if (await b.acquire()) {
          took = Date.now() - killedAt;
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(took, 'the other replica took the lease').to.be.within(0, 5_000);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('tells the holder it lost the lease when its session dies, so it stops before another replica starts', async () => {
    const a = lease('replica-a');
    expect(await a.acquire()).to.equal(true);
    const lost = new Promise<Error>((resolve) => a.onLost(resolve));
    const admin = new pg.Client({ connectionString: db().url });
    await admin.connect();
    try {
      const holder = await a.holder();
      await admin.query('SELECT pg_terminate_backend($1)', [holder?.pid]);
    } finally {
      await admin.end();
    }
    const reason = await lost;
    expect(reason.message).to.match(/run lease/);
    expect(reason.message).to.not.match(/password|:[^@/]*@/);
    expect(a.held).to.equal(false);
    expect(await lease('replica-b').acquire()).to.equal(true);
  });

  it("asks the server to end a holder's session once its host is silent for deadPeerMs, not after the OS's two hours", async () => {
    const c = await openLeaseSession(db().url, 'replica-settings', 30_000);
    try {
      const show = async (name: string): Promise<string> => ((await c.query<Record<string, string>>(`SHOW ${name}`)).rows[0] ?? {})[name] ?? '';
      expect(await show('tcp_keepalives_idle')).to.equal('10');
      expect(await show('tcp_keepalives_interval')).to.equal('3');
      expect(await show('tcp_keepalives_count')).to.equal('6');
      expect(await show('tcp_user_timeout')).to.equal('30000');
    } finally {
      await c.end();
    }
    expect(() => postgresRunLease(db().url, { deadPeerMs: 500 })).to.throw(/deadPeerMs must be at least 3000 \(ms\), got 500/);
  });

  it('counts the lease lost when the server stops answering its heartbeats (a server host that vanished)', async () => {
    const l = postgresRunLease(db().url, { name: 'replica-a', heartbeatMs: 200, deadPeerMs: 3000 });
    leases.push(l);
    expect(await l.acquire()).to.equal(true);
    const pid = (await l.holder())?.pid;
    expect(pid).to.be.a('number');
    const lost = new Promise<Error>((resolve) => l.onLost(resolve));
    const stoppedAt = Date.now();
    process.kill(pid as number, 'SIGSTOP'); // the server process of the session: alive, socket open, silent
    try {
      const reason = await Promise.race([lost, new Promise<null>((r) => setTimeout(() => r(null), 10_000))]);
      expect(reason?.message).to.match(/the run lease's server has not answered for [34] s/);
      expect(Date.now() - stoppedAt).to.be.within(3000, 5000);
      expect(l.held).to.equal(false);
    } finally {
      process.kill(pid as number, 'SIGCONT');
    }
  });
});
