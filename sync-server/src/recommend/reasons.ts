// Reasons a rep can check in the org, with their evidence as JSON, and the confidence from the support
// behind each recommendation.
import type { Confidence } from '../domain/types.js';
import type { BuyAgainParams, Rhythm } from './buy-again.js';
import type { TierChoice } from './tier.js';

export const cut = (s: string): string => (s.length <= 255 ? s : `${s.slice(0, 252)}...`);

export function crossSellReason(
  anchorName: string | null,
  support: { both: number; anchorBuyers: number } | null,
  popular: { segment: string | null; buyers: number },
): { reason: string; evidence: Record<string, unknown>; confidence: Confidence } {
  if (anchorName && support && support.both > 0) {
    const confidence: Confidence = support.both >= 10 ? 'High' : support.both >= 3 ? 'Medium' : 'Low';
    return {
      reason: cut(`bought by ${support.both} of ${support.anchorBuyers} accounts that also buy ${anchorName}`),
      evidence: { kind: 'co-purchase', anchor: anchorName, accountsBuyingBoth: support.both, accountsBuyingAnchor: support.anchorBuyers },
      confidence,
    };
  }
  const where = popular.segment ? `${popular.segment} accounts` : 'accounts like this one';
  return {
    // The count is every account that ever bought the product: a figure a rep can check with a report.
    reason: cut(`popular with ${where}: bought by ${popular.buyers} ${popular.buyers === 1 ? 'account' : 'accounts'} so far`),
    evidence: { kind: 'popularity', segment: popular.segment, buyers: popular.buyers, window: 'all time' },
    confidence: 'Low',
  };
}

export function contentReason(anchorName: string, family: string, everyDays: number | null): { reason: string; evidence: Record<string, unknown> } {
  const rhythmText = everyDays === null ? 'which you have ordered' : `which you order about every ${Math.round(everyDays)} days`;
  return {
    reason: cut(`new in ${family}: same family as ${anchorName}, ${rhythmText}`),
    evidence: { kind: 'content', family, anchor: anchorName, anchorIntervalDays: everyDays },
  };
}

export function buyAgainReason(r: Rhythm): { reason: string; evidence: Record<string, unknown>; confidence: Confidence } {
  const every = r.intervalDays === null ? '' : `, about every ${Math.round(r.intervalDays)} days`;
  const times = r.orders === 1 ? 'ordered once' : `ordered ${r.orders} times`;
  return {
    reason: cut(`${times}${every}; last order ${r.daysSinceLast} days ago`),
    evidence: { kind: 'rhythm', orders: r.orders, intervalDays: r.intervalDays, daysSinceLast: r.daysSinceLast, due: Math.round(r.due * 1000) / 1000 },
    confidence: r.orders >= 4 ? 'High' : r.orders >= 2 ? 'Medium' : 'Low',
  };
}

/**
 * The org's history was too short to check anything learned, chances included (the segment-popularity tier
 * chosen for want of data). Not when that tier won on the data: co-purchase patterns lost to it on a real
 * validation window, and the chances were calibrated on that window like any other tier's.
 */
const unchecked = (tier?: TierChoice): boolean =>
  tier?.tier === 'segment-popularity' && (tier.evidence.popularityNdcg === null || tier.evidence.coPurchaseNdcg === null);

/**
 * Confidence from the calibrated chance and the evidence together: High needs both a better-than-even chance
 * and strong evidence, Medium at least a one-in-five chance; on an org whose history could not check anything
 * learned it is never more than Low. So "High" never sits beside a 6% score.
 */
export function confidenceFor(chance: number, evidence: Confidence, tier?: TierChoice): Confidence {
  if (unchecked(tier)) return 'Low';
  if (chance >= 0.5 && evidence === 'High') return 'High';
  if (chance >= 0.2 && evidence !== 'Low') return 'Medium';
  return 'Low';
}

/**
 * The confidence to show beside a stored score: never above what the score's chance supports (a row written
 * before scores were calibrated may say High beside 6%).
 */
export function shownConfidence(stored: string | null, score: number | null): Confidence | null {
  if (stored !== 'High' && stored !== 'Medium' && stored !== 'Low') return null;
  if (score === null) return stored;
  const cap: Confidence = score >= 0.5 ? 'High' : score >= 0.2 ? 'Medium' : 'Low';
  const order: Confidence[] = ['Low', 'Medium', 'High'];
  return order[Math.min(order.indexOf(stored), order.indexOf(cap))];
}

