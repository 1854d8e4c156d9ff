// The main thread's side of the list workers: shares the fitted state, deals the accounts out in chunks
// (round-robin, so every worker has about the same work), and hands each account's picks to `onAccount`
// strictly in account order, whichever worker finishes first.
import type { Worker } from 'node:worker_threads';
import { startWorker, withSharedArrays } from './workers.js';
import type { ModelContext } from './context.js';
import type { BuyAgainPick, CrossPick } from './lists.js';
import { decodeChunk, type ChunkBuffers, type ListWorkerInput, type PickChunk } from './list-protocol.js';

const CHUNK_ACCOUNTS = 2048;
const WINDOW = 8;

export async function pickInWorkers(
  ctx: ModelContext,
  holdout: Uint8Array,
  workers: number,
  onAccount: (u: number, cross: CrossPick[], buy: BuyAgainPick[]) => void,
): Promise<void> {
  const n = ctx.ds.accounts.length;
  const chunks: Array<[number, number, number]> = [];
  for (let s = 0; s < n; s += CHUNK_ACCOUNTS) chunks.push([s, Math.min(n, s + CHUNK_ACCOUNTS), chunks.length]);
  if (chunks.length === 0) return;
  const { fit } = ctx;
  const shared = withSharedArrays({
    ui: ctx.ui,
    neighbours: fit.neighbours,
    pop: fit.pop,
    signals: fit.signals,
    buyAgain: fit.buyAgain,
    segOf: ctx.seg.of,
    holdout,
  });
  const base: Omit<ListWorkerInput, 'chunks'> = {
    ...shared,
    params: fit.params,
    asOfDay: fit.asOfDay,
    opts: ctx.opts,
    families: ctx.families,
    productBlock: ctx.productBlock,
    blocks: ctx.blocks,
    newProductsByFamily: ctx.newProductsByFamily,
    window: WINDOW,
  };
  const count = Math.min(workers, chunks.length);
  const pool: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const pending = new Map<number, PickChunk>();
      let next = 0;
      const fail = (e: unknown): void => reject(e instanceof Error ? e : new Error(String(e)));
      for (let w = 0; w < count; w++) {
        const worker = startWorker('list-worker', { ...base, chunks: chunks.filter((c) => c[2] % count === w) } satisfies ListWorkerInput);
        pool.push(worker);
        worker.on('message', (chunk: PickChunk) => {
          pending.set(chunk.index, chunk);
          try {
            for (let c = pending.get(next); c; c = pending.get(next)) {
              pending.delete(next);
              decodeChunk(c, onAccount);
              const buffers: ChunkBuffers = { counts: c.counts, ints: c.ints, scores: c.scores };
              pool[next % count].postMessage(buffers, [c.counts.buffer, c.ints.buffer, c.scores.buffer] as ArrayBuffer[]);
              next++;
            }
          } catch (e) {
            fail(e);
            return;
          }
          if (next === chunks.length) resolve();
        });
        worker.on('error', (e) => fail(new Error(`list worker ${w + 1} of ${count} failed: ${e.message}`, { cause: e })));
        worker.on('exit', (code) => {
          if (next < chunks.length) fail(new Error(`list worker ${w + 1} of ${count} stopped (exit code ${code}) with ${chunks.length - next} chunks of accounts unpicked`));
        });
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
