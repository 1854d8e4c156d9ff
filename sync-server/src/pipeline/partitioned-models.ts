// The pipeline's model stage on the partitioned step (scale/coordinator.ts), chosen by RECO_MODEL_WORKERS: this
// process builds what needs the whole org, worker processes (started here, or `npm run worker` elsewhere) compute
// the accounts' partitions through the store's PostgreSQL, and the output comes back whole, as the one-process
// step returns it, for the pipeline to store and write back unchanged.
import type { Dataset, ModelOutput } from '../domain/types.js';
import type { ModelOptions, PreviousInsights } from '../models/run-models.js';
import { runModelsPartitioned } from '../scale/coordinator.js';

export type PartitionedModels = {
  /** The store's PostgreSQL: the partition queue lives in its own tables there (reco_part_*). */
  url: string;
  /** Worker processes started for each run; 0 when they run elsewhere, pointed at the same database. */
  workers: number;
  partitionAccounts?: number;
};

type Log = { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };

/**
 * How long the model stage waits with no partition being computed before it fails the run (resumable, as any
 * failed stage). A partition takes seconds, so this long means no worker serves the queue: with workers: 0,
 * none was started elsewhere, and a run should say so rather than wait forever.
 */
export const NO_WORKER_TIMEOUT_MS = 10 * 60_000;

export function partitionedRunModels(settings: PartitionedModels, log?: Log, pipelineRunId?: string): (dataset: Dataset, options?: ModelOptions, previous?: PreviousInsights) => Promise<ModelOutput> {
  return async (dataset, options, previous) => {
    const result = await runModelsPartitioned(dataset, options, previous, undefined, {
      url: settings.url,
      workers: settings.workers,
      partitionAccounts: settings.partitionAccounts,
      idleTimeoutMs: NO_WORKER_TIMEOUT_MS,
      onAbandoned: (runIds) => log?.warn({ runId: pipelineRunId, abandoned: runIds }, 'model step: marked abandoned the partition runs of a coordinator that died'),
      onPublished: ({ runId, reused }) =>
        log?.info(
          // reused: the partitions a dead coordinator's run had finished on the same inputs, not computed again.
          { runId: pipelineRunId, partitionRun: runId, workers: settings.workers, ...(reused.from ? { reused } : {}) },
          settings.workers > 0 ? 'model step: partitions published for the worker processes' : 'model step: partitions published, waiting for workers started elsewhere (npm run worker)',
        ),
    });
    return result.output;
  };
}
