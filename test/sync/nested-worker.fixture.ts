// Started as a worker thread the way the pipeline's thread is (startWorkerModule); starts one of the model
// step's worker threads from inside it and reports whether it came up.
import { parentPort } from 'node:worker_threads';
import { startWorker } from '../../sync-server/src/models/workers.js';

const w = startWorker('similarity-worker', {});
w.on('online', () => {
  parentPort?.postMessage('nested worker online');
  void w.terminate();
});
w.on('error', (e) => parentPort?.postMessage(`nested worker failed: ${e.message}`));
