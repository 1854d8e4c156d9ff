// Real-time callers read recommendations from memory: the whole set is loaded once per run (it only changes
// when a run writes new results), grouped by account and pre-sorted, so a request is a map lookup.
import type { RecommendationKind } from '../../domain/types.js';
import type { RecommendationView, ResultsStore } from '../ports.js';

export class RecommendationCache {
  private byAccount = new Map<string, RecommendationView[]>();
  private loadedAt: string | null = null;

  public refresh(store: Pick<ResultsStore, 'allRecommendations'>): number {
    const next = new Map<string, RecommendationView[]>();
    let count = 0;
    for (const rec of store.allRecommendations()) {
      const list = next.get(rec.accountId);
      if (list) list.push(rec);
      else next.set(rec.accountId, [rec]);
      count++;
    }
    for (const list of next.values()) list.sort((a, b) => b.score - a.score || a.rank - b.rank);
    this.byAccount = next;
    this.loadedAt = new Date().toISOString();
    return count;
  }

  public get refreshedAt(): string | null {
    return this.loadedAt;
  }

  public has(accountId: string): boolean {
    return this.byAccount.has(accountId);
  }

  /** Highest score first, across kinds unless one is asked for. */
  public get(accountId: string, options: { kind?: RecommendationKind; limit: number }): RecommendationView[] {
    const all = this.byAccount.get(accountId) ?? [];
    const picked: RecommendationView[] = [];
    for (const rec of all) {
      if (options.kind && rec.kind !== options.kind) continue;
      picked.push(rec);
      if (picked.length === options.limit) break;
    }
    return picked;
  }
}
