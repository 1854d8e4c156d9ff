// The picking context rebuilt from its parts where they arrive separately from the fitted model: posted to a
// list worker thread, or unpacked from a partition's shared artifact and input in a worker process. One place
// decides how the scorer and the rule state are made from them, so both kinds of worker pick alike.
import { CrossSellScorer } from '../recommend/cross-sell.js';
import { listState } from './list-state.js';
import type { PickContext } from './lists.js';
import type { ListWorkerInput } from './list-protocol.js';

export type PickParts = Omit<ListWorkerInput, 'holdout' | 'chunks' | 'window'>;

export function pickContextFrom(p: PickParts): PickContext {
  return {
    ui: p.ui,
    opts: p.opts,
    lists: listState({ families: p.families, productBlock: p.productBlock, blocks: p.blocks }),
    newProductsByFamily: p.newProductsByFamily,
    families: p.families,
    seg: { of: p.segOf },
    fit: {
      cross: new CrossSellScorer(p.ui, p.neighbours, p.pop, p.params.cross, p.asOfDay, p.signals),
      buyAgain: p.buyAgain,
      params: p.params,
      asOfDay: p.asOfDay,
    },
  };
}
