// Real-time callers read recommendations from memory: the whole set is loaded once per run (it only changes
// when a run writes new results), grouped by account and pre-sorted, so a request is a map lookup.
import type { RecommendationKind } from '../../domain/types.js';
import type { RecommendationView, ResultsStore } from '../ports.js';

const MEMO_LIMIT = 10;

const byScore = (a: RecommendationView, b: RecommendationView): number => b.score - a.score || a.rank - b.rank;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function add(into: Map<string, RecommendationView[]>, recs: Iterable<RecommendationView>): number {
  let count = 0;
  for (const rec of recs) {
    const list = into.get(rec.accountId);
    if (list) list.push(rec);
    else into.set(rec.accountId, [rec]);
    count++;
  }
  return count;
}

export class RecommendationCache {
  private byAccount = new Map<string, RecommendationView[]>();
  // Serialised and UTF-8 encoded responses for the common queries, so the hot path skips JSON.stringify and
  // the per-write string encoding (the largest cost left after the lookup). Keyed by account|kind|limit and
  // only for limits up to MEMO_LIMIT, which bounds it at a few entries per account.
  private bodies = new Map<string, Buffer>();
  private loadedAt: string | null = null;

  public refresh(store: Pick<ResultsStore, 'allRecommendations'>): number {
    const next = new Map<string, RecommendationView[]>();
    const count = add(next, store.allRecommendations());
    for (const list of next.values()) list.sort(byScore);
    this.swap(next);
    return count;
  }

  /**
   * The same rebuild in pages, yielding to the event loop between them, so a large result set (tens of
   * thousands of recommendations) does not hold every request for the second it takes to load. The old set
   * is served until the new one is complete.
   */
  public async refreshInPages(store: Pick<ResultsStore, 'allRecommendations' | 'recommendationPages'>, pageSize = 2000): Promise<number> {
    if (!store.recommendationPages) return this.refresh(store);
    const next = new Map<string, RecommendationView[]>();
    let count = 0;
    for (const page of store.recommendationPages(pageSize)) {
      count += add(next, page);
      await yieldToEventLoop();
    }
    let sorted = 0;
    for (const list of next.values()) {
      list.sort(byScore);
      sorted += list.length;
      if (sorted >= pageSize) {
        sorted = 0;
        await yieldToEventLoop();
      }
    }
    this.swap(next);
    return count;
  }

  private swap(next: Map<string, RecommendationView[]>): void {
    this.byAccount = next;
    this.bodies = new Map();
    this.loadedAt = new Date().toISOString();
  }

  public get refreshedAt(): string | null {
    return this.loadedAt;
  }

  /** An account with the most recommendations, to show a new user where to look. */
  public sampleAccount(): string | null {
    let best: string | null = null;
    let most = 0;
    for (const [id, list] of this.byAccount) if (list.length > most) [best, most] = [id, list.length];
    return best;
  }

  public has(accountId: string): boolean {
    return this.byAccount.has(accountId);
  }

  /** The response body for a query, rendered once per run for the common limits. */
  public body(accountId: string, options: { kind?: RecommendationKind; limit: number }, render: (recs: RecommendationView[]) => string): Buffer {
    if (options.limit > MEMO_LIMIT) return Buffer.from(render(this.get(accountId, options)));
    const key = `${accountId}|${options.kind ?? ''}|${options.limit}`;
    let body = this.bodies.get(key);
    if (body === undefined) {
      body = Buffer.from(render(this.get(accountId, options)));
      if (this.byAccount.has(accountId)) this.bodies.set(key, body); // unknown ids are not memoised: unbounded
    }
    return body;
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
