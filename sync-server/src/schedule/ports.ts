// What the scheduler needs from the sync engine, as an interface: the composition root adapts runPipeline to
// it, and tests drive the scheduler with an in-process double.
import type { FinishedRunStatus, ProgressEvent, RunKind, RunStatus } from '../domain/run.js';

export type RunOutcome = {
  runId: string;
  status: FinishedRunStatus;
  durationMs?: number;
  /** Records handled per stage or object, for the records metric. */
  counts?: Record<string, number>;
  apiCalls?: number;
  error?: string | null;
};

export type Pipeline = (kind: RunKind, options: { signal: AbortSignal; onProgress: (event: ProgressEvent) => void }) => Promise<RunOutcome>;

/** The run the store last recorded, to decide at start whether an interrupted run must be resumed. */
export type LastRunProbe = () => { id: string; kind: RunKind; status: RunStatus } | undefined;

/**
 * The lock that makes "one run at a time" hold across replicas sharing a store (mirror/run-lease.ts on
 * PostgreSQL). Without one, the coordinator's own in-process rule is all there is (the embedded SQLite store).
 */
export type RunLock = {
  acquire(): Promise<boolean>;
  release(): Promise<void>;
  holder(): Promise<{ application: string; pid: number } | null>;
  /** Called if the lock is lost while held: another replica may already be taking over. */
  onLost(listener: (reason: Error) => void): void;
};
