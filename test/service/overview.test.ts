// The dashboard's verdict, decided on the server: what counts as working, what needs fixing (with ids),
// readiness in words, and Reco against the best simple baseline as `sf reco evaluate` judges it.
import { expect } from 'chai';
import { buildOverview, compareWithBaselines, describeRule, readableNeeds } from '@reco/sync-server/http/use-cases/overview.js';
import type { RunView } from '@reco/sync-server/http/ports.js';
import type { RunStatus } from '@reco/sync-server/domain/run.js';
import { MemoryStore } from './doubles.js';

const quality = (ready: boolean) => ({
  rules: [
    { rule: 'orphan-line', action: 'dropped', object: 'OpportunityLineItem', count: 2, examples: ['00k1', '00k2'] },
    { rule: 'duplicate-account-name', action: 'flagged', object: 'Account', count: 5, examples: ['0011'] },
    { rule: 'non-product', action: 'dropped', object: 'Product2', count: 40, examples: ['01t1'] },
    { rule: 'converted-currency', action: 'repaired', object: 'Opportunity', count: 7, examples: ['0061'] },
  ],
  readiness: [{ model: 'cross-sell', ready, detail: 'won orders with 2+ products 1200/100, products sold 80/20' }],
  ready,
});
const run = (id: string, status: RunStatus, dataQuality: unknown = null, error: string | null = null): RunView => ({
  id, kind: 'Full', status, startedAt: '2026-11-23T09:00:00.000Z', finishedAt: '2026-11-23T09:01:00.000Z', durationMs: 60_000, stages: [], counts: {}, dataQuality, error,
});

describe('dashboard overview', () => {
  it('says "not synced yet" before the first run, and that one is running when it is', async () => {
    const store = new MemoryStore();
    expect(await buildOverview(store, null)).to.include({ verdict: 'not-started', lastRun: null });
    expect((await buildOverview(store, { kind: 'Full' })).headline).to.equal('The first full sync is running; results appear here when it finishes.');
  });

  it('is working with the data ready, and lists what to fix biggest first with the record ids, leaving expected drops out', async () => {
    const store = new MemoryStore();
    store.runs.push(run('r1', 'Succeeded', quality(true)));
    const o = await buildOverview(store, null);
    expect(o.verdict).to.equal('working');
    expect(o.headline).to.equal('Reco is working. 7 records in the org could not be used as they are; fixing them improves the recommendations.');
    expect(o.fixes).to.deep.equal([
      { problem: 'Accounts with the same name (possible duplicates)', object: 'Account', action: 'flagged', count: 5, recordIds: ['0011'] },
      { problem: "Opportunity product line whose opportunity or product is missing", object: 'OpportunityLineItem', action: 'dropped', count: 2, recordIds: ['00k1', '00k2'] },
    ]);
    expect(o.repaired.map((r) => r.problem)).to.deep.equal(['Product that is a fee or service, not something to recommend', 'Amount converted to the corporate currency']);
    expect(o.checks.map((c) => c.ok)).to.deep.equal([true, true, true]);
    expect(o.checks[2]).to.deep.equal({ label: 'Enough baskets and products for cross-sell', ok: true, detail: '1,200 won orders with 2+ products (100 needed), 80 products sold (20 needed)' });
  });

  it('needs attention when a readiness check fails, and is broken when no run has succeeded or the store fails', async () => {
    const store = new MemoryStore();
    store.runs.push(run('r1', 'Succeeded', quality(false)));
    expect(await buildOverview(store, null)).to.include({ verdict: 'attention', headline: 'Reco is serving recommendations, but one check fails: enough baskets and products for cross-sell.' });

    const failing = new MemoryStore();
    failing.runs.push(run('r1', 'Failed', null, 'INVALID_SESSION_ID'));
    const o = await buildOverview(failing, null);
    expect(o.verdict).to.equal('broken');
    expect(o.headline).to.equal('Reco is not working: Full sync r1 failed: INVALID_SESSION_ID; no sync has succeeded yet.');

    const faulty = new MemoryStore();
    faulty.runs.push(run('r1', 'Succeeded', quality(true)));
    (faulty as MemoryStore & { fault: () => string }).fault = () => 'disk full';
    expect((await buildOverview(faulty, null)).verdict).to.equal('broken');
  });

  it('compares Reco with the best simple baseline on NDCG@10, never with its own variants', () => {
    const lists = compareWithBaselines({
      source: 'test window 2026-09-04 to 2026-12-04',
      tasks: {
        crossSell: { reco: { 'ndcg@10': 0.12 }, popularity: { 'ndcg@10': 0.05 }, itemKnn: { 'ndcg@10': 0.08 }, recoFirstStage: { 'ndcg@10': 0.2 } },
        buyAgain: { reco: { 'ndcg@10': 0.3 }, ownHistory: { 'ndcg@10': 0 } },
      },
    });
    expect(lists).to.deep.equal({
      window: 'test window 2026-09-04 to 2026-12-04',
      lists: [
        { list: 'Cross-sell', metric: 'NDCG@10', reco: 0.12, bestBaseline: 'itemKnn', baseline: 0.08, liftPercent: 50, users: null },
        { list: 'Buy again', metric: 'NDCG@10', reco: 0.3, bestBaseline: 'ownHistory', baseline: 0, liftPercent: null, users: null },
      ],
    });
    expect(compareWithBaselines(null)).to.equal(null);
  });

  it('words unknown rules and readiness details without slugs or ratios', () => {
    expect(describeRule('some-new_rule')).to.equal('Some new rule');
    expect(readableNeeds('days of history 400/365')).to.equal('400 days of history (365 needed)');
    expect(readableNeeds('free text')).to.equal('free text');
  });
});
