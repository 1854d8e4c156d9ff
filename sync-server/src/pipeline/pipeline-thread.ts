// Runs the pipeline on a worker thread, so the service's event loop keeps answering while a sync extracts,
// cleans, models and writes back (any of which holds the thread for seconds on a large org). The scheduler
// sees the same Pipeline port as with an in-process run: progress events, the AbortSignal (shutdown: the
// run checkpoints and ends Aborted) and the outcome cross the boundary as messages; the run's log lines are
// written by the service's logger, tagged with the thread.
import type { Worker } from 'node:worker_threads';
import type { ConnectionConfig } from '../connect/config.js';
import type { Logger } from '../logging/logger.js';
import type { Mirror, StoreSettings } from '../mirror/db.js';
import type { RecommendationSnapshot } from '../mirror/recommendation-snapshot.js';
import { startWorkerModule } from '../models/workers.js';
import type { Pipeline, RunOutcome } from '../schedule/ports.js';
import type { FromPipelineWorker, PipelineSettings, PipelineWorkerInput, ToPipelineWorker } from './pipeline-protocol.js';
import { nextRunId } from './run-pipeline.js';

export type ThreadedPipeline = Pipeline & {
  /** Stops a run still going (e.g. after the shutdown grace): like a killed process, it resumes next start. */
  terminate(): Promise<void>;
  /**
   * The results snapshot the run's thread built and handed over (see pipeline-worker.ts), once: the service
   * swaps it into its cache instead of rebuilding the cache on its own thread.
   */
  takeResults(runId: string): RecommendationSnapshot | undefined;
};

/** `store`: the settings the service opened `mirror` from, so the thread opens the same store (default: its file). */
export function threadedPipeline(options: { connection: ConnectionConfig; mirror: Mirror; store?: StoreSettings; logger: Logger; settings?: PipelineSettings }): ThreadedPipeline {
  const store = options.store ?? { path: options.mirror.path };
  if (!store.url && store.path === ':memory:') throw new Error('store.path ":memory:" cannot be shared with the pipeline thread; use a file');
  const running = new Set<Worker>();
  // Only the latest: a run hands over at most one, and a snapshot nobody took is superseded by the next run's.
  let handed: { runId: string; snapshot: RecommendationSnapshot } | null = null;
  const logger = options.logger.child({ thread: 'pipeline' });

  const pipeline = async (kind: Parameters<Pipeline>[0], { signal, onProgress }: Parameters<Pipeline>[1]): Promise<RunOutcome> => {
    // Named here, not by the thread: starting a thread (and, from source, compiling the pipeline in it) takes
    // seconds on a busy machine, and callers get the run's id at once.
    const runId = await nextRunId(options.mirror.sql, kind);
    return new Promise<RunOutcome>((resolve, reject) => {
      onProgress({ runId, stage: 'connect', status: 'pending' });
      const input: PipelineWorkerInput = { kind, runId, connection: options.connection, store, settings: options.settings };
      const worker = startWorkerModule(new URL(`./pipeline-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url), input);
      running.add(worker);
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        fn();
        // The outcome is in: end the thread (its keep-alive sockets would otherwise hold it open).
        void worker.terminate();
      };
      const onAbort = (): void => {
        const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');
        worker.postMessage({ type: 'abort', reason } satisfies ToPipelineWorker);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      worker.on('message', (m: FromPipelineWorker) => {
        switch (m.type) {
          case 'progress':
            onProgress(m.event);
            break;
          case 'results':
            handed = { runId: m.runId, snapshot: m.snapshot };
            break;
          case 'log':
            logger[m.level](m.obj, m.msg);
            break;
          case 'done': {
            const s = m.summary;
            settle(() => resolve({ runId: s.runId, status: s.status, durationMs: s.durationMs, counts: s.counts, apiCalls: s.apiCalls, error: s.error }));
            break;
          }
          case 'failed':
            settle(() => reject(Object.assign(new Error(m.message), { stack: m.stack })));
            break;
        }
      });
      worker.on('error', (err) => settle(() => reject(err)));
      worker.on('exit', (code) => {
        running.delete(worker);
        settle(() => reject(new Error(`the pipeline thread exited (code ${code}) before reporting an outcome`)));
      });
    });
  };

  return Object.assign(pipeline, {
    terminate: async (): Promise<void> => {
      await Promise.all([...running].map((w) => w.terminate()));
    },
    takeResults: (runId: string): RecommendationSnapshot | undefined => {
      if (handed?.runId !== runId) return undefined;
      const { snapshot } = handed;
      handed = null;
      return snapshot;
    },
  });
}
