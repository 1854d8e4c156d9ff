import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelOutput } from '../../sync-server/src/domain/types.js';
import { openMirror, SCHEMA_VERSION } from '../../sync-server/src/mirror/db.js';
import { getInsight, listRecommendations, listSegments, loadModelOutput, saveModelOutput } from '../../sync-server/src/mirror/results.js';
import { createRun, findUnfinishedRun, getRun, listRuns, setStage, updateRun } from '../../sync-server/src/mirror/runs.js';

describe('sync: mirror store', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'reco-mirror-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates and migrates its schema once, in a data directory or a named file', () => {
    const m = openMirror(join(dir, 'data'));
    const v = () => (m.db.prepare('SELECT MAX(version) AS v, COUNT(*) AS n FROM schema_version').get() as { v: number; n: number });
    expect(v()).to.deep.equal({ v: SCHEMA_VERSION, n: SCHEMA_VERSION });
    m.close();
    const again = openMirror(join(dir, 'data'));
    expect((again.db.prepare('SELECT COUNT(*) AS n FROM schema_version').get() as { n: number }).n).to.equal(SCHEMA_VERSION);
    again.close();
    const file = openMirror(join(dir, 'nested', 'x.db'));
    expect(file.path).to.equal(join(dir, 'nested', 'x.db'));
    file.close();
  });

  it('records runs with per-stage progress and finds the one to resume', async () => {
    const m = openMirror(dir);
    await createRun(m.sql, 'r1', 'Full', '2026-01-01T00:00:00.000Z');
    await setStage(m.sql, 'r1', 'extract', { state: 'running', detail: { records: 10 } });
    await setStage(m.sql, 'r1', 'extract', { state: 'done' });
    expect((await getRun(m.sql, 'r1'))?.progress.extract).to.deep.equal({ state: 'done', detail: { records: 10 } });
    expect((await findUnfinishedRun(m.sql))?.id).to.equal('r1');
    await updateRun(m.sql, 'r1', { status: 'Succeeded', finishedAt: '2026-01-01T00:01:00.000Z', summary: { read: 10 } });
    expect((await findUnfinishedRun(m.sql))).to.equal(undefined);
    await createRun(m.sql, 'r2', 'Incremental', '2026-01-02T00:00:00.000Z');
    expect((await listRuns(m.sql, 5)).map((r) => [r.id, r.status])).to.deep.equal([['r2', 'Running'], ['r1', 'Succeeded']]);
    m.close();
  });

  it('stores the last model output and serves it by account, best first', async () => {
    const m = openMirror(dir);
    const out: ModelOutput = {
      asOf: '2026-01-01T00:00:00.000Z',
      segments: [{ key: 'vip', name: 'VIP', description: 'd', accountCount: 1, profile: { m: 1 } }],
      insights: [{ accountId: 'A', segmentKey: 'vip', previousSegmentKey: null, segmentChangedOn: null, lifecycleStage: 'Active', recencyDays: 3, frequency: 2, monetary: 5, averageOrderValue: 2.5, engagementScore: 50, churnRisk: 0.1, holdout: false, signals: {} }],
      recommendations: [
        { accountId: 'A', productId: 'P2', kind: 'Cross-sell', rank: 2, score: 0.5, confidence: 'Low', reason: 'r', evidence: {}, expectedRevenue: null, opportunityId: null },
        { accountId: 'A', productId: 'P1', kind: 'Cross-sell', rank: 1, score: 0.9, confidence: 'High', reason: 'r', evidence: { lift: 3 }, expectedRevenue: 10, opportunityId: null },
        { accountId: 'A', productId: 'P3', kind: 'Buy again', rank: 1, score: 0.7, confidence: 'Medium', reason: 'r', evidence: {}, expectedRevenue: null, opportunityId: null },
      ],
      metrics: { silhouette: 0.4 },
    };
    await saveModelOutput(m.sql, 'r1', out);
    expect((await listRecommendations(m.sql, 'A', { kind: 'Cross-sell' })).map((r) => r.productId)).to.deep.equal(['P1', 'P2']);
    expect((await listRecommendations(m.sql, 'A', { limit: 1 }))).to.have.length(1);
    expect((await listRecommendations(m.sql, 'A'))[0]).to.include({ externalId: 'A-P3-BA', runId: 'r1' });
    expect((await getInsight(m.sql, 'A'))?.segmentKey).to.equal('vip');
    expect((await getInsight(m.sql, 'B'))).to.equal(undefined);
    expect((await listSegments(m.sql)).map((s) => s.key)).to.deep.equal(['vip']);
    const back = (await loadModelOutput(m.sql))!;
    expect(back.recommendations).to.have.length(3);
    expect(back.metrics).to.deep.equal({ silhouette: 0.4 });
    m.close();
  });
});
