// Item neighbourhoods computed by worker threads, a share of the rows each (item i goes to worker i mod n, so
// the few very popular products spread evenly), while the main thread goes on with the stages that do not
// need them. Rows are assembled in item order: the same neighbours as itemSimilarity.
import type { UserItems, ItemUsers } from '../recommend/purchase-log.js';
import { assembleNeighbours, type ItemNeighbours, type SimilarityParams, type SimilarityRows } from '../recommend/item-similarity.js';
import { startWorker, withSharedArrays } from './workers.js';

export type SimilarityJob = { ui: UserItems; iu: ItemUsers; params: SimilarityParams; entryWeight: Float64Array; first: number; step: number };

export function neighboursInWorkers(ui: UserItems, iu: ItemUsers, params: SimilarityParams, entryWeight: Float64Array, workers: number): Promise<ItemNeighbours> {
  const shared = withSharedArrays({ ui, iu, entryWeight });
  const step = Math.max(1, workers);
  const jobs = Array.from({ length: step }, (_, first) => {
    const worker = startWorker('similarity-worker', { ...shared, params, first, step } satisfies SimilarityJob);
    return new Promise<SimilarityRows>((resolve, reject) => {
      worker.once('message', (rows: SimilarityRows) => {
        resolve(rows);
        void worker.terminate();
      });
      worker.once('error', (e) => reject(new Error(`similarity worker ${first + 1} of ${step} failed: ${e.message}`, { cause: e })));
      worker.once('exit', (code) => reject(new Error(`similarity worker ${first + 1} of ${step} stopped (exit code ${code}) before its rows were done`)));
    });
  });
  return Promise.all(jobs).then((parts) => assembleNeighbours(ui.nItems, params.k, parts));
}
