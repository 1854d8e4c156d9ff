// Cron schedules for the two run kinds. A tick that finds a run in progress (here or on another replica) is
// skipped (the coordinator logs and counts it); runs never queue up behind each other.
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logging/logger.js';
import type { RunKind } from '../domain/run.js';
import { RunInProgressError, RunOnAnotherReplicaError, ShuttingDownError, type RunCoordinator } from './run-coordinator.js';

export type ScheduleSettings = { incremental: string; full: string; timezone: string };

export type Schedules = { stop(): Promise<void> };

export function startSchedules(coordinator: RunCoordinator, settings: ScheduleSettings, logger: Logger): Schedules {
  const tasks: ScheduledTask[] = (['Incremental', 'Full'] as const).map((kind: RunKind) => {
    const expression = kind === 'Full' ? settings.full : settings.incremental;
    logger.info({ kind, expression, timezone: settings.timezone }, 'schedule registered');
    const task = cron.schedule(expression, async () => {
      try {
        await coordinator.claim(kind, 'schedule');
      } catch (error) {
        // Every replica's schedule fires; the one that takes the run lock runs, the others skip (and log it).
        if (!(error instanceof RunInProgressError || error instanceof RunOnAnotherReplicaError || error instanceof ShuttingDownError)) {
          logger.error({ kind, err: error }, 'scheduled run could not start');
        }
      }
    }, { name: `reco-${kind.toLowerCase()}`, timezone: settings.timezone });
    // A tick is missed when a run's model step holds the event loop past it. node-cron would print its own
    // unstructured warning; listening replaces it with a log line that says which schedule and when.
    task.on('execution:missed', (context) => {
      logger.warn({ kind, scheduledFor: context.date.toISOString() }, 'scheduled run missed: the process was busy at its time; the next tick runs as usual');
    });
    return task;
  });
  return {
    async stop() {
      for (const task of tasks) await task.destroy();
    },
  };
}
