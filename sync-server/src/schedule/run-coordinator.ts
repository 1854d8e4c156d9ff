// Owns "at most one run at a time": every trigger (cron tick, POST /runs, resume at start) goes through
// trigger(), which refuses while a run is active. Shutdown aborts the active run through its AbortSignal and
// waits for the pipeline to checkpoint, instead of killing it half-way.
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../logging/metrics.js';
import type { RunKind, Stage, StageProgress } from '../domain/run.js';
import type { Pipeline, RunOutcome } from './ports.js';

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
};

export class RunCoordinator {
  private active: (ActiveRun & { controller: AbortController }) | null = null;
  private closing = false;

  public constructor(private readonly deps: RunCoordinatorDeps) {}

  public get current(): ActiveRun | null {
    return this.active;
  }

  public trigger(kind: RunKind, source: RunSource): ActiveRun {
    if (this.closing) throw new ShuttingDownError();
    if (this.active) {
      this.deps.metrics.runsSkipped.inc({ kind, source });
      this.deps.logger.info({ kind, source, activeRunId: this.active.runId, activeKind: this.active.kind }, 'run skipped: another run is in progress');
      throw new RunInProgressError(this.active);
    }
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