const tierWords = (tier: TierChoice): string => {
  if (tier.tier === 'hybrid') return 'from co-purchase patterns and a learned ranker';
  if (tier.tier === 'co-purchase') return 'from co-purchase patterns';
  return unchecked(tier) ? 'basic list: too little order history to check anything more' : 'from what similar accounts buy most, which beat co-purchase patterns on this org';
};

/**
 * How the re-order list was ordered, in a rep's words: the learned model only where it beat the plain
 * orderings on this org's own history; otherwise the plain ordering that did best, said as such.
 */
export function buyAgainWords(order: NonNullable<BuyAgainParams['order']>): string {
  if (order === 'learned') return "ordered by a re-order model that beat plain order history on this org's data";
  const by = order === 'frequency' ? 'how often' : order === 'recency' ? 'how recently' : 'how often and how lately';
  return `ordered by ${by} it is ordered: a learned order was not clearly better on this org's history`;
}

const RANK: Record<Confidence, number> = { Low: 0, Medium: 1, High: 2 };

/** The confidence the chance alone would support (the cap shownConfidence applies). */
const chanceConfidence = (chance: number): Confidence => (chance >= 0.5 ? 'High' : chance >= 0.2 ? 'Medium' : 'Low');

/**
 * Why the evidence holds the confidence below what the chance supports, in a rep's words, read from the
 * evidence JSON the reason builders wrote; null when the evidence is not the limit.
 */
function evidenceLimit(evidence: Record<string, unknown>, tier?: TierChoice): string | null {
  if (unchecked(tier)) return 'this org has too little order history to check the chance';
  const n = (k: string): number => Number(evidence[k]);
  switch (evidence.kind) {
    case 'rhythm':
      return n('orders') === 1 ? 'a single earlier order of it to go by' : `only ${n('orders')} earlier orders of it to go by`;
    case 'co-purchase':
      return `only ${n('accountsBuyingBoth')} ${n('accountsBuyingBoth') === 1 ? 'account' : 'accounts'} bought it with ${String(evidence.anchor)}`;
    case 'popularity':
      return 'nothing this account bought points to it, only its popularity';
    case 'content':
      return 'a new product with no sales yet';
    default:
      return null;
  }
}

/**
 * Adds the chance in words, the tier and the combined confidence to a reason (its evidence keeps both). A
 * Confidence below what the chance alone supports (a 58% re-order with Low confidence) says why in the reason,
 * so the two never read as a contradiction: Confidence is how far the chance can be trusted, not the chance.
 */
export function withChance<T extends { reason: string; evidence: Record<string, unknown>; confidence: Confidence }>(
  why: T,
  chance: number,
  tier?: TierChoice,
  buyAgain?: Pick<BuyAgainParams, 'order' | 'why'>,
): T {
  const pct = chance < 0.01 ? 'under 1%' : `about ${Math.round(chance * 100)}%`;
  // A re-order's step is how its list was ordered (buy-again-choice.ts), not the cross-sell tier.
  const step = buyAgain?.order && !unchecked(tier) ? buyAgainWords(buyAgain.order) : tier ? tierWords(tier) : null;
  const tierText = step ? `; ${step}` : '';
  const confidence = confidenceFor(chance, why.confidence, tier);
  const limit = RANK[confidence] < RANK[chanceConfidence(chance)] ? evidenceLimit(why.evidence, tier) : null;
  const limitText = limit ? `; ${confidence} confidence: ${limit}` : '';
  return {
    ...why,
    reason: cut(`${why.reason}; ${pct} chance of an order in the next 3 months${limitText}${tierText}`),
    evidence: {
      ...why.evidence,
      chance: Math.round(chance * 1000) / 1000,
      evidenceStrength: why.confidence,
      ...(limit ? { confidenceLimitedBy: limit } : {}),
      ...(tier ? { tier: tier.tier, tierReason: tier.reason } : {}),
      ...(buyAgain?.order ? { buyAgainOrder: buyAgain.order, ...(buyAgain.why ? { buyAgainOrderReason: buyAgain.why } : {}) } : {}),
    },
    confidence,
  };
}
