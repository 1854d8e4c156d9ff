// Business rules applied to every list: what may never be recommended, what an admin filtered out, and the
// per-family cap that keeps a list diverse. Each rule has a name so `explain` can say which one removed a product.
import { isNonProductCode } from './non-product.js';
import type { Product } from '../domain/types.js';

export type RuleOptions = {
  includeFamilies?: string[];
  excludeFamilies?: string[];
  maxPerFamily?: number;
};

export type RuleName = 'inactive' | 'fee-or-postage' | 'family-not-included' | 'family-excluded' | 'on-open-opportunity' | 'dismissed' | 'family-cap';

const FEE_FAMILY = /\b(fee|fees|postage|shipping|carriage|delivery|charge|charges)\b/i;

/** Product-level rule (the same for every account), or null when the product may be recommended. */
export function productRule(p: Product, o: RuleOptions): RuleName | null {
  if (!p.isActive) return 'inactive';
  if ((p.code && isNonProductCode(p.code)) || (p.family && FEE_FAMILY.test(p.family))) return 'fee-or-postage';
  const fam = (p.family ?? '').toLowerCase();
  if (o.includeFamilies?.length && !o.includeFamilies.some((f) => f.toLowerCase() === fam)) return 'family-not-included';
  if (o.excludeFamilies?.some((f) => f.toLowerCase() === fam)) return 'family-excluded';
  return null;
}

/** Account-level blocks: products on its open opportunities and products a rep dismissed for it. */
export type AccountBlocks = { openOpportunity: Map<number, Set<number>>; dismissed: Map<number, Set<number>> };

export function accountRule(blocks: AccountBlocks, u: number, i: number): RuleName | null {
  if (blocks.openOpportunity.get(u)?.has(i)) return 'on-open-opportunity';
  if (blocks.dismissed.get(u)?.has(i)) return 'dismissed';
  return null;
}

/** Keeps ranked items in order, skipping any beyond `max` of one family. */
export function capPerFamily<T extends { item: number }>(ranked: T[], familyOf: (i: number) => string, max: number, limit: number): T[] {
  const count = new Map<string, number>();
  const out: T[] = [];
  for (const r of ranked) {
    if (out.length >= limit) break;
    const f = familyOf(r.item);
    const c = count.get(f) ?? 0;
    if (f !== '' && c >= max) continue;
    count.set(f, c + 1);
    out.push(r);
  }
  return out;
}
