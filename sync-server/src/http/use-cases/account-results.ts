// Per-account reads for real-time callers (the LWC, the dashboard's search box).
import type { AccountInsight, RecommendationKind } from '../../domain/types.js';
import { notFound } from '../app-error.js';
import type { RecommendationView, ResultsStore } from '../ports.js';
import type { RecommendationCache } from './recommendation-cache.js';

export const DEFAULT_RECOMMENDATION_LIMIT = 10;

export function getAccountRecommendations(
  cache: RecommendationCache,
  accountId: string,
  query: { kind?: RecommendationKind; limit?: number },
): { accountId: string; kind: RecommendationKind | null; recommendations: RecommendationView[] } {
  const recommendations = cache.get(accountId, { kind: query.kind, limit: query.limit ?? DEFAULT_RECOMMENDATION_LIMIT });
  return { accountId, kind: query.kind ?? null, recommendations };
}

export function getAccountInsight(store: ResultsStore, accountId: string): { insight: AccountInsight } {
  const insight = store.getInsight(accountId);
  if (!insight) throw notFound(`No insight for account ${accountId} (unknown account, or no run has scored it yet)`);
  return { insight };
}
