// After a run, the service's results cache is swapped for the snapshot the pipeline built on its own thread:
// rebuilding it on the serving thread from the store (tens of thousands of objects, then a major GC) held
// every request for up to seconds on the demo org. A pipeline that hands nothing over (an in-process run)
// still gets the store's results, read on the serving thread as before.
import { expect } from 'chai';
import { packRecommendations, type RecommendationSnapshot } from '@reco/sync-server/mirror/recommendation-snapshot.js';
import { api, accountId, fakePipeline, MemoryStore, seedResults, startTestService, waitFor } from './doubles.js';

/** The store, counting how often the service reads every recommendation from it. */
function countingStore(): MemoryStore & { reads: number } {
  const store = Object.assign(new MemoryStore(), { reads: 0 });
  const read = store.recommendationSnapshot.bind(store);
  store.recommendationSnapshot = () => {
    store.reads++;
    return read();
  };
  seedResults(store, 6);
  return store;
}

const productNames = async (url: string, id: string): Promise<string[]> =>
  ((await api(url, `/accounts/${id}/recommendations`)).body.recommendations as Array<{ productName: string }>).map((r) => r.productName);

describe('the results cache after a run', () => {
  it('swaps in the snapshot the pipeline handed over, without reading the store on the serving thread', async () => {
    const store = countingStore();
    const handedOver = store.recommendations.map((r) => ({ ...r, productName: `${r.productName} (new run)` }));
    const asked: string[] = [];
    const service = await startTestService({
      store,
      pipeline: fakePipeline(store, 1),
      resultsHandover: (runId): RecommendationSnapshot => {
        asked.push(runId);
        return packRecommendations(handedOver);
      },
    });
    try {
      expect(store.reads, 'the cache is built from the store at start').to.equal(1);
      expect(await productNames(service.url, accountId(1))).to.deep.equal(['Product 0-Cross-sell', 'Product 0-Buy again']);
      const run = service.coordinator.trigger('Full', 'manual');
      const outcome = await run.done;
      expect(outcome?.status).to.equal('Succeeded');
      expect(store.reads, 'no rebuild from the store after the run').to.equal(1);
      expect(asked, 'taken once, when the results stage is done, not again at the end').to.deep.equal([outcome!.runId]);
      expect(await productNames(service.url, accountId(1))).to.deep.equal(['Product 0-Cross-sell (new run)', 'Product 0-Buy again (new run)']);
      expect(service.lines.filter((l) => l.msg === 'results cache refreshed').map((l) => l.builtBy)).to.deep.equal(['service', 'pipeline thread']);
    } finally {
      await service.close();
    }
  });

  it('rebuilds from the store once per run when the pipeline hands nothing over (an in-process run)', async () => {
    const store = countingStore();
    const service = await startTestService({ store, pipeline: fakePipeline(store, 1), resultsHandover: () => undefined });
    try {
      store.recommendations = store.recommendations.map((r) => ({ ...r, productName: `${r.productName} (stored)` }));
      expect(await productNames(service.url, accountId(2))).to.deep.equal(['Product 1-Cross-sell', 'Product 1-Buy again'], 'the old results until the run');
      await service.coordinator.trigger('Incremental', 'manual').done;
      await waitFor(() => store.reads === 2, 2000, 'the rebuild');
      expect(await productNames(service.url, accountId(2))).to.deep.equal(['Product 1-Cross-sell (stored)', 'Product 1-Buy again (stored)']);
      expect(store.reads).to.equal(2);
    } finally {
      await service.close();
    }
  });
});
