// Messages between the service's thread and the pipeline's worker thread (see pipeline-thread.ts).
import type { ConnectionConfig } from '../connect/config.js';
import type { ProgressEvent, RunKind } from '../domain/run.js';
import type { PipelineOptions, RunSummary } from './run-pipeline.js';

/** `settings`: the operator's run settings (RECO_API_BUDGET_SHARE, bulk thresholds, impact holdout share and window, …), plain data. */
export type PipelineWorkerInput = { kind: RunKind; runId: string; connection: ConnectionConfig; storePath: string; settings?: PipelineSettings };
export type PipelineSettings = Pick<PipelineOptions, 'maxShareOfDailyLimit' | 'extract' | 'writeback' | 'retuneAfterDays' | 'impactWindowDays'> & {
  /** Only the holdout share: the rest of the model options are tuned per run, not set by the operator. */
  modelOptions?: Pick<NonNullable<PipelineOptions['modelOptions']>, 'holdoutShare'>;
};

/** Parent -> worker: stop at the next checkpoint (shutdown), as the in-process AbortSignal would. */
export type ToPipelineWorker = { type: 'abort'; reason: string };

export type LogLevel = 'info' | 'warn' | 'error';

/** Worker -> parent. */
export type FromPipelineWorker =
  | { type: 'progress'; event: ProgressEvent }
  | { type: 'log'; level: LogLevel; obj: Record<string, unknown>; msg?: string }
  | { type: 'done'; summary: RunSummary }
  | { type: 'failed'; message: string; stack?: string };
