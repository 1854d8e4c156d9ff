// Options of the model step, with defaults. Business rules live here so the CLI, the service and the
// evaluator share one definition.
import { createHash } from 'node:crypto';
import type { RecoParams } from '../recommend/fit.js';

/** Share of accounts kept as the control group when nothing is configured: enough to measure lift, little enough to cost reps. */
export const DEFAULT_HOLDOUT_SHARE = 0.1;

export type ModelOptions = {
  seed?: number; // default 42: k-means seeds and holdout assignment
  holdoutShare?: number; // 0..1, share of accounts whose lists are kept from reps to measure lift (default DEFAULT_HOLDOUT_SHARE)
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
  const share = o.holdoutShare ?? DEFAULT_HOLDOUT_SHARE;
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

/**
 * Deterministic per (account, seed), uniform on [0, 1): the first 48 bits of sha256(seed:accountId). A
 * cryptographic hash because Salesforce Ids are near-sequential and a weak hash (FNV) maps neighbours to
 * correlated draws. Holdout is `draw < share`, a monotone threshold: raising the share from 10% to 15% adds
 * accounts and moves none out, and lowering it only releases the accounts between the two shares.
 */
export function holdoutDraw(accountId: string, seed: number): number {
  const digest = createHash('sha256').update(`${seed}:${accountId}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

export function isHoldout(accountId: string, opts: { holdoutShare: number; seed: number }): boolean {
  return opts.holdoutShare > 0 && holdoutDraw(accountId, opts.seed) < opts.holdoutShare;
}
