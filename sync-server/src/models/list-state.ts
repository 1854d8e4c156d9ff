// Per-run state of the list builder: rule lookups, family ids and scratch arrays, sized once per model run so
// the per-account work (a million calls on a big org) allocates no sets, maps or closures.
import type { AccountBlocks, RuleName } from '../recommend/business-rules.js';

export type ListState = {
  /** Points `allowed` at account u (marks its blocked products once, instead of two map lookups per product). */
  forAccount: (u: number) => void;
  allowed: (i: number) => boolean;
  familyIx: Int32Array; // -1 when the product has no family (never capped)
  familyCount: Int32Array; // scratch for the per-family cap
};

export function listState(ctx: { families: readonly (string | null)[]; productBlock: readonly (RuleName | null)[]; blocks: AccountBlocks }): ListState {
  const nItems = ctx.families.length;
  const productOk = Uint8Array.from(ctx.productBlock, (b) => (b === null ? 1 : 0));
  // blockedFor[i] === u + 1: product i is on an open opportunity of, or was dismissed for, account u.
  const blockedFor = new Int32Array(nItems);
  let mark = 0;
  const familyIds = new Map<string, number>();
  const familyIx = new Int32Array(nItems);
  ctx.families.forEach((family, i) => {
    const f = family ?? '';
    if (f === '') familyIx[i] = -1;
    else familyIx[i] = familyIds.get(f) ?? familyIds.set(f, familyIds.size).get(f)!;
  });
  const state: ListState = {
    forAccount: (u) => {
      if (mark === u + 1) return;
      mark = u + 1;
      const open = ctx.blocks.openOpportunity.get(u);
      const dismissed = ctx.blocks.dismissed.get(u);
      if (open) for (const i of open) blockedFor[i] = mark;
      if (dismissed) for (const i of dismissed) blockedFor[i] = mark;
    },
    allowed: (i) => productOk[i] === 1 && blockedFor[i] !== mark,
    familyIx,
    familyCount: new Int32Array(familyIds.size),
  };
  return state;
}
