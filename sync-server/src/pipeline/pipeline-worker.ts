// The pipeline's worker thread: one run per thread. It opens its own org connection and its own handle on the
// mirror (SQLite in WAL mode lets the service's thread keep reading while this one writes), runs the
// pipeline, and reports progress, logs and the outcome to the service's thread. An abort message is the
// in-process AbortSignal: the run checkpoints and ends as Aborted, resumable.
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createConnection } from '../connect/connect.js';
import { openStore, type Mirror } from '../mirror/db.js';
import { readRecommendationSnapshot, snapshotTransferList } from '../mirror/recommendation-snapshot.js';
import type { FromPipelineWorker, LogLevel, PipelineWorkerInput, ToPipelineWorker } from './pipeline-protocol.js';
import { runPipeline, type LoggerLike } from './run-pipeline.js';

const port = parentPort;
if (!port) throw new Error('pipeline-worker.ts runs as a worker thread (see pipeline-thread.ts)');
const input = workerData as PipelineWorkerInput;
const post = (m: FromPipelineWorker): void => port.postMessage(m);

class WorkerAbort extends Error {
  public constructor(reason: string) {
    super(reason);
    this.name = 'ShuttingDownError';
  }
}

// Below the serving thread's priority: with more busy threads than free cores (2 cores: the service, this run,
// its model workers, whatever else the host runs) the kernel then gives the core to the thread answering
// requests first, and the run takes what serving leaves, so a sync costs the API latency only when the machine
// has no spare core at all. Linux only: there a nice value is per thread (pid 0 is the calling thread, and
// threads this one starts inherit it); elsewhere it would lower the whole process, serving included.
const PIPELINE_THREAD_NICE = 10;
if (process.platform === 'linux') {
  try {
    os.setPriority(Math.max(os.getPriority(), PIPELINE_THREAD_NICE));
  } catch {
    // not allowed (a sandbox): the run just competes with serving at equal priority, as before
  }
}

const controller = new AbortController();
port.on('message', (m: ToPipelineWorker) => {
  if (m.type === 'abort' && !controller.signal.aborted) controller.abort(new WorkerAbort(m.reason));
});

// Plain data only crosses the boundary: an Error would lose its fields in the structured clone.
const plain = (obj: object): Record<string, unknown> => JSON.parse(JSON.stringify(obj, (_k, v: unknown) => (v instanceof Error ? { message: v.message, stack: v.stack } : v))) as Record<string, unknown>;
const log = (level: LogLevel) => (obj: object, msg?: string): void => post({ type: 'log', level, obj: plain(obj), msg });
const logger: LoggerLike = { info: log('info'), warn: log('warn'), error: log('error') };

// The service's results cache is built here, on this thread, and moved (not copied) to the service's: built
// there, its tens of thousands of objects and the GC after them held every request for up to seconds.
let resultsSent = false;
let outbox: Promise<void> = Promise.resolve();
const sendResults = async (mirror: Mirror): Promise<void> => {
  try {
    const snapshot = await readRecommendationSnapshot(mirror.sql);
    port.postMessage({ type: 'results', runId: input.runId, snapshot } satisfies FromPipelineWorker, snapshotTransferList(snapshot));
    resultsSent = true;
  } catch (err) {
    // The service then rebuilds from the store itself: slower for its requests, but the results stay right.
    logger.warn({ runId: input.runId, err }, 'could not hand the results over to the service');
  }
};

try {
  const connection = await createConnection(input.connection);
  // A pool of its own on PostgreSQL: a run is one sequence of statements, so two connections are plenty.
  const mirror = await openStore(input.store, { applicationName: 'reco-pipeline', maxConnections: 2 });
  try {
    const { modelWorkers, ...settings } = input.settings ?? {};
    if (modelWorkers && !input.store.url) throw new Error('RECO_MODEL_WORKERS needs a PostgreSQL store (RECO_STORE_URL): the worker processes share the partitions through it');
    const summary = await runPipeline({ connection, mirror, logger }, {
      ...settings,
      partitionedModels: modelWorkers && input.store.url ? { ...modelWorkers, url: input.store.url } : undefined,
      kind: input.kind,
      runId: input.runId,
      signal: controller.signal,
      onProgress: (event) => {
        // The results must reach the service before the event announcing them. The snapshot is read as soon as
        // the models are done but posted when the read completes, so every event queues behind it, in order.
        const message = { type: 'progress', event: plain(event) as typeof event } satisfies FromPipelineWorker;
        if (event.stage === 'models' && event.status === 'done') {
          const read = sendResults(mirror);
          outbox = outbox.then(() => read).then(() => post(message));
        } else {
          outbox = outbox.then(() => post(message));
        }
      },
    });
    // A run that ended before its models stage finished left the results as they were, but its extract may
    // have renamed products: the service refreshes after every run, so it gets a snapshot here too.
    await outbox;
    if (!resultsSent) await sendResults(mirror);
    post({ type: 'done', summary: plain(summary) as typeof summary });
  } finally {
    await outbox.catch(() => undefined);
    await mirror.close();
  }
} catch (err) {
  post({ type: 'failed', message: (err as Error).message ?? String(err), stack: (err as Error).stack });
}
// The parent ends the thread once it has the outcome: the connection's keep-alive sockets would hold it open.
