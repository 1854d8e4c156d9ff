// Run history and manual triggers. The store holds what the pipeline persisted; for the active run the
// coordinator's live progress fills in until the pipeline has written its own record.
import { AppError, notFound } from '../app-error.js';
import type { ResultsStore, RunView } from '../ports.js';
import type { RunKind } from '../../domain/run.js';
import { RunInProgressError, RunOnAnotherReplicaError, ShuttingDownError, type ActiveRun, type RunCoordinator } from '../../schedule/run-coordinator.js';

export async function listRuns(store: ResultsStore, coordinator: RunCoordinator, limit: number): Promise<{ active: ReturnType<typeof activeView>; runs: RunView[] }> {
  const active = activeView(coordinator.current);
  return { active, runs: await store.listRuns(limit) };
}

export async function getRun(store: ResultsStore, coordinator: RunCoordinator, id: string): Promise<{ run: RunView }> {
  const stored = await store.getRun(id);
  const active = coordinator.current;
  if (active && active.runId === id) {
    const live = liveRun(active);
    return { run: stored ? { ...stored, stages: stored.stages.length ? stored.stages : live.stages } : live };
  }
  if (!stored) throw notFound(`No run with id ${id}`);
  return { run: stored };
}

/** Starts a run now; 409 while one runs (on this replica or another). Waits briefly for the pipeline to name the run so the caller gets its id. */
export async function triggerRun(store: ResultsStore, coordinator: RunCoordinator, kind: RunKind, waitMs = 2000): Promise<{ run: ReturnType<typeof activeView> & object }> {
  let active: ActiveRun;
  try {
    active = await coordinator.claim(kind, 'manual');
  } catch (error) {
    if (error instanceof RunInProgressError || error instanceof RunOnAnotherReplicaError) {
      throw new AppError('run_in_progress', `${error.message}; try again when it has finished`, 409);
    }
    if (error instanceof ShuttingDownError) throw new AppError('shutting_down', error.message, 503);
    throw error;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([active.named, new Promise((resolve) => { timer = setTimeout(resolve, waitMs); })]);
  clearTimeout(timer);
  const view = activeView(active)!;
  // A very short run may already be over; its stored record then has the final status.
  const finished = coordinator.current !== active && view.id ? await store.getRun(view.id) : undefined;
  return { run: finished ? { ...view, status: finished.status } : view };
}

function activeView(active: ActiveRun | null) {
  if (!active) return null;
  return { id: active.runId, kind: active.kind, source: active.source, status: 'Running', startedAt: active.startedAt, stages: [...active.stages.values()] };
}

function liveRun(active: ActiveRun): RunView {
  return {
    id: active.runId ?? '', kind: active.kind, status: 'Running', startedAt: active.startedAt, finishedAt: null, durationMs: null,
    stages: [...active.stages.values()], counts: {}, dataQuality: null, error: null,
  };
}
