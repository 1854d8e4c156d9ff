// Owns "at most one run at a time": every trigger (cron tick, POST /runs, resume at start) goes through
// trigger(), which refuses while a run is active. Shutdown aborts the active run through its AbortSignal and
// waits for the pipeline to checkpoint, instead of killing it half-way.
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../logging/metrics.js';
import type { RunKind, Stage, StageProgress } from '../domain/run.js';
import type { Pipeline, RunLock, RunOutcome } from './ports.js';

export type RunSource = 'manual' | 'schedule' | 'resume';

export type ActiveRun = {
  kind: RunKind;
  source: RunSource;
  startedAt: string;
  runId: string | null;
  stages: Map<Stage, StageProgress>;
  /** Resolves once the pipeline has named the run (first progress event) or finished. */
  named: Promise<string | null>;
  done: Promise<RunOutcome | null>;
};

export class RunInProgressError extends Error {
  public constructor(public readonly active: ActiveRun) {
    super(`A ${active.kind} run${active.runId ? ` (${active.runId})` : ''} is already running`);
    this.name = 'RunInProgressError';
  }
}

/** Another replica holds the run lock: it is running (or resuming) a run right now. */
export class RunOnAnotherReplicaError extends Error {
  public constructor(
    public readonly kind: RunKind,
    public readonly holder: { application: string; pid: number } | null,
  ) {
    super(`A run is already in progress on another replica${holder ? ` (${holder.application})` : ''}`);
    this.name = 'RunOnAnotherReplicaError';
  }
}

/** The run lock was lost mid-run (the store connection died): this replica stops so another can take over. */
export class RunLockLostError extends Error {
  public constructor(cause: Error) {
    super(`stopped the run: ${cause.message}; another replica takes it over from its last checkpoint`, { cause });
    this.name = 'RunLockLostError';
  }
}

export class ShuttingDownError extends Error {
  public constructor() {
    super('The service is shutting down');
    this.name = 'ShuttingDownError';
  }
}

export type RunCoordinatorDeps = {
  pipeline: Pipeline;
  logger: Logger;
  metrics: Metrics;
  /** Called after every run that produced an outcome (e.g. to refresh caches). */
  onRunFinished?: (outcome: RunOutcome) => void;
  /** Called when a stage reports done (e.g. to publish model results before write-back finishes). */
  onStageDone?: (stage: Stage, runId: string) => void;
  /** Shared with the other replicas on the same store; claim() takes it before a run and gives it back after. */
  lock?: RunLock;
};

export class RunCoordinator {
  private active: (ActiveRun & { controller: AbortController }) | null = null;
  private closing = false;
  private claimInFlight: Promise<void> | null = null;

  public constructor(private readonly deps: RunCoordinatorDeps) {
    deps.lock?.onLost((reason) => {
      const run = this.active;
      this.deps.logger.error({ runId: run?.runId, err: reason }, 'run lock lost');
      run?.controller.abort(new RunLockLostError(reason));
    });
  }

  public get current(): ActiveRun | null {
    return this.active;
  }

  /**
   * Starts a run if no run is going on here or on any replica sharing the store: takes the run lock first
   * (when there is one) and gives it back when the run ends. Every trigger should come through here; trigger()
   * alone is the single-process rule.
   */
  public async claim(kind: RunKind, source: RunSource, options: { probe?: boolean } = {}): Promise<ActiveRun> {
    const lock = this.deps.lock;
    if (!lock) return this.trigger(kind, source);
    // One claim at a time, and a second one waits for the first's answer rather than being refused as if a run
    // were going on here: the takeover watch probes the lock every few seconds on a replica that runs nothing,
    // and a POST /runs landing during a probe must still hear who really runs (another replica, or nobody).
    while (this.claimInFlight) await this.claimInFlight;
    this.refuseIfBusy(kind, source);
    let settled!: () => void;
    this.claimInFlight = new Promise<void>((resolve) => { settled = resolve; });
    let held = false;
    try {
      held = await lock.acquire();
    } finally {
      this.claimInFlight = null;
      settled();
    }
    if (!held) {
      const holder = await lock.holder().catch(() => null);
      // A probe (the takeover watch finding the run's owner alive) is not a skipped run.
      if (!options.probe) {
        this.deps.metrics.runsSkipped.inc({ kind, source });
        this.deps.logger.info({ kind, source, holder: holder?.application ?? null }, 'run skipped: another replica is running one');
      }
      throw new RunOnAnotherReplicaError(kind, holder);
    }
    let run: ActiveRun;
    try {
      run = this.trigger(kind, source);
    } catch (error) {
      await lock.release();
      throw error;
    }
    // Released only after the pipeline has checkpointed and recorded the outcome, so a replica that takes the
    // lock next finds the run's final state in the store.
    void run.done.finally(() => lock.release().catch((error: unknown) => this.deps.logger.warn({ err: error }, 'run lock: release failed; it is freed when the session ends')));
    return run;
  }

