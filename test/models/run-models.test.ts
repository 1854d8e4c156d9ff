import { expect } from 'chai';
import { explainRecommendation, runModels, runModelsInWorkers } from '../../sync-server/src/models/run-models.js';
import { spawnSync } from 'node:child_process';
import { buildUserItems, dayNumber, transpose } from '../../sync-server/src/recommend/purchase-log.js';
import { indexDataset } from '../../sync-server/src/models/dataset-index.js';
import { DEFAULT_PARAMS, similarityInput } from '../../sync-server/src/recommend/fit.js';
import { itemSimilarity } from '../../sync-server/src/recommend/item-similarity.js';
import { neighboursInWorkers } from '../../sync-server/src/models/similarity-workers.js';
import { fileURLToPath } from 'node:url';
import { syntheticDataset } from '../../sync-server/src/models/synthetic.js';
import type { Dataset, ModelOutput } from '../../sync-server/src/domain/types.js';

function dataset(): Dataset {
  const ds = syntheticDataset({ accounts: 400, products: 120, linesPerAccount: 12, seed: 3 });
  // Rule fixtures: an inactive product, a postage line, a fee family, and a brand-new product nobody bought.
  ds.products[1].isActive = false;
  ds.products[2].code = 'POST';
  ds.products[3].family = 'Fees';
  ds.products.push({ id: 'PNEW', code: 'NEW1', name: 'New product', family: ds.products[0].family, description: null, isActive: true, listPrice: 9 });
  ds.accounts.push({ id: 'ACOLD', name: 'Cold start', country: 'C1', industry: null, createdDate: '2025-12-20T00:00:00.000Z' });
  // Account A0: product P5 on an open opportunity, product P6 dismissed by a rep.
  ds.opportunities.push({ id: 'OOPEN', accountId: 'A0', name: 'open', stageName: 'Prospecting', isWon: false, isClosed: false, closeDate: '2026-02-01', amount: 500, createdDate: '2025-12-01T00:00:00.000Z' });
  ds.lines.push({ id: 'LOPEN', opportunityId: 'OOPEN', accountId: 'A0', productId: 'P5', quantity: 1, unitPrice: 5, totalPrice: 5, closeDate: '2026-02-01', isWon: false, isClosed: false });
  ds.feedback.push({ recommendationId: 'R1', externalId: 'A0:P6:Cross-sell', accountId: 'A0', productId: 'P6', kind: 'Cross-sell', status: 'Dismissed', dismissReason: 'not relevant' });
  ds.activities.push({ id: 'T1', accountId: 'A0', kind: 'call', date: '2025-12-28', source: 'Task' });
  return ds;
}

