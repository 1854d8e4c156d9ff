// The service end to end with the real pipeline: local-org seeded with a real-data sample, the mirror on
// disk, a full run triggered over HTTP, progress visible while it runs, results served afterwards; and a
// shutdown mid-run that the next start resumes under the same run id.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { LocalOrg } from '@reco/local-org';
import { retailSample } from '@reco/local-org';
import { startRecoOrg } from '../support/reco-org.js';
import { loadConfig } from '@reco/sync-server/config/load-config.js';
import { startServer } from '@reco/sync-server/server.js';
import { api, memoryLogger, TOKEN, waitFor } from './doubles.js';

describe('sync-server against local-org (real pipeline)', function () {
  this.timeout(180_000);
  let org: LocalOrg;
  let dir: string;

  before(async () => {
    org = await startRecoOrg({ port: 0, seed: { onlineRetail: await retailSample(120) } });
    dir = mkdtempSync(path.join(os.tmpdir(), 'reco-live-'));
  });
  after(async () => {
    await org?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const start = async () => {
    const config = loadConfig({ env: {}, overrides: { auth: { token: TOKEN }, server: { port: 0 }, store: { path: path.join(dir, 'mirror.db') }, schedule: { enabled: false }, shutdown: { graceMs: 60_000 } } });
    const { credentials: c } = org;
    const { logger, lines } = memoryLogger();
    const service = await startServer(config, {
      logger,
      connection: { flow: 'refresh-token', loginUrl: c.loginUrl, instanceUrl: c.instanceUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken, accessToken: c.accessToken },
    });
    return Object.assign(service, { lines });
  };

  it('stops a run mid-way on shutdown, resumes it on the next start, then serves its results', async () => {
    const first = await start();
    expect((await api(first.url, '/ready', { token: null })).status).to.equal(200);
    const started = await api(first.url, '/runs', { method: 'POST', body: JSON.stringify({ kind: 'Full' }) });
    expect(started.status).to.equal(202);
    const runId = started.body.run.id as string;
    expect(runId).to.be.a('string');
    const progress = await api(first.url, `/runs/${runId}`);
    expect(progress.body.run.status).to.equal('Running');
    expect(progress.body.run.stages.map((s: { stage: string }) => s.stage)).to.include('connect');
    await first.close();
    expect(first.lines.some((l) => l.msg === 'shutdown: asking the run to checkpoint')).to.equal(true);

    const second = await start();
    try {
      const resumedLog = await waitFor(() => second.lines.find((l) => l.msg === 'resuming the interrupted run'), 5000, 'resume');
      expect(resumedLog).to.include({ runId, kind: 'Full' });
      await waitFor(() => second.coordinator.current === null, 150_000, 'resumed run to finish');
      const run = (await api(second.url, `/runs/${runId}`)).body.run;
      expect(run.status, JSON.stringify(run.error)).to.equal('Succeeded');
      expect(run.stages.map((s: { stage: string; status: string }) => `${s.stage}:${s.status}`)).to.include.members(['extract:done', 'clean:done', 'models:done', 'writeback:done']);
      expect(run.dataQuality).to.be.an('object');
      const history = (await api(second.url, '/runs')).body.runs;
      expect(history.map((r: { id: string }) => r.id)).to.deep.equal([runId]); // resumed, not a second run

      const accountId = second.cache.sampleAccount();
      expect(accountId, 'some account has recommendations').to.be.a('string');
      const recs = await api(second.url, `/accounts/${accountId}/recommendations?limit=5`);
      expect(recs.status).to.equal(200);
      expect(recs.body.recommendations.length).to.be.within(1, 5);
      expect(recs.body.recommendations[0].reason).to.be.a('string').and.not.equal('');
      expect(recs.body.recommendations[0].productName).to.be.a('string');
      const insight = await api(second.url, `/accounts/${accountId}/insight`);
      expect(insight.body.insight.accountId).to.equal(accountId);
      expect((await api(second.url, '/segments')).body.segments.length).to.be.greaterThan(1);
      const metrics = (await api(second.url, '/metrics')).body as string;
      expect(metrics).to.match(/reco_runs_total\{kind="Full",status="Succeeded"\} 1/);
      expect(Number(/reco_org_api_calls_total (\d+)/.exec(metrics)?.[1])).to.be.greaterThan(0);
    } finally {
      await second.close();
    }
  });
});
