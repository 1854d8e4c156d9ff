// The dashboard's search box: admins know accounts by name, not by Id. An Id typed in still works.
import { checkSalesforceId } from '../salesforce-id.js';
import type { AccountMatch, ResultsStore } from '../ports.js';
import type { RecommendationCache } from './recommendation-cache.js';

export type AccountHit = AccountMatch & { hasRecommendations: boolean };

export async function searchAccounts(store: ResultsStore, cache: RecommendationCache, text: string, limit: number): Promise<{ query: string; accounts: AccountHit[] }> {
  const byId = checkSalesforceId(text, '001');
  const matches: AccountMatch[] = byId.ok
    ? [{ accountId: byId.id18, name: (await store.accountName(byId.id18)) ?? byId.id18 }]
    : await store.searchAccounts(text, limit);
  return { query: text, accounts: matches.map((m) => ({ ...m, hasRecommendations: cache.has(m.accountId) })) };
}
