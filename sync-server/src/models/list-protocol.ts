// What the main thread and the list workers exchange. In: everything picking needs (purchase log, fitted
// models, rule state) with the large arrays on shared memory, so every worker reads the same copy. Out: each
// chunk of accounts' picks as three flat typed arrays, transferred rather than copied, and back again for reuse:
// every new large array counts towards the main thread's collector limit, where collections mark the whole input.
import type { ResolvedOptions } from './options.js';
import type { AccountBlocks, RuleName } from '../recommend/business-rules.js';
import type { UserItems } from '../recommend/purchase-log.js';
import type { ItemNeighbours } from '../recommend/item-similarity.js';
import type { Popularity } from '../recommend/popularity.js';
import type { RankerSignals } from '../recommend/cross-sell.js';
import type { BuyAgainStats } from '../recommend/buy-again.js';
import type { RecoParams } from '../recommend/fit.js';
import type { BuyAgainPick, CrossPick } from './lists.js';

export type ListWorkerInput = {
  ui: UserItems;
  neighbours: ItemNeighbours;
  pop: Popularity;
  signals: RankerSignals;
  buyAgain: BuyAgainStats;
  params: RecoParams;
  asOfDay: number;
  segOf: Int32Array;
  opts: ResolvedOptions;
  families: (string | null)[];
  productBlock: (RuleName | null)[];
  blocks: AccountBlocks;
  newProductsByFamily: Map<string, number[]>;
  holdout: Uint8Array; // 1: the account gets no lists
  chunks: Array<[start: number, end: number, index: number]>; // this worker's, in order
  window: number; // chunks a worker may have sent and not yet had acknowledged
};

/** One chunk of accounts' picks. Per account: cross-sell count, buy-again count; per pick: four ints and a score. */
export type PickChunk = { index: number; start: number; end: number; counts: Int32Array; ints: Int32Array; scores: Float64Array };
/** A chunk's arrays, handed back to the worker once read, so a run allocates a few chunks' worth, not one per chunk. */
export type ChunkBuffers = Pick<PickChunk, 'counts' | 'ints' | 'scores'>;

const INTS = 4; // cross-sell: item, contentAnchor, anchorItem, anchorCo; buy again: item, entry, 0, 0

export function encodeChunk(
  index: number,
  start: number,
  end: number,
  maxPerAccount: number,
  picksOf: (u: number) => { cross: readonly CrossPick[]; buy: readonly BuyAgainPick[] } | null,
  reuse?: ChunkBuffers,
): PickChunk {
  const fits = reuse !== undefined && reuse.counts.length === (end - start) * 2 && reuse.scores.length === (end - start) * maxPerAccount;
  const counts = fits ? reuse.counts.fill(0) : new Int32Array((end - start) * 2);
  const ints = fits ? reuse.ints : new Int32Array((end - start) * maxPerAccount * INTS);
  const scores = fits ? reuse.scores : new Float64Array((end - start) * maxPerAccount);
  let row = 0;
  for (let u = start; u < end; u++) {
    const p = picksOf(u);
    if (!p) continue;
    if (p.cross.length + p.buy.length > maxPerAccount) throw new Error(`list worker: account ${u} has more picks than the limits allow`);
    counts[(u - start) * 2] = p.cross.length;
    counts[(u - start) * 2 + 1] = p.buy.length;
    for (const c of p.cross) {
      const o = row * INTS;
      ints[o] = c.item;
      ints[o + 1] = c.contentAnchor;
      ints[o + 2] = c.anchorItem;
      ints[o + 3] = c.anchorCo;
      scores[row++] = c.score;
    }
    for (const b of p.buy) {
      ints[row * INTS] = b.item;
      ints[row * INTS + 1] = b.entry;
      scores[row++] = b.score;
    }
  }
  return { index, start, end, counts, ints, scores };
}

export function decodeChunk(c: PickChunk, onAccount: (u: number, cross: CrossPick[], buy: BuyAgainPick[]) => void): void {
  const { counts, ints, scores } = c;
  let row = 0;
  for (let u = c.start; u < c.end; u++) {
    const cross: CrossPick[] = new Array(counts[(u - c.start) * 2]);
    for (let r = 0; r < cross.length; r++, row++) {
      const o = row * INTS;
      cross[r] = { item: ints[o], score: scores[row], contentAnchor: ints[o + 1], anchorItem: ints[o + 2], anchorCo: ints[o + 3] };
    }
    const buy: BuyAgainPick[] = new Array(counts[(u - c.start) * 2 + 1]);
    for (let r = 0; r < buy.length; r++, row++) buy[r] = { item: ints[row * INTS], entry: ints[row * INTS + 1], score: scores[row] };
    onAccount(u, cross, buy);
  }
}
