// Per-account reads for real-time callers (the LWC, the dashboard's search box).
import type { AccountInsight, RecommendationKind } from '../../domain/types.js';
import { notFound } from '../app-error.js';
import type { ResultsStore } from '../ports.js';
import type { RecommendationCache } from './recommendation-cache.js';

export const DEFAULT_RECOMMENDATION_LIMIT = 10;

/** The JSON body of GET /accounts/:id/recommendations; an account without recommendations gets an empty list. */
export function getAccountRecommendationsJson(
  cache: RecommendationCache,
  accountId: string,
  query: { kind?: RecommendationKind; limit?: number },
): Buffer {
  const kind = query.kind ?? null;
  return cache.body(accountId, { kind: query.kind, limit: query.limit ?? DEFAULT_RECOMMENDATION_LIMIT },
    (recommendations) => JSON.stringify({ accountId, kind, recommendations }));
}

export async function getAccountInsight(store: ResultsStore, accountId: string): Promise<{ insight: AccountInsight }> {
  const insight = await store.getInsight(accountId);
  if (!insight) throw notFound(`No insight for account ${accountId} (unknown account, or no run has scored it yet)`);
  return { insight };
}