  public trigger(kind: RunKind, source: RunSource): ActiveRun {
    this.refuseIfBusy(kind, source);
    const controller = new AbortController();
    let resolveNamed!: (id: string | null) => void;
    const named = new Promise<string | null>((resolve) => { resolveNamed = resolve; });
    const run: ActiveRun & { controller: AbortController } = {
      kind, source, startedAt: new Date().toISOString(), runId: null, stages: new Map(), named, controller,
      done: Promise.resolve(null),
    };
    this.active = run;
    const logger = this.deps.logger.child({ kind, source });
    logger.info('run started');
    const started = process.hrtime.bigint();
    run.done = this.deps.pipeline(kind, {
      signal: controller.signal,
      onProgress: (event) => {
        if (!run.runId) {
          run.runId = event.runId;
          resolveNamed(event.runId);
        }
        const previous = run.stages.get(event.stage);
        run.stages.set(event.stage, { ...previous, stage: event.stage, status: event.status, records: event.records ?? previous?.records ?? null });
        logger.debug({ runId: event.runId, stage: event.stage, status: event.status }, 'run progress');
        if (event.status === 'done' && previous?.status !== 'done') this.notify(() => this.deps.onStageDone?.(event.stage, event.runId), logger);
      },
    }).then((outcome) => {
      this.record(kind, outcome, started);
      logger.info({ runId: outcome.runId, status: outcome.status, durationMs: outcome.durationMs, counts: outcome.counts }, 'run finished');
      return outcome;
    }, (error: unknown) => {
      this.deps.metrics.runFailures.inc({ kind });
      this.deps.metrics.runs.inc({ kind, status: 'Failed' });
      logger.error({ runId: run.runId, err: error }, 'run failed');
      return null;
    }).then((outcome) => {
      resolveNamed(outcome?.runId ?? run.runId);
      this.active = null;
      if (outcome) this.notifyFinished(outcome, logger);
      return outcome;
    });
    return run;
  }

  private refuseIfBusy(kind: RunKind, source: RunSource): void {
    if (this.closing) throw new ShuttingDownError();
    const active = this.active ?? (this.claimInFlight ? { kind, source, startedAt: new Date().toISOString(), runId: null, stages: new Map(), named: Promise.resolve(null), done: Promise.resolve(null) } : null);
    if (active) {
      this.deps.metrics.runsSkipped.inc({ kind, source });
      this.deps.logger.info({ kind, source, activeRunId: active.runId, activeKind: active.kind }, 'run skipped: another run is in progress');
      throw new RunInProgressError(active);
    }
  }

  /** Stops accepting runs, asks the active one to checkpoint, and waits up to graceMs for it. */
  public async shutdown(graceMs: number): Promise<'idle' | 'stopped' | 'timeout'> {
    this.closing = true;
    const run = this.active;
    if (!run) return 'idle';
    this.deps.logger.info({ runId: run.runId, kind: run.kind }, 'shutdown: asking the run to checkpoint');
    run.controller.abort(new ShuttingDownError());
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), graceMs); });
    const result = await Promise.race([run.done.then(() => 'stopped' as const), timeout]);
    clearTimeout(timer);
    if (result === 'timeout') this.deps.logger.warn({ runId: run.runId, graceMs }, 'shutdown: run did not stop in time');
    return result;
  }

  private record(kind: RunKind, outcome: RunOutcome, started: bigint): void {
    const { metrics } = this.deps;
    const seconds = outcome.durationMs !== undefined ? outcome.durationMs / 1000 : Number(process.hrtime.bigint() - started) / 1e9;
    metrics.runDuration.observe({ kind, status: outcome.status }, seconds);
    metrics.runs.inc({ kind, status: outcome.status });
    if (/fail/i.test(outcome.status)) metrics.runFailures.inc({ kind });
    for (const [stage, n] of Object.entries(outcome.counts ?? {})) if (Number.isFinite(n) && n > 0) metrics.records.inc({ stage }, n);
    if (outcome.apiCalls) metrics.apiCalls.inc(outcome.apiCalls);
  }

  private notifyFinished(outcome: RunOutcome, logger: Logger): void {
    this.notify(() => this.deps.onRunFinished?.(outcome), logger);
  }

  private notify(hook: () => void, logger: Logger): void {
    try {
      hook();
    } catch (error) {
      logger.error({ err: error }, 'run hook failed');
    }
  }
}
