// Real-time callers read recommendations from memory: the whole set is swapped in once per run (it only
// changes when a run writes new results) as a packed snapshot, each account's list pre-sorted and serialised,
// so a request is a binary search and, for the common queries, a memoised body.
import type { RecommendationKind } from '../../domain/types.js';
import { compareIds, type RecommendationSnapshot } from '../../mirror/recommendation-snapshot.js';
import type { RecommendationView, ResultsStore } from '../ports.js';

const MEMO_LIMIT = 10;

const EMPTY: RecommendationSnapshot = { accounts: [], counts: new Uint32Array(0), ends: new Uint32Array(0), json: new Uint8Array(0) };
const decoder = new TextDecoder();

export class RecommendationCache {
  private snapshot = EMPTY;
  // Serialised and UTF-8 encoded responses for the common queries, so the hot path skips JSON.stringify and
  // the per-write string encoding (the largest cost left after the lookup). Keyed by account|kind|limit and
  // only for limits up to MEMO_LIMIT, which bounds it at a few entries per account.
  private bodies = new Map<string, Buffer>();
  private loadedAt: string | null = null;

  /**
   * Reads and packs the store's recommendations on this thread: at start, or when no run handed a snapshot over.
   * A store that answers at once (node:sqlite) is installed at once, with no tick in between.
   */
  public refresh(store: Pick<ResultsStore, 'recommendationSnapshot'>): number | Promise<number> {
    const snapshot = store.recommendationSnapshot();
    return snapshot instanceof Promise ? snapshot.then((s) => this.install(s)) : this.install(snapshot);
  }

  /**
   * Swaps in a snapshot built elsewhere (the pipeline's thread): constant work here whatever its size, so the
   * requests being answered do not wait for it. The old set is served until this call.
   */
  public install(snapshot: RecommendationSnapshot): number {
    this.snapshot = snapshot;
    this.bodies = new Map();
    this.loadedAt = new Date().toISOString();
    return snapshot.counts.reduce((sum, n) => sum + n, 0);
  }

  public get refreshedAt(): string | null {
    return this.loadedAt;
  }

  /** An account with the most recommendations, to show a new user where to look. */
  public sampleAccount(): string | null {
    let best: string | null = null;
    let most = 0;
    const { accounts, counts } = this.snapshot;
    for (let i = 0; i < accounts.length; i++) if (counts[i] > most) [best, most] = [accounts[i], counts[i]];
    return best;
  }

  public has(accountId: string): boolean {
    return this.indexOf(accountId) >= 0;
  }

  /** The response body for a query, rendered once per run for the common limits. */
  public body(accountId: string, options: { kind?: RecommendationKind; limit: number }, render: (recs: RecommendationView[]) => string): Buffer {
    if (options.limit > MEMO_LIMIT) return Buffer.from(render(this.get(accountId, options)));
    const key = `${accountId}|${options.kind ?? ''}|${options.limit}`;
    let body = this.bodies.get(key);
    if (body === undefined) {
      body = Buffer.from(render(this.get(accountId, options)));
      if (this.has(accountId)) this.bodies.set(key, body); // unknown ids are not memoised: unbounded
    }
    return body;
  }

  /** Highest score first, across kinds unless one is asked for. */
  public get(accountId: string, options: { kind?: RecommendationKind; limit: number }): RecommendationView[] {
    const i = this.indexOf(accountId);
    if (i < 0) return [];
    const { ends, json } = this.snapshot;
    const all = JSON.parse(`[${decoder.decode(json.subarray(i === 0 ? 0 : ends[i - 1], ends[i]))}]`) as RecommendationView[];
    const picked: RecommendationView[] = [];
    for (const rec of all) {
      if (options.kind && rec.kind !== options.kind) continue;
      picked.push(rec);
      if (picked.length === options.limit) break;
    }
    return picked;
  }

  private indexOf(accountId: string): number {
    const { accounts } = this.snapshot;
    let lo = 0;
    let hi = accounts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareIds(accounts[mid], accountId);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
