// How much of the model an org's data can support, decided from that org's own validation window rather
// than from constants tuned on one file. Three steps, each used only when the data shows it beats the one
// below it:
//   segment-popularity - what accounts in the same segment buy most (nothing learned can be checked);
//   co-purchase        - item neighbourhoods ("accounts that buy X also buy Y") blended with popularity;
//   hybrid             - the same candidates ordered by the learned ranker.
// The tier travels with the tuned settings so every recommendation can say which step produced it.

export type Tier = 'segment-popularity' | 'co-purchase' | 'hybrid';

export type TierChoice = {
  tier: Tier;
  /** Plain words for the rep and the admin: why this step, from this org's figures. */
  reason: string;
  evidence: { validationAccounts: number; popularityNdcg: number | null; coPurchaseNdcg: number | null; rankerKept: boolean };
};

export function chooseTier(e: {
  tuned: boolean;
  validationAccounts: number;
  popularityNdcg: number | null;
  coPurchaseNdcg: number | null;
  /** How much co-purchase must beat popularity by to count (two standard errors on the validation window). */
  margin?: number;
  rankerKept: boolean;
  rankerReason: string | null;
}): TierChoice {
  const evidence = { validationAccounts: e.validationAccounts, popularityNdcg: e.popularityNdcg, coPurchaseNdcg: e.coPurchaseNdcg, rankerKept: e.rankerKept };
  if (!e.tuned || e.popularityNdcg === null || e.coPurchaseNdcg === null) {
    return {
      tier: 'segment-popularity',
      reason: `only ${e.validationAccounts} accounts bought something new in the last 3 months: too few to check co-purchase patterns, so lists follow what similar accounts buy most`,
      evidence,
    };
  }
  if (e.coPurchaseNdcg <= e.popularityNdcg + (e.margin ?? 0)) {
    return {
      tier: 'segment-popularity',
      reason: `co-purchase patterns did not predict the last 3 months clearly better than segment popularity (${fmt(e.coPurchaseNdcg)} vs ${fmt(e.popularityNdcg)}, ${e.validationAccounts} accounts)`,
      evidence,
    };
  }
  if (!e.rankerKept) {
    return {
      tier: 'co-purchase',
      reason: `co-purchase patterns beat segment popularity on the last 3 months (${fmt(e.coPurchaseNdcg)} vs ${fmt(e.popularityNdcg)}); the learned ranker was not kept (${e.rankerReason ?? 'not trained'})`,
      evidence,
    };
  }
  return {
    tier: 'hybrid',
    reason: `co-purchase patterns beat segment popularity on the last 3 months (${fmt(e.coPurchaseNdcg)} vs ${fmt(e.popularityNdcg)}) and the learned ranker improved on them in every check`,
    evidence,
  };
}

const fmt = (v: number): string => v.toFixed(3);