describe('models: runModels', function () {
  this.timeout(120_000);
  let ds: Dataset;
  let out: ModelOutput;
  before(() => {
    ds = dataset();
    out = runModels(ds, { seed: 5 });
  });

  it('is deterministic for the same data, options and seed', () => {
    const again = runModels(dataset(), { seed: 5 });
    const strip = (o: ModelOutput): unknown => ({ ...o, metrics: { ...o.metrics, timings: null, cpuTimings: null } });
    expect(strip(again)).to.deep.equal(strip(out));
  });

  it('never recommends inactive, fee or postage products, open-opportunity or dismissed products', () => {
    const banned = new Set(['P1', 'P2', 'P3']);
    expect(out.recommendations.some((r) => banned.has(r.productId))).to.equal(false);
    const a0 = out.recommendations.filter((r) => r.accountId === 'A0');
    expect(a0.length).to.be.greaterThan(0);
    expect(a0.some((r) => r.productId === 'P5' || r.productId === 'P6')).to.equal(false);
  });

  it('keeps ranks, scores, per-family caps and list limits', () => {
    const family = new Map(ds.products.map((p) => [p.id, p.family]));
    const lists = new Map<string, typeof out.recommendations>();
    for (const r of out.recommendations) {
      const key = `${r.accountId}|${r.kind}`;
      lists.set(key, [...(lists.get(key) ?? []), r]);
      expect(r.score).to.be.within(0, 1);
      expect(r.reason.length).to.be.within(1, 255);
    }
    for (const list of lists.values()) {
      expect(list.length).to.be.at.most(10);
      expect(list.map((r) => r.rank)).to.deep.equal(list.map((_, i) => i + 1));
      const perFamily = new Map<string, number>();
      for (const r of list) perFamily.set(family.get(r.productId)!, (perFamily.get(family.get(r.productId)!) ?? 0) + 1);
      expect(Math.max(...perFamily.values())).to.be.at.most(3);
    }
  });

  it('buy-again lists only own products and cross-sell only products never bought', () => {
    const bought = new Set(ds.lines.filter((l) => l.isWon).map((l) => `${l.accountId}|${l.productId}`));
    for (const r of out.recommendations) {
      expect(bought.has(`${r.accountId}|${r.productId}`)).to.equal(r.kind === 'Buy again');
    }
    const ba = out.recommendations.find((r) => r.kind === 'Buy again')!;
    expect(ba.reason).to.match(/ordered .*last order \d+ days ago/);
  });

  it('gives a cold-start account Low-confidence popularity and lets a new product in through content', () => {
    const cold = out.recommendations.filter((r) => r.accountId === 'ACOLD');
    expect(cold.length).to.be.greaterThan(0);
    expect(cold.every((r) => r.kind === 'Cross-sell' && r.confidence === 'Low')).to.equal(true);
    expect(out.recommendations.some((r) => r.productId === 'PNEW' && r.evidence.kind === 'content')).to.equal(true);
    const insight = out.insights.find((i) => i.accountId === 'ACOLD')!;
    expect(insight.lifecycleStage).to.equal('New');
    expect(insight.segmentKey).to.equal(null);
  });

  it('honours family include/exclude, limits and holdout', () => {
    const fam = ds.products[10].family!;
    const only = runModels(ds, { includeFamilies: [fam], tune: 'off' });
    const family = new Map(ds.products.map((p) => [p.id, p.family]));
    expect(only.recommendations.length).to.be.greaterThan(0);
    expect(only.recommendations.every((r) => family.get(r.productId) === fam)).to.equal(true);
    const none = runModels(ds, { excludeFamilies: [fam], limits: { crossSell: 2, buyAgain: 1 }, holdoutShare: 0.5, tune: 'off' });
    expect(none.recommendations.some((r) => family.get(r.productId) === fam)).to.equal(false);
    const held = none.insights.filter((i) => i.holdout).map((i) => i.accountId);
    expect(held.length).to.be.within(120, 280);
    expect(none.recommendations.some((r) => held.includes(r.accountId))).to.equal(false);
    expect(() => runModels(ds, { holdoutShare: 2 })).to.throw(/holdoutShare/);
  });

  it('names segments uniquely, reports quality and tracks segment moves', () => {
    expect(out.segments.length).to.be.within(3, 8);
    expect(new Set(out.segments.map((s) => s.name)).size).to.equal(out.segments.length);
    const m = out.metrics.segments as { silhouette: number; stability: number };
    expect(m.silhouette).to.be.within(-1, 1);
    expect(m.stability).to.be.within(-1, 1);
    const a0 = out.insights.find((i) => i.accountId === 'A0')!;
    const prev = new Map([['A0', { segmentKey: 'someone-else', segmentChangedOn: '2025-01-01' }]]);
    const next = runModels(ds, { seed: 5, tune: 'off' }, { insights: prev });
    const moved = next.insights.find((i) => i.accountId === 'A0')!;
    expect(moved.previousSegmentKey).to.equal('someone-else');
    expect(moved.segmentChangedOn).to.equal('2026-01-01');
    expect(a0.signals.calls90).to.equal(1);
    expect(a0.churnRisk).to.be.within(0, 1);
  });

  it('keeps where an account moved from when the same day is run again (a follow-up after a failed run)', () => {
    // Found by the fault campaign: the re-run saw no move against the first run's output and cleared the
    // previous segment, so a retried day left the org with different insights than an uninterrupted one.
    const first = runModels(ds, { seed: 5, tune: 'off' }, { insights: new Map([['A0', { segmentKey: 'someone-else', segmentChangedOn: '2025-01-01' }]]) });
    const moved = first.insights.find((i) => i.accountId === 'A0')!;
    const again = runModels(ds, { seed: 5, tune: 'off' }, { insights: new Map(first.insights.map((i) => [i.accountId, i])) });
    expect(again.insights.find((i) => i.accountId === 'A0')).to.deep.equal(moved);
    expect(moved).to.include({ previousSegmentKey: 'someone-else', segmentChangedOn: '2026-01-01' });
  });

  it('explains a recommendation and names the rule that removed a product', () => {
    const rec = out.recommendations.find((r) => r.accountId === 'A1' && r.kind === 'Cross-sell')!;
    const e = explainRecommendation(ds, 'A1', rec.productId, { seed: 5 });
    expect(e.kind).to.equal('Cross-sell');
    expect(e.removedBy).to.equal(null);
    expect(e.recommended?.rank).to.equal(rec.rank);
    expect(explainRecommendation(ds, 'A0', 'P6', { tune: 'off' }).removedBy).to.equal('dismissed');
    expect(explainRecommendation(ds, 'A0', 'P5', { tune: 'off' }).removedBy).to.equal('on-open-opportunity');
    expect(explainRecommendation(ds, 'A0', 'P1', { tune: 'off' }).removedBy).to.equal('inactive');
    expect(() => explainRecommendation(ds, 'NOPE', 'P1')).to.throw(/account "NOPE"/);
  });
});

