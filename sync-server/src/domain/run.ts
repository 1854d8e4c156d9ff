// A run's vocabulary, declared once. The mirror stores it, the pipeline reports it, the scheduler and the API
// pass it on, and the sf plugin reads it through the package entry: a stage or status misspelt anywhere is a
// type error instead of a run that silently never matches.

export type RunKind = 'Full' | 'Incremental';

/** 'Running' while a run runs (and after a crash, until it is resumed); one of the others once it stops. */
export type RunStatus = 'Running' | 'Succeeded' | 'Partial' | 'Failed' | 'Aborted';
export type FinishedRunStatus = Exclude<RunStatus, 'Running'>;

/** The pipeline's stages, in the order a run goes through them. */
export const STAGES = ['connect', 'extract', 'clean', 'models', 'writeback', 'finish'] as const;
export type Stage = (typeof STAGES)[number];

export type StageStatus = 'pending' | 'running' | 'done' | 'failed';

/** What the pipeline reports as it goes, to the scheduler and through it to the API. */
export type ProgressEvent = { runId: string; stage: Stage; status: StageStatus; records?: number | null; detail?: Record<string, unknown> };

/** One stage of a run as the API shows it. */
export type StageProgress = {
  stage: Stage;
  status: StageStatus;
  startedAt?: string | null;
  finishedAt?: string | null;
  records?: number | null;
  detail?: Record<string, unknown>;
};
