// The results port over a real (in-memory) mirror: runs with stage progress, recommendations with product
// names, insights, segments, and the evaluation file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { openMirror, type SqliteMirror } from '@reco/sync-server/mirror/db.js';
import { applyPage } from '@reco/sync-server/mirror/records.js';
import { saveModelOutput } from '@reco/sync-server/mirror/results.js';
import { createRun, setStage, updateRun } from '@reco/sync-server/mirror/runs.js';
import { mirrorResultsStore } from '@reco/sync-server/http/mirror-store.js';
import { RecommendationCache } from '@reco/sync-server/http/use-cases/recommendation-cache.js';
import { accountId, seedResults, MemoryStore } from './doubles.js';

describe('mirror results store', () => {
  let mirror: SqliteMirror;
  let dir: string;
  beforeEach(() => {
    mirror = openMirror(':memory:');
    dir = mkdtempSync(path.join(os.tmpdir(), 'reco-mirror-store-'));
  });
  afterEach(() => {
    if (mirror.db.isOpen) mirror.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('maps runs with ordered stage progress, duration, counts and the quality report', async () => {
    await createRun(mirror.sql, 'r1', 'Full', '2026-11-23T10:00:00.000Z');
    await setStage(mirror.sql, 'r1', 'clean', { state: 'running', startedAt: '2026-11-23T10:00:05.000Z' });
    await setStage(mirror.sql, 'r1', 'extract', { state: 'done', detail: { records: 1200 }, startedAt: '2026-11-23T10:00:00.000Z', finishedAt: '2026-11-23T10:00:05.000Z' });
    const store = mirrorResultsStore(mirror.db);
    const running = (await store.getRun('r1'))!;
    expect(running.stages.map((s) => [s.stage, s.status, s.records])).to.deep.equal([['extract', 'done', 1200], ['clean', 'running', null]]);
    expect(running.durationMs).to.equal(null);

    await updateRun(mirror.sql, 'r1', { status: 'Succeeded', finishedAt: '2026-11-23T10:01:00.000Z', quality: { rejected: 3 }, summary: { extract: { Account: 10 }, note: 'x' } });
    const done = (await store.listRuns(5))[0];
    expect(done).to.include({ id: 'r1', status: 'Succeeded', durationMs: 60_000 });
    expect(done.counts).to.deep.equal({ 'extract.Account': 10 });
    expect(done.dataQuality).to.deep.equal({ rejected: 3 });
    expect(await store.getRun('nope')).to.equal(undefined);
  });

  it('serves the saved model output with product names from the mirrored products', async () => {
    const seeded = new MemoryStore();
    seedResults(seeded, 6);
    await saveModelOutput(mirror.sql, 'r1', { asOf: '2026-11-23T00:00:00.000Z', segments: seeded.segments, insights: seeded.insights, recommendations: seeded.recommendations.map(({ productName: _p, ...r }) => r), metrics: {} });
    const productId = seeded.recommendations[0].productId;
    await applyPage(mirror.sql, 'Product2', [{ Id: productId, Name: 'Regency cakestand', SystemModstamp: '2026-11-23T00:00:00.000Z' }], 'r1');
    const store = mirrorResultsStore(mirror.db);
    const cache = new RecommendationCache();
    await cache.refresh(store);
    const recs = seeded.insights.flatMap((i) => cache.get(i.accountId, { limit: 100 }));
    expect(recs).to.have.length(12);
    expect(recs.find((r) => r.productId === productId)?.productName).to.equal('Regency cakestand');
    expect(recs.find((r) => r.productId !== productId)?.productName).to.equal(null);
    expect((await store.getInsight(accountId(2)))?.segmentKey).to.equal('loyal');
    expect(await store.listInsights()).to.have.length(6);
    expect((await store.listSegments()).map((s) => s.accountCount)).to.deep.equal([2, 2, 2]);
    expect(store.isOpen()).to.equal(true);
    mirror.close();
    expect(store.isOpen()).to.equal(false);
  });

  it('reads the evaluation CLI output, dropping counts, and follows file changes', () => {
    const file = path.join(dir, 'evaluation.json');
    const store = mirrorResultsStore(mirror.db, { evaluationFile: file });
    expect(store.evaluation()).to.equal(null);
    const topN = (p: number) => ({ 'precision@10': p, 'recall@10': p * 2, users: 300 });
    writeFileSync(file, JSON.stringify({ windows: { testFrom: '2011-09-01', testTo: '2011-12-09' }, crossSell: { reco: topN(0.1), baselines: { popularity: topN(0.05) } }, buyAgain: { reco: topN(0.3), baselines: {} } }));
    const report = store.evaluation()!;
    expect(report.tasks.crossSell).to.deep.equal({ reco: { 'precision@10': 0.1, 'recall@10': 0.2 }, popularity: { 'precision@10': 0.05, 'recall@10': 0.1 } });
    expect(report.source).to.equal('test window 2011-09-01 to 2011-12-09');
  });

  it('finds accounts by part of their name (prefix matches first, LIKE wildcards taken literally) and names one by id', async () => {
    const acc = (n: number, Name: string) => ({ Id: accountId(n), Name, SystemModstamp: '2026-11-23T00:00:00.000Z' });
    await applyPage(mirror.sql, 'Account', [acc(1, 'The Acme Company'), acc(2, 'Acme Ltd'), acc(3, 'Globex'), acc(4, '100% Acme_Parts')], 'r1');
    const store = mirrorResultsStore(mirror.db);
    expect((await store.searchAccounts('acme', 10)).map((m) => m.name)).to.deep.equal(['Acme Ltd', '100% Acme_Parts', 'The Acme Company']);
    expect(await store.searchAccounts('acme', 1)).to.deep.equal([{ accountId: accountId(2), name: 'Acme Ltd' }]);
    expect((await store.searchAccounts('0%', 10)).map((m) => m.name)).to.deep.equal(['100% Acme_Parts']);
    expect((await store.searchAccounts('e_p', 10)).map((m) => m.name)).to.deep.equal(['100% Acme_Parts']);
    expect(await store.accountName(accountId(3))).to.equal('Globex');
    expect(await store.accountName(accountId(9))).to.equal(null);
  });

  it('takes the currency from the setting, else the one most mirrored opportunities carry, else none', async () => {
    expect(await mirrorResultsStore(mirror.db).currency()).to.equal(null);
    const opp = (n: number, CurrencyIsoCode: string) => ({ Id: `006Qy${String(n).padStart(10, '0')}AAA`, CurrencyIsoCode, SystemModstamp: '2026-11-23T00:00:00.000Z' });
    await applyPage(mirror.sql, 'Opportunity', [opp(1, 'EUR'), opp(2, 'GBP'), opp(3, 'GBP')], 'r1');
    expect(await mirrorResultsStore(mirror.db).currency()).to.equal('GBP');
    expect(await mirrorResultsStore(mirror.db, { currency: 'USD' }).currency()).to.equal('USD');
  });
});
