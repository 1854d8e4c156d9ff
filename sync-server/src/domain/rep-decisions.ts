// A rep's decision on a recommendation, from the two places it can live:
// - Recommendation_Reaction__c records the rep creates (the current design: creating one needs only read
//   access to the Account, and Reco never edits them), the newest one per recommendation winning;
// - Product_Recommendation__c.Status__c set by a rep (the design before reactions; an upgraded org keeps
//   those decisions). Reco itself only ever sets New and Expired there, or copies a reaction's decision.
// A reaction, when there is one, wins over a status: it is the rep's own record, the status may be Reco's
// copy of an older reaction.
import type { RecommendationStatus } from './types.js';

export type ReactionType = 'Accepted' | 'Dismissed';
export type RepDecision = {
  status: Extract<RecommendationStatus, 'Accepted' | 'Dismissed' | 'Converted'>;
  dismissReason: string | null;
  /** The reaction the decision comes from; null for a decision read from the recommendation's Status__c. */
  reactionId: string | null;
};

/** The fields of Recommendation_Reaction__c Reco reads (mirror or API shape). */
export type RawReaction = {
  Id: string;
  CreatedDate?: unknown;
  Recommendation__c?: unknown;
  Account__c?: unknown;
  Product__c?: unknown;
  Reaction__c?: unknown;
  Dismiss_Reason__c?: unknown;
};
export type RawRecommendation = { Id: string; Status__c?: unknown; Dismiss_Reason__c?: unknown };

const REP_STATUSES = new Set(['Accepted', 'Dismissed', 'Converted']);
const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));

/** Newest first: by CreatedDate, then by Id (ids grow with creation, and break ties within one second). */
function newer(a: RawReaction, b: RawReaction): boolean {
  const ta = Date.parse(String(a.CreatedDate ?? ''));
  const tb = Date.parse(String(b.CreatedDate ?? ''));
  if (ta !== tb && Number.isFinite(ta) && Number.isFinite(tb)) return ta > tb;
  return a.Id > b.Id;
}

/** The newest valid reaction per key (reactions with an unknown type are ignored, not guessed at). */
export function latestReactions(reactions: RawReaction[], keyOf: (r: RawReaction) => string | null): Map<string, RawReaction> {
  const out = new Map<string, RawReaction>();
  for (const r of reactions) {
    const type = str(r.Reaction__c);
    if (type !== 'Accepted' && type !== 'Dismissed') continue;
    const key = keyOf(r);
    if (key === null) continue;
    const had = out.get(key);
    if (!had || newer(r, had)) out.set(key, r);
  }
  return out;
}

function fromReaction(r: RawReaction): RepDecision {
  const status = str(r.Reaction__c) as ReactionType;
  return { status, dismissReason: status === 'Dismissed' ? str(r.Dismiss_Reason__c) : null, reactionId: r.Id };
}

/** The rep's decision per recommendation Id; recommendations with none (New, Expired) are absent. */
export function repDecisions(recommendations: RawRecommendation[], reactions: RawReaction[]): Map<string, RepDecision> {
  const out = new Map<string, RepDecision>();
  for (const r of recommendations) {
    const status = str(r.Status__c);
    if (status && REP_STATUSES.has(status)) out.set(r.Id, { status: status as RepDecision['status'], dismissReason: str(r.Dismiss_Reason__c), reactionId: null });
  }
  for (const [recId, reaction] of latestReactions(reactions, (r) => str(r.Recommendation__c))) out.set(recId, fromReaction(reaction));
  return out;
}

/**
 * Products dismissed per account by reactions whose recommendation is gone (deleted in the org, or never
 * mirrored): the account and product on the reaction still say what the rep never wants to see again.
 */
export function orphanDismissals(reactions: RawReaction[], knownRecommendations: Set<string>): Array<{ accountId: string; productId: string; reason: string | null; reactionId: string }> {
  const orphans = reactions.filter((r) => {
    const rec = str(r.Recommendation__c);
    return rec === null || !knownRecommendations.has(rec);
  });
  const latest = latestReactions(orphans, (r) => {
    const a = str(r.Account__c);
    const p = str(r.Product__c);
    return a && p ? `${a}\u0000${p}` : null;
  });
  return [...latest.values()]
    .filter((r) => str(r.Reaction__c) === 'Dismissed')
    .map((r) => ({ accountId: String(r.Account__c), productId: String(r.Product__c), reason: str(r.Dismiss_Reason__c), reactionId: r.Id }));
}