describe('models: neighbourhoods and lists computed by worker threads', function () {
  this.timeout(120_000);
  const strip = (o: ModelOutput): unknown => ({ ...o, metrics: { ...o.metrics, timings: null, cpuTimings: null } });

  it('gives exactly the one-thread output: insights, lists, reasons and holdout, streamed or returned', async () => {
    const ds = dataset();
    const prev = { insights: new Map([['A3', { segmentKey: 'gone', segmentChangedOn: '2025-01-01' }]]) };
    const options = { seed: 5, holdoutShare: 0.3, tune: 'off' as const };
    const one = runModels(ds, options, prev);
    const parallel = await runModelsInWorkers(ds, options, prev, undefined, { workers: 3, minAccounts: 0 });
    expect(strip(parallel)).to.deep.equal(strip(one));
    expect(one.recommendations.length).to.be.greaterThan(2000);
    expect(one.insights.filter((i) => i.holdout).length).to.be.greaterThan(50);
    const streamed: unknown[] = [];
    const viaSink = await runModelsInWorkers(ds, options, prev, (insight, recs) => streamed.push(insight, ...recs), { workers: 2, minAccounts: 0 });
    expect(viaSink.recommendations).to.deep.equal([]);
    expect(streamed).to.deep.equal(one.insights.flatMap((i) => [i, ...one.recommendations.filter((r) => r.accountId === i.accountId)]));
  });

  it('computes item neighbourhoods in workers identical to one thread, row for row', async () => {
    const ds = dataset();
    const ui = buildUserItems(indexDataset(ds).log);
    const input = similarityInput(ui, dayNumber(ds.asOf), DEFAULT_PARAMS.sim);
    const one = itemSimilarity(ui, transpose(ui), input.params, input.entryWeight);
    const three = await neighboursInWorkers(ui, transpose(ui), input.params, input.entryWeight, 3);
    expect(one.ids.length).to.be.greaterThan(5000);
    expect(three).to.deep.equal(one);
  });

  it('gives the one-thread output with a tune in the same run (neighbourhoods computed during it)', async () => {
    const ds = dataset();
    const one = runModels(ds, { seed: 5, tune: 'fast' });
    const parallel = await runModelsInWorkers(ds, { seed: 5, tune: 'fast' }, undefined, undefined, { workers: 2, minAccounts: 0 });
    expect((parallel.metrics.tuning as { params: unknown }).params).to.deep.equal((one.metrics.tuning as { params: unknown }).params);
    expect(strip(parallel)).to.deep.equal(strip(one));
  });

  it('rejects with the sink error, instead of hanging, when the consumer fails mid-run', async () => {
    let seen = 0;
    const failing = runModelsInWorkers(dataset(), { seed: 5, tune: 'off' }, undefined, () => {
      if (++seen === 150) throw new Error('disk full');
    }, { workers: 2, minAccounts: 0 });
    let error: Error | null = null;
    await failing.catch((e: Error) => (error = e));
    expect(error).to.be.instanceOf(Error);
    expect(error!.message).to.equal('disk full');
    expect(seen).to.equal(150);
  });

  it('starts its workers when tsx was registered in-process (as the sf plugin does), not on the command line', () => {
    const runModelsUrl = new URL('../../sync-server/src/models/run-models.ts', import.meta.url).href;
    const syntheticUrl = new URL('../../sync-server/src/models/synthetic.ts', import.meta.url).href;
    const script = [
      "const { register } = await import('tsx/esm/api');",
      'register();',
      `const { runModels, runModelsInWorkers } = await import(${JSON.stringify(runModelsUrl)});`,
      `const { syntheticDataset } = await import(${JSON.stringify(syntheticUrl)});`,
      'const ds = syntheticDataset({ accounts: 300, products: 80, linesPerAccount: 8, seed: 2 });',
      "const out = await runModelsInWorkers(ds, { tune: 'off' }, undefined, undefined, { workers: 2, minAccounts: 0 });",
      "const same = JSON.stringify(out.recommendations) === JSON.stringify(runModels(ds, { tune: 'off' }).recommendations);",
      'console.log(JSON.stringify({ recommendations: out.recommendations.length, same }));',
    ].join('\n');
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
      timeout: 90_000,
    });
    expect(child.stderr).to.not.match(/Error/);
    expect(child.status).to.equal(0);
    const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as { recommendations: number; same: boolean };
    expect(result.recommendations).to.be.greaterThan(1000);
    expect(result.same).to.equal(true);
  });
});
