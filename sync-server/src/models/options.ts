// Options of the model step, with defaults. Business rules live here so the CLI, the service and the
// evaluator share one definition.
import type { RecoParams } from '../recommend/fit.js';

export type ModelOptions = {
  seed?: number; // default 42: k-means seeds and holdout assignment
  holdoutShare?: number; // 0..1, share of accounts kept without recommendations to measure lift (default 0)
  limits?: { crossSell?: number; buyAgain?: number }; // per account, default 10 each
  includeFamilies?: string[];
  excludeFamilies?: string[];
  maxPerFamily?: number; // default 3
  /** ISO 4217 code of the org's corporate currency for amounts in words; default: the Dataset's, else none. */
  currency?: string | null;
  /** 'fast' (default) tunes on a sample of the validation window, 'full' on all of it, 'off' uses params. */
  tune?: 'fast' | 'full' | 'off';
  params?: RecoParams; // starting point (and the settings used when tune is 'off')
  /** When params come from an earlier run's tuning: that run's asOf, kept in metrics.tuning to judge staleness. */
  paramsTunedOn?: string;
  /** Tuning sees at most this many accounts with history (default 10000), so its cost is bounded at any size. */
  tuneSampleAccounts?: number;
  segmentK?: { min?: number; max?: number };
};

export type ResolvedOptions = Required<Omit<ModelOptions, 'params' | 'paramsTunedOn' | 'includeFamilies' | 'excludeFamilies' | 'segmentK' | 'limits'>> &
  Pick<ModelOptions, 'params' | 'paramsTunedOn' | 'includeFamilies' | 'excludeFamilies'> & {
    limits: { crossSell: number; buyAgain: number };
    segmentK: { min: number; max: number };
  };

export function resolveOptions(o: ModelOptions = {}): ResolvedOptions {
  const share = o.holdoutShare ?? 0;
  if (!(share >= 0 && share <= 1)) throw new Error(`holdoutShare must be between 0 and 1, got ${share}`);
  const limits = { crossSell: o.limits?.crossSell ?? 10, buyAgain: o.limits?.buyAgain ?? 10 };
  for (const [k, v] of Object.entries(limits)) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`limits.${k} must be a non-negative integer, got ${v}`);
  }
  const maxPerFamily = o.maxPerFamily ?? 3;
  if (!Number.isInteger(maxPerFamily) || maxPerFamily < 1) throw new Error(`maxPerFamily must be a positive integer, got ${maxPerFamily}`);
  return {
    seed: o.seed ?? 42,
    holdoutShare: share,
    limits,
    includeFamilies: o.includeFamilies,
    excludeFamilies: o.excludeFamilies,
    maxPerFamily,
    currency: o.currency ?? null,
    tune: o.tune ?? 'fast',
    params: o.params,
    paramsTunedOn: o.paramsTunedOn,
    tuneSampleAccounts: o.tuneSampleAccounts ?? 10_000,
    segmentK: { min: o.segmentK?.min ?? 3, max: o.segmentK?.max ?? 8 },
  };
}

/** Deterministic per (account, seed): FNV-1a hash mapped to [0, 1). */
export function holdoutDraw(accountId: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < accountId.length; i++) {
    h ^= accountId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
}
