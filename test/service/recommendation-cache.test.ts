// The packed results snapshot the API's cache serves from: the same responses as the lists it replaces (each
// account's recommendations, highest score first, ties by rank), movable between threads without a copy, and
// swapped in at a cost that does not grow with its size.
import { MessageChannel } from 'node:worker_threads';
import { expect } from 'chai';
import type { RecommendationKind } from '@reco/sync-server/domain/types.js';
import type { RecommendationView } from '@reco/sync-server/http/ports.js';
import { getAccountRecommendationsJson } from '@reco/sync-server/http/use-cases/account-results.js';
import { RecommendationCache } from '@reco/sync-server/http/use-cases/recommendation-cache.js';
import { packRecommendations, snapshotTransferList, type RecommendationSnapshot } from '@reco/sync-server/mirror/recommendation-snapshot.js';
import { accountId } from './doubles.js';

function recommendations(accounts: number, perAccount: number): RecommendationView[] {
  const recs: RecommendationView[] = [];
  for (let r = 0; r < perAccount; r++) {
    // Accounts interleaved and in reverse, as no store promises an order; equal scores, so rank breaks ties.
    for (let a = accounts; a >= 1; a--) {
      const kind: RecommendationKind = r % 2 === 0 ? 'Cross-sell' : 'Buy again';
      recs.push({
        accountId: accountId(a), productId: `01tQy${String(a * 100 + r).padStart(10, '0')}AAA`, productName: r === 3 ? null : `Crème brûlée ☕ ${r} «${a}»`,
        kind, rank: Math.floor(r / 2) + 1, score: Math.round((1 - (r % 5) / 10) * 100) / 100, confidence: 'High', reason: `Bought by 𝒮imilar accounts (${r})`,
        evidence: { coBuyers: r + 3, products: [`α${r}`, 'β'], nested: { support: a / 7 } }, expectedRevenue: r === 2 ? null : 10.5 * r, opportunityId: null,
      });
    }
  }
  return recs;
}

/** What the API returned before the snapshot: the stored lists grouped by account, stably sorted by score then rank. */
function expectedBody(all: RecommendationView[], id: string, kind: RecommendationKind | undefined, limit: number): string {
  const list = all.filter((r) => r.accountId === id).sort((a, b) => b.score - a.score || a.rank - b.rank);
  const picked = list.filter((r) => !kind || r.kind === kind).slice(0, limit);
  return JSON.stringify({ accountId: id, kind: kind ?? null, recommendations: picked });
}

function cacheOf(snapshot: RecommendationSnapshot): RecommendationCache {
  const cache = new RecommendationCache();
  cache.install(snapshot);
  return cache;
}

describe('the packed recommendations snapshot', () => {
  const all = recommendations(40, 13);

  it('serves byte for byte what the grouped, sorted lists served, for every account, kind and limit', () => {
    const cache = cacheOf(packRecommendations(all));
    for (let a = 1; a <= 40; a++) {
      const id = accountId(a);
      expect(cache.has(id)).to.equal(true);
      for (const kind of [undefined, 'Cross-sell', 'Buy again'] as const) {
        for (const limit of [1, 3, 10, 11, 50]) {
          const body = getAccountRecommendationsJson(cache, id, { kind, limit }).toString('utf8');
          expect(body, `${id} ${kind} ${limit}`).to.equal(expectedBody(all, id, kind, limit));
          // Memoised or not, asking again gives the same bytes.
          expect(getAccountRecommendationsJson(cache, id, { kind, limit }).toString('utf8')).to.equal(body);
        }
      }
    }
    const unknown = accountId(41);
    expect(cache.has(unknown)).to.equal(false);
    expect(JSON.parse(getAccountRecommendationsJson(cache, unknown, {}).toString())).to.deep.equal({ accountId: unknown, kind: null, recommendations: [] });
    expect(cache.sampleAccount()).to.equal(accountId(1)); // every account has 13: the first in id order
  });

  it('an empty snapshot serves empty lists', () => {
    const cache = cacheOf(packRecommendations([]));
    expect(cache.has(accountId(1))).to.equal(false);
    expect(cache.sampleAccount()).to.equal(null);
    expect(cache.get(accountId(1), { limit: 10 })).to.deep.equal([]);
  });

  it('moves to another thread without a copy, and serves the same there', async () => {
    const snapshot = packRecommendations(all);
    const before = getAccountRecommendationsJson(cacheOf(snapshot), accountId(7), { limit: 10 }).toString();
    const { port1, port2 } = new MessageChannel();
    const received = new Promise<RecommendationSnapshot>((resolve) => port2.once('message', resolve));
    port1.postMessage(snapshot, snapshotTransferList(snapshot));
    const moved = await received;
    port1.close();
    expect(snapshot.json.byteLength, 'detached on the sending side: moved, not copied').to.equal(0);
    expect(snapshot.ends.byteLength).to.equal(0);
    expect(getAccountRecommendationsJson(cacheOf(moved), accountId(7), { limit: 10 }).toString()).to.equal(before);
  });

  it('swaps in 86,000 recommendations at a cost to the serving thread far below building them', () => {
    const demoSized = recommendations(4300, 20);
    const cpuMs = (fn: () => void): number => {
      const start = process.threadCpuUsage();
      fn();
      const used = process.threadCpuUsage(start);
      return (used.user + used.system) / 1000;
    };
    let snapshot!: RecommendationSnapshot;
    const build = cpuMs(() => { snapshot = packRecommendations(demoSized); }); // what the pipeline's thread does
    const cache = new RecommendationCache();
    // CPU time of this thread, not wall time: the machine's load does not inflate it.
    const install = cpuMs(() => cache.install(snapshot));
    expect(install, `install ${install.toFixed(2)} ms vs build ${build.toFixed(0)} ms of CPU`).to.be.below(20);
    expect(install * 20, `install ${install.toFixed(2)} ms vs build ${build.toFixed(0)} ms of CPU`).to.be.below(build);
    expect(cache.get(accountId(4300), { limit: 20 })).to.have.length(20);
  });
});
