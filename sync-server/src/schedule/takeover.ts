// Failover between replicas sharing a store. A replica that dies mid-run leaves the run unfinished in the
// ledger and, with its session gone, the run lock free. Every replica looks every `intervalMs`: if it runs
// nothing itself and the store holds an unfinished run, it claims the run; the claim succeeds only while no
// live replica holds the lock, so a run still going elsewhere is left alone and the dead one's run resumes
// from its last checkpoint under its own id.
import type { Logger } from '../logging/logger.js';
import type { RunKind } from '../domain/run.js';
import { RunInProgressError, RunOnAnotherReplicaError, ShuttingDownError, type RunCoordinator } from './run-coordinator.js';

export type UnfinishedRunProbe = () => Promise<{ id: string; kind: RunKind } | undefined>;

export type Takeover = { stop(): void; /** One look now (the timer's work), for tests and start-up. */ check(): Promise<string | null> };

export function startTakeover(coordinator: RunCoordinator, unfinished: UnfinishedRunProbe, options: { intervalMs: number }, logger: Logger): Takeover {
  let checking = false;
  const check = async (): Promise<string | null> => {
    if (checking || coordinator.current) return null;
    checking = true;
    try {
      const run = await unfinished();
      if (!run) return null;
      await coordinator.claim(run.kind, 'resume', { probe: true });
      logger.warn({ runId: run.id, kind: run.kind }, 'took over an unfinished run: the replica running it is gone');
      return run.id;
    } catch (error) {
      // Someone runs it (here or elsewhere), or we are stopping: nothing to take over.
      if (error instanceof RunOnAnotherReplicaError || error instanceof RunInProgressError || error instanceof ShuttingDownError) return null;
      logger.error({ err: error }, 'takeover check failed; trying again at the next interval');
      return null;
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), check };
}
