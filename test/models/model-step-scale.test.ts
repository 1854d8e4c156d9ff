// What keeps the model step fast and small on big orgs: the streaming sink, reuse of stored tuned settings, and
// the bounded tuning sample. Each must give the same answers as the plain path.
import { expect } from 'chai';
import { runModels } from '../../sync-server/src/models/run-models.js';
import { syntheticDataset } from '../../sync-server/src/models/synthetic.js';
import { planTuning, storedTuning } from '../../sync-server/src/models/stored-params.js';
import { CALIBRATION_FEATURES } from '../../sync-server/src/recommend/calibration.js';
import { sampleAccounts } from '../../sync-server/src/models/tune-sample.js';
import { indexDataset } from '../../sync-server/src/models/dataset-index.js';
import { buildUserItems } from '../../sync-server/src/recommend/purchase-log.js';
import { orderTable } from '../../sync-server/src/features/orders.js';
import { purchaseFeatures } from '../../sync-server/src/features/features.js';
import { segmentAccounts } from '../../sync-server/src/segments/segment.js';
import type { AccountInsight, ModelOutput, Recommendation } from '../../sync-server/src/domain/types.js';

describe('models: model step at scale', function () {
  this.timeout(120_000);
  const ds = syntheticDataset({ accounts: 600, products: 300, linesPerAccount: 10, seed: 11 });
  let tuned: ModelOutput;
  before(() => {
    tuned = runModels(ds, { seed: 3, holdoutShare: 0.2 });
  });

  it('streams the same insights and recommendations to a sink as the array API returns, holding none', () => {
    const insights: AccountInsight[] = [];
    const recs: Recommendation[] = [];
    const shadow: Recommendation[] = [];
    const streamed = runModels(ds, { seed: 3, holdoutShare: 0.2 }, undefined, (i, r, s) => {
      insights.push(i);
      recs.push(...r);
      shadow.push(...s);
    });
    expect(streamed.insights).to.deep.equal([]);
    expect(streamed.recommendations).to.deep.equal([]);
    expect(recs.length).to.be.greaterThan(1000);
    expect(recs).to.deep.equal(tuned.recommendations);
    expect(insights).to.deep.equal(tuned.insights);
    // Holdout accounts' lists stream as shadow lists (measured, never shown), counted apart.
    expect(shadow.length).to.be.greaterThan(0);
    expect(streamed.metrics.counts).to.deep.equal({ insights: insights.length, recommendations: recs.length, shadow: shadow.length });
    expect(streamed.segments).to.deep.equal(tuned.segments);
  });

  it('reuses fresh stored settings on incremental runs and skips the tune', () => {
    const last = { asOf: tuned.asOf, metrics: tuned.metrics };
    const stored = storedTuning(last)!;
    expect(stored.tunedOn).to.equal(ds.asOf);
    const plan = planTuning('Incremental', { seed: 3, holdoutShare: 0.2 }, last, '2026-01-05T00:00:00.000Z');
    expect(plan.reused).to.deep.equal(stored);
    expect(plan.options).to.include({ tune: 'off', paramsTunedOn: ds.asOf });
    const reused = runModels(ds, plan.options);
    expect(reused.metrics.timings).to.include({ tune: 0 });
    // Same settings, same lists: reusing is equivalent to the run that tuned them.
    expect(reused.recommendations).to.deep.equal(tuned.recommendations);
    // The settings travel forward so the next incremental run can reuse them again.
    expect(storedTuning({ asOf: reused.asOf, metrics: reused.metrics })).to.deep.equal(stored);
  });

  it('re-tunes on full runs, on stale settings, without stored settings, and when the caller says so', () => {
    const last = { asOf: tuned.asOf, metrics: tuned.metrics };
    expect(planTuning('Full', {}, last, '2026-01-02').reused).to.equal(null);
    const stale = planTuning('Incremental', {}, last, '2026-01-20', 7);
    expect(stale.reused).to.equal(null);
    expect(stale.reason).to.match(/19 days old/);
    expect(planTuning('Incremental', {}, undefined, '2026-01-02').reason).to.match(/no stored/);
    expect(planTuning('Incremental', {}, { asOf: tuned.asOf, metrics: { tuning: null } }, '2026-01-02').reused).to.equal(null);
    expect(planTuning('Incremental', { tune: 'full' }, last, '2026-01-02').options.tune).to.equal('full');
    // Chances learned on another version's features would read this version's rows wrongly: tune again.
    const metrics = tuned.metrics as { tuning: { params: { nextBest: { features?: number } } } };
    expect(metrics.tuning.params.nextBest.features).to.equal(CALIBRATION_FEATURES);
    const older = structuredClone(metrics);
    delete older.tuning.params.nextBest.features;
    expect(planTuning('Incremental', {}, { asOf: tuned.asOf, metrics: older }, '2026-01-02').reused).to.equal(null);
  });

  it('tunes on a fixed, deterministic account sample with the accounts\' full history', () => {
    const { log } = indexDataset(ds);
    const groups = Int32Array.from({ length: log.nUsers }, (_, u) => u % 5);
    const a = sampleAccounts(log, groups, 100)!;
    const b = sampleAccounts(log, groups, 100)!;
    expect(a.accounts).to.equal(100);
    expect(a.log.nUsers).to.equal(100);
    expect(Array.from(a.log.user)).to.deep.equal(Array.from(b.log.user));
    expect(Math.max(...a.log.user)).to.equal(99);
    // Every sampled account keeps all its lines: 600 accounts x 10 lines, so 100 accounts hold 1000.
    expect(a.log.user.length).to.equal(1000);
    // Spread over the whole index (every 6th account), each with its own segment.
    expect(Array.from(a.groupOf.subarray(0, 5))).to.deep.equal([0, 1, 2, 3, 4]);
    expect(sampleAccounts(log, groups, 600)).to.equal(null);
    expect(() => sampleAccounts(log, groups, 0)).to.throw(/tuneSampleAccounts/);
    const small = runModels(ds, { seed: 3, tuneSampleAccounts: 200 });
    const again = runModels(ds, { seed: 3, tuneSampleAccounts: 200 });
    expect(small.metrics.tuning).to.deep.equal(again.metrics.tuning);
  });

  it('selects k on a deterministic sample when there are more accounts than the sample, and assigns everyone', () => {
    const big = syntheticDataset({ accounts: 7000, products: 500, linesPerAccount: 10, seed: 5 });
    const { log, asOfDay } = indexDataset(big);
    const ui = buildUserItems(log);
    const breadth = Float64Array.from({ length: ui.nUsers }, (_, u) => ui.ptr[u + 1] - ui.ptr[u]);
    const segment = (): ReturnType<typeof segmentAccounts> =>
      segmentAccounts(purchaseFeatures(orderTable(log), ui.nUsers, asOfDay), breadth, ui.nUsers, { seed: 42, currency: null });
    const a = segment();
    const b = segment();
    expect(Array.from(a.of)).to.deep.equal(Array.from(b.of));
    expect(a.metrics).to.deep.equal(b.metrics);
    expect(a.metrics.k).to.be.within(3, 8);
    expect(Object.keys(a.metrics.silhouetteByK).length).to.equal(6);
    // Every account with orders gets a segment, and the counts add up to all of them.
    expect(a.of.every((g) => g >= 0)).to.equal(true);
    expect(a.segments.reduce((n, s) => n + s.accountCount, 0)).to.equal(7000);
  });
});
