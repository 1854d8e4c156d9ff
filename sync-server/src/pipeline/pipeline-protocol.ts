// Messages between the service's thread and the pipeline's worker thread (see pipeline-thread.ts).
import type { ConnectionConfig } from '../connect/config.js';
import type { ProgressEvent, RunKind } from '../domain/run.js';
import type { StoreSettings } from '../mirror/db.js';
import type { RecommendationSnapshot } from '../mirror/recommendation-snapshot.js';
import type { PartitionedModels } from './partitioned-models.js';
import type { PipelineOptions, RunSummary } from './run-pipeline.js';

/**
 * `store`: where the thread opens its own store handle (the same file, or its own PostgreSQL pool). `settings`:
 * the operator's run settings (RECO_API_BUDGET_SHARE, bulk thresholds, impact holdout share and window, …), plain data.
 */
export type PipelineWorkerInput = { kind: RunKind; runId: string; connection: ConnectionConfig; store: StoreSettings; settings?: PipelineSettings };
export type PipelineSettings = Pick<PipelineOptions, 'maxShareOfDailyLimit' | 'extract' | 'writeback' | 'retuneAfterDays' | 'impactWindowDays'> & {
  /** Only the holdout share: the rest of the model options are tuned per run, not set by the operator. */
  modelOptions?: Pick<NonNullable<PipelineOptions['modelOptions']>, 'holdoutShare'>;
  /** RECO_MODEL_WORKERS: the model step in worker processes, on the store's PostgreSQL (the thread adds the URL). */
  modelWorkers?: Omit<PartitionedModels, 'url'>;
};

/** Parent -> worker: stop at the next checkpoint (shutdown), as the in-process AbortSignal would. */
export type ToPipelineWorker = { type: 'abort'; reason: string };

export type LogLevel = 'info' | 'warn' | 'error';

/**
 * Worker -> parent. `results` comes before the progress event that announces them (the models stage done), or
 * before the outcome when that stage did not finish, so the service finds them when it is told to refresh.
 */
export type FromPipelineWorker =
  | { type: 'progress'; event: ProgressEvent }
  | { type: 'results'; runId: string; snapshot: RecommendationSnapshot }
  | { type: 'log'; level: LogLevel; obj: Record<string, unknown>; msg?: string }
  | { type: 'done'; summary: RunSummary }
  | { type: 'failed'; message: string; stack?: string };
