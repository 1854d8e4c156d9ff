// A similarity worker: computes its share of the item-neighbour rows (items first, first + step, ...) and
// posts them back.
import { parentPort, workerData } from 'node:worker_threads';
import { similarityRows } from '../recommend/item-similarity.js';
import type { SimilarityJob } from './similarity-workers.js';

const job = workerData as SimilarityJob;
const rows = similarityRows(job.ui, job.iu, job.params, job.entryWeight, job.first, job.step);
parentPort!.postMessage(rows, [rows.rowLength.buffer, rows.ids.buffer, rows.sims.buffer, rows.co.buffer] as ArrayBuffer[]);
