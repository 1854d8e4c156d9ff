// A list worker: rebuilds the scorer and rule state from what the main thread posted, picks both lists for its
// chunks of accounts in order and posts each chunk's picks back. At most `window` chunks wait unacknowledged,
// so a slow consumer (a sink writing to disk) bounds the memory held in flight; each acknowledgement hands the
// chunk's arrays back for the next one.
import { parentPort, workerData } from 'node:worker_threads';
import { buyAgainPicks, crossSellPicks } from './lists.js';
import { pickContextFrom } from './pick-context.js';
import { encodeChunk, type ChunkBuffers, type ListWorkerInput } from './list-protocol.js';

const input = workerData as ListWorkerInput;
const port = parentPort!;

const ctx = pickContextFrom(input);
const maxPerAccount = input.opts.limits.crossSell + input.opts.limits.buyAgain;

let credits = input.window;
let wake: (() => void) | null = null;
const spare: ChunkBuffers[] = [];
port.on('message', (read: ChunkBuffers) => {
  credits++;
  spare.push(read);
  wake?.();
});

for (const [start, end, index] of input.chunks) {
  while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
  wake = null;
  credits--;
  const chunk = encodeChunk(index, start, end, maxPerAccount, (u) => (input.holdout[u] ? null : { cross: crossSellPicks(ctx, u), buy: buyAgainPicks(ctx, u) }), spare.pop());
  port.postMessage(chunk, [chunk.counts.buffer, chunk.ints.buffer, chunk.scores.buffer] as ArrayBuffer[]);
}
// Stays idle until the main thread, which has then read every chunk, terminates it.
