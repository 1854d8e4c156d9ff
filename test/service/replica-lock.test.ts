// Two replicas on one PostgreSQL: the run lock keeps runs one at a time across them, a lost lock stops the
// run, and a run left unfinished by a dead replica is taken over by the other.
import { expect } from 'chai';
import type { RunKind } from '@reco/sync-server/domain/run.js';
import { createMetrics } from '@reco/sync-server/logging/metrics.js';
import { postgresRunLease, type RunLease } from '@reco/sync-server/mirror/run-lease.js';
import { RunCoordinator, RunLockLostError, RunOnAnotherReplicaError } from '@reco/sync-server/schedule/run-coordinator.js';
import type { Pipeline } from '@reco/sync-server/schedule/ports.js';
import { startTakeover } from '@reco/sync-server/schedule/takeover.js';
import pg from 'pg';
import { useTestDatabase } from '../support/postgres.js';
import { memoryLogger, waitFor } from './doubles.js';

type Call = { replica: string; kind: RunKind; signal: AbortSignal };

/** A pipeline that runs until released (or aborted), recording who ran what. */
function heldPipeline(replica: string, calls: Call[], release: { next: Promise<void> }): Pipeline {
  return async (kind, { signal, onProgress }) => {
    calls.push({ replica, kind, signal });
    onProgress({ runId: 'run-1', stage: 'connect', status: 'running' } as never);
    await Promise.race([release.next, new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)))]);
    return { runId: 'run-1', status: 'Succeeded' };
  };
}

describe('replicas: the run lock', function () {
  this.timeout(60_000);
  const db = useTestDatabase();
  const leases: RunLease[] = [];
  const replica = (name: string, calls: Call[], release: { next: Promise<void> }) => {
    const lock = postgresRunLease(db().url, { name, heartbeatMs: 200 });
    leases.push(lock);
    const log = memoryLogger();
    const coordinator = new RunCoordinator({ pipeline: heldPipeline(name, calls, release), logger: log.logger, metrics: createMetrics(), lock });
    return { coordinator, lock, lines: log.lines };
  };

  afterEach(async () => {
    await Promise.all(leases.splice(0).map((l) => l.close()));
  });

  it('runs one run at a time across replicas, and says which replica has it', async () => {
    const calls: Call[] = [];
    let finish!: () => void;
    const release = { next: new Promise<void>((r) => (finish = r)) };
    const a = replica('replica-a', calls, release);
    const b = replica('replica-b', calls, release);
    const run = await a.coordinator.claim('Full', 'manual');
    const refused = await b.coordinator.claim('Incremental', 'schedule').catch((e: Error) => e);
    expect(refused).to.be.instanceOf(RunOnAnotherReplicaError);
    expect((refused as RunOnAnotherReplicaError).holder?.application).to.equal('replica-a');
    expect(b.lines.some((l) => l.msg === 'run skipped: another replica is running one' && l.holder === 'replica-a')).to.equal(true);
    finish();
    expect((await run.done)?.status).to.equal('Succeeded');
    // The lock is given back after the outcome is recorded: the other replica may run now.
    release.next = new Promise<void>((r) => (finish = r));
    await waitFor(async () => !(await a.lock.holder()), 5000, 'the lock released');
    const second = await b.coordinator.claim('Incremental', 'manual');
    finish();
    await second.done;
    expect(calls.map((c) => [c.replica, c.kind])).to.deep.equal([['replica-a', 'Full'], ['replica-b', 'Incremental']]);
  });

  it('answers a claim made while its own takeover probe is in flight with the replica that really runs', async () => {
    const calls: Call[] = [];
    let finish!: () => void;
    const release = { next: new Promise<void>((r) => (finish = r)) };
    const a = replica('replica-a', calls, release);
    const b = replica('replica-b', calls, release);
    const run = await a.coordinator.claim('Full', 'manual');
    // The takeover watch's probe and a POST /runs on the idle replica, at the same moment.
    const [probe, manual] = await Promise.all([
      b.coordinator.claim('Full', 'resume', { probe: true }).catch((e: Error) => e),
      b.coordinator.claim('Full', 'manual').catch((e: Error) => e),
    ]);
    expect(probe).to.be.instanceOf(RunOnAnotherReplicaError);
    // Not "a run is already running" here: replica-b runs nothing, replica-a does.
    expect(manual).to.be.instanceOf(RunOnAnotherReplicaError);
    expect((manual as RunOnAnotherReplicaError).holder?.application).to.equal('replica-a');
    finish();
    await run.done;
    expect(calls.map((c) => c.replica)).to.deep.equal(['replica-a']);
  });

  it('stops the run when its lock is lost, and the other replica takes the unfinished run over', async () => {
    const calls: Call[] = [];
    const release = { next: new Promise<void>(() => undefined) };
    const a = replica('replica-a', calls, release);
    const b = replica('replica-b', calls, release);
    let unfinished: { id: string; kind: RunKind } | undefined = { id: 'run-1', kind: 'Full' };
    const watch = startTakeover(b.coordinator, async () => unfinished, { intervalMs: 60_000 }, memoryLogger().logger);
    try {
      const run = await a.coordinator.claim('Full', 'manual');
      // The owner is alive: the watch leaves its run alone, and counts no skipped run.
      expect(await watch.check()).to.equal(null);
      expect(b.lines.some((l) => String(l.msg).startsWith('run skipped'))).to.equal(false);

      // A's session dies (a network cut, the server restarting it): PostgreSQL frees the lock, A must stop.
      const holder = await b.lock.holder();
      const admin = new pg.Client({ connectionString: db().url });
      await admin.connect();
      await admin.query('SELECT pg_terminate_backend($1)', [holder?.pid]);
      await admin.end();
      expect(await run.done, 'the aborted run ends without an outcome').to.equal(null);
      expect(calls[0].signal.reason).to.be.instanceOf(RunLockLostError);
      expect(a.lines.some((l) => l.msg === 'run lock lost' && l.level === 'error')).to.equal(true);

      // The run is still unfinished in the store: B takes it over, as a resume.
      // PostgreSQL frees the lock when the terminated backend has exited, a moment after A saw the error: the
      // watch takes the run at its first look after that, as it would at its next interval.
      expect(await waitFor(async () => (await watch.check()) ?? false, 5000, 'the takeover')).to.equal('run-1');
      expect(calls.map((c) => [c.replica, c.kind])).to.deep.equal([['replica-a', 'Full'], ['replica-b', 'Full']]);
      expect(b.coordinator.current?.source).to.equal('resume');
      expect((await a.coordinator.claim('Full', 'manual').catch((e: Error) => e))).to.be.instanceOf(RunOnAnotherReplicaError);
      unfinished = undefined;
    } finally {
      watch.stop();
      if (b.coordinator.current) await b.coordinator.shutdown(1000);
    }
  });
});
