// Component tests over real HTTP on port 0, with the pipeline and the results store as in-process doubles.
import { expect } from 'chai';
import { accountId, api, fakePipeline, MemoryStore, seedResults, startTestService, TOKEN, waitFor } from './doubles.js';
import { recommendationsFastPath } from '@reco/sync-server/http/fast-path.js';
import { checkSalesforceId, idChecksum } from '@reco/sync-server/http/salesforce-id.js';

describe('sync-server HTTP API', () => {
  let store: MemoryStore;
  let service: Awaited<ReturnType<typeof startTestService>>;
  let orgUp = true;

  before(async () => {
    store = new MemoryStore();
    seedResults(store, 30);
    store.report = { tasks: { crossSell: { reco: { 'precision@10': 0.12 }, popularity: { 'precision@10': 0.05 } } } };
    service = await startTestService({ store, pipeline: fakePipeline(store, 5), orgUp: () => orgUp });
  });
  after(async () => { await service.close(); });

  describe('Salesforce ids', () => {
    it('computes the published checksums', () => {
      expect(idChecksum('001M000000qfPyS')).to.equal('IAU');
      expect(idChecksum('a0FE000000D6r3F')).to.equal('MAR');
      expect(idChecksum('aBcDEfgHIJKLMNO')).to.equal('025');
      expect(checkSalesforceId('a0D30000001n7Pi')).to.deep.equal({ ok: true, id18: 'a0D30000001n7PiEAI' });
      expect(checkSalesforceId('a0D30000001n7PiEAX').ok).to.equal(false);
      // 18-character ids are case-insensitive: a case-folded id is restored from its suffix.
      expect(checkSalesforceId('001m000000qfpysiau')).to.deep.equal({ ok: true, id18: '001M000000qfPySIAU' });
      expect(checkSalesforceId('001M000000QFPYSIAU')).to.deep.equal({ ok: true, id18: '001M000000qfPySIAU' });
      expect(checkSalesforceId('001m000000qfpys5au').ok, 'suffix marks a digit as upper case').to.equal(false);
    });
  });

  describe('probes and docs', () => {
    it('answers /health without a token', async () => {
      expect(await api(service.url, '/health', { token: null })).to.include({ status: 200 }).and.have.nested.property('body.status', 'ok');
    });

    it('reports /ready from the org and the store', async () => {
      expect((await api(service.url, '/ready', { token: null })).status).to.equal(200);
      orgUp = false;
      const down = await api(service.url, '/ready', { token: null });
      orgUp = true;
      expect(down.status).to.equal(503);
      expect(down.body.checks.org).to.deep.equal({ ok: false, message: 'unreachable: connection refused' });
      expect(down.body.checks.store.ok).to.equal(true);
    });

    it('serves an OpenAPI 3.1 document that covers every route', async () => {
      const { status, body } = await api(service.url, '/openapi.json', { token: null });
      expect(status).to.equal(200);
      expect(body.openapi).to.equal('3.1.0');
      expect(Object.keys(body.paths)).to.include.members(['/health', '/ready', '/metrics', '/runs', '/runs/{id}', '/accounts/{id}/recommendations', '/accounts/{id}/insight', '/segments', '/overview', '/accounts']);
    });
  });

  describe('dashboard page', () => {
    it('is public, carries no token by default, and the token only when injection is on (loopback client)', async () => {
      const plain = await api(service.url, '/dashboard/', { token: null });
      expect(plain.status).to.equal(200);
      expect(plain.body).to.contain('<meta name="reco-token" content="">');
      expect(plain.headers.get('content-security-policy')).to.contain("script-src 'self'");
      const demo = await startTestService({ store, pipeline: fakePipeline(store, 1), injectToken: true });
      try {
        expect((await api(demo.url, '/dashboard/', { token: null })).body).to.contain(`<meta name="reco-token" content="${TOKEN}">`);
        expect((await api(demo.url, '/dashboard/vendor/chart.umd.js', { token: null })).status).to.equal(200);
      } finally {
        await demo.close();
      }
    });
  });

  describe('authentication', () => {
    it('rejects a missing token with 401 and a JSON error', async () => {
      const res = await api(service.url, '/segments', { token: null });
      expect(res.status).to.equal(401);
      expect(res.headers.get('www-authenticate')).to.match(/^Bearer/);
      expect(res.body).to.deep.equal({ error: { code: 'unauthorized', message: 'Missing Authorization header (expected "Bearer <token>")' } });
    });

    it('rejects a wrong token, a token of another length and another scheme', async () => {
      for (const header of ['Bearer test-token-0123456789abcdeX', 'Bearer x', 'Basic dXNlcjpwYXNz']) {
        const res = await api(service.url, '/segments', { token: null, headers: { authorization: header } });
        expect(res.status, header).to.equal(401);
        expect(res.body.error.code).to.equal('unauthorized');
      }
    });

    it('protects /metrics too', async () => {
      expect((await api(service.url, '/metrics', { token: null })).status).to.equal(401);
    });
  });

  describe('results', () => {
    it('serves recommendations best first, filtered by kind and limited', async () => {
      const id = accountId(4);
      const all = await api(service.url, `/accounts/${id}/recommendations`);
      expect(all.status).to.equal(200);
      expect(all.body.recommendations.map((r: { kind: string }) => r.kind)).to.deep.equal(['Cross-sell', 'Buy again']);
      const one = await api(service.url, `/accounts/${id}/recommendations?kind=Buy%20again&limit=1`);
      expect(one.body.recommendations).to.have.length(1);
      expect(one.body.recommendations[0]).to.include({ kind: 'Buy again', accountId: id });
      // The CLI's spelling (sf reco recommend show --kind buy-again) means the same here.
      const cli = await api(service.url, `/accounts/${id}/recommendations?kind=buy-again&limit=1`);
      expect(cli.body).to.deep.equal(one.body);
      expect((await api(service.url, `/accounts/${id}/recommendations?kind=CROSS-SELL`)).body.recommendations.map((r: { kind: string }) => r.kind)).to.deep.equal(['Cross-sell']);
    });

    it('answers only well-formed authorised requests on the fast path and leaves the rest to express', () => {
      const fast = recommendationsFastPath({ token: TOKEN, cache: service.cache, metrics: service.metrics });
      const call = (url: string, authorization = `Bearer ${TOKEN}`) => {
        const sent: { status?: number; body?: string } = {};
        const res = { writeHead: (status: number) => { sent.status = status; }, end: (body: string) => { sent.body = body; } };
        const handled = fast({ method: 'GET', url, headers: { authorization } } as never, res as never);
        return { handled, ...sent };
      };
      const ok = call(`/accounts/${accountId(4)}/recommendations?kind=Buy%20again&limit=1`);
      expect(ok.handled).to.equal(true);
      expect(JSON.parse(ok.body!).recommendations.map((r: { kind: string }) => r.kind)).to.deep.equal(['Buy again']);
      expect(call(`/accounts/${accountId(4)}/recommendations`, 'Bearer wrong').handled).to.equal(false);
      expect(call('/accounts/abc/recommendations').handled).to.equal(false);
      expect(call(`/accounts/${accountId(4)}/recommendations?limit=99`).handled).to.equal(false);
      expect(call(`/accounts/${accountId(4)}/insight`).handled).to.equal(false);
    });

    it('accepts the 15-character form of an id', async () => {
      const res = await api(service.url, `/accounts/${accountId(4).slice(0, 15)}/recommendations`);
      expect(res.body.accountId).to.equal(accountId(4));
      expect(res.body.recommendations).to.have.length(2);
    });

    it('gives 400 with a message naming the input for bad ids, kinds and limits', async () => {
      const cases: Array<[string, RegExp]> = [
        ['/accounts/abc/recommendations', /^id: account id 'abc' must be a Salesforce id of 15 or 18 letters and digits$/],
        [`/accounts/${accountId(4).slice(0, 15)}XYZ/recommendations`, /^id: .* has a wrong checksum \(an 18-character id starting 001Qy\w+ ends in \w{3}\)$/],
        [`/accounts/006Qy0000000001${idChecksum('006Qy0000000001')}/insight`, /^id: account id '006Qy0000000001\w{3}' must start with 001$/],
        [`/accounts/${accountId(4)}/recommendations?kind=Upsell`, /^query\.kind: must be 'cross-sell' or 'buy-again' \(the CLI's --kind values; 'Cross-sell' and 'Buy again' work too\)$/],
        [`/accounts/${accountId(4)}/recommendations?limit=0`, /^query\.limit: must be an integer from 1 to 50$/],
        [`/accounts/${accountId(4)}/recommendations?limit=5x`, /^query\.limit: must be an integer from 1 to 50$/],
        [`/accounts/${accountId(4)}/recommendations?limit=1&limit=2`, /^query\.limit: must be an integer from 1 to 50$/],
        [`/accounts/${accountId(4)}/recommendations?sort=score`, /^query: unknown parameter sort$/],
        ['/runs?limit=1000', /^query\.limit: must be an integer from 1 to 200$/],
      ];
      for (const [path, message] of cases) {
        const res = await api(service.url, path);
        expect(res.status, path).to.equal(400);
        expect(res.body.error.code, path).to.equal('invalid_request');
        expect(res.body.error.message, path).to.match(message);
      }
    });

    it('finds accounts by name (or by Id), saying which have recommendations, and names a bad query', async () => {
      const hits = await api(service.url, '/accounts?q=hooli&limit=3');
      expect(hits.status).to.equal(200);
      expect(hits.body.accounts).to.deep.equal([
        { accountId: accountId(10), name: 'Hooli Trading 10', hasRecommendations: true },
        { accountId: accountId(15), name: 'Hooli Trading 15', hasRecommendations: true },
        { accountId: accountId(20), name: 'Hooli Trading 20', hasRecommendations: true },
      ]);
      const byId = await api(service.url, `/accounts?q=${accountId(4).slice(0, 15)}`);
      expect(byId.body.accounts).to.deep.equal([{ accountId: accountId(4), name: 'Umbrella Trading 4', hasRecommendations: true }]);
      const short = await api(service.url, '/accounts?q=h');
      expect(short.status).to.equal(400);
      expect(short.body.error.message).to.contain('q').and.contain('at least 2 characters');
      expect((await api(service.url, '/accounts')).body.error.message).to.contain('q');
    });

    it('serves the dashboard overview: verdict, checks, fixes and currency', async () => {
      const { status, body } = await api(service.url, '/overview');
      expect(status).to.equal(200);
      expect(body).to.include.keys('verdict', 'headline', 'checks', 'fixes', 'repaired', 'currency', 'evaluation');
      expect(body.checks[0]).to.deep.equal({ label: 'The local store is open and writable', ok: true, detail: 'open' });
    });

    it('serves an insight, and 404 for an account nobody scored', async () => {
      const ok = await api(service.url, `/accounts/${accountId(2)}/insight`);
      expect(ok.body.insight).to.include({ accountId: accountId(2), segmentKey: 'loyal' });
      const missing = await api(service.url, `/accounts/${accountId(999)}/insight`);
      expect(missing.status).to.equal(404);
      expect(missing.body.error.code).to.equal('not_found');
    });

    it('lists segments, a 2-D projection coloured by segment, and the evaluation', async () => {
      const segments = await api(service.url, '/segments');
      expect(segments.body.segments.map((s: { accountCount: number }) => s.accountCount)).to.deep.equal([10, 10, 10]);
      const projection = await api(service.url, '/segments/projection');
      expect(projection.body.points).to.have.length(30);
      // The features separate the three synthetic segments along the first component.
      const meanX = (key: string) => {
        const xs = projection.body.points.filter((p: { segmentKey: string }) => p.segmentKey === key).map((p: { x: number }) => p.x);
        return xs.reduce((a: number, b: number) => a + b, 0) / xs.length;
      };
      expect(Math.abs(meanX('champions') - meanX('at-risk'))).to.be.greaterThan(2);
      expect(projection.body.explainedVariance[0]).to.be.greaterThan(0.5);
      const evaluation = await api(service.url, '/evaluation');
      expect(evaluation.body.evaluation.tasks.crossSell.reco['precision@10']).to.equal(0.12);
    });

    it('answers unknown routes and bad JSON with the error envelope', async () => {
      const unknown = await api(service.url, '/nope');
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error.code).to.equal('not_found');
      const badJson = await api(service.url, '/runs', { method: 'POST', body: '{"kind":' });
      expect(badJson.status).to.equal(400);
      expect(badJson.body).to.deep.equal({ error: { code: 'invalid_json', message: 'Request body is not valid JSON' } });
    });
  });

  describe('runs', () => {
    it('triggers a run, shows its progress while it runs, answers 409 to a second trigger, then refreshes the cache', async () => {
      const pipeline = fakePipeline(store, 5);
      const local = await startTestService({ store, pipeline });
      try {
        pipeline.stageMs = 150;
        const started = await api(local.url, '/runs', { method: 'POST', body: JSON.stringify({ kind: 'Full' }) });
        expect(started.status).to.equal(202);
        expect(started.body.run).to.include({ kind: 'Full', status: 'Running', source: 'manual' });
        const runId = started.body.run.id as string;
        expect(started.headers.get('location')).to.equal(`/runs/${runId}`);

        const conflict = await api(local.url, '/runs', { method: 'POST', body: JSON.stringify({ kind: 'Incremental' }) });
        expect(conflict.status).to.equal(409);
        expect(conflict.body.error.code).to.equal('run_in_progress');
        expect(conflict.body.error.message).to.contain(runId);

        const midway = await pollProgress(local.url, runId);
        expect(midway.status).to.equal('Running');
        expect(midway.stages.find((s: { stage: string }) => s.stage === 'extract').status).to.equal('done');
        expect(midway.stages.some((s: { status: string }) => s.status === 'pending' || s.status === 'running')).to.equal(true);

        // New model results are served as soon as the models stage is done, before write-back finishes.
        store.recommendations.push({ ...store.recommendations[0], accountId: accountId(500) });
        await waitFor(() => store.getRun(runId)?.stages.find((s) => s.stage === 'models')?.status === 'done', 5000, 'models done');
        expect(local.coordinator.current, 'still writing back').not.to.equal(null);
        expect((await api(local.url, `/accounts/${accountId(500)}/recommendations`)).body.recommendations).to.have.length(1);
        await waitFor(() => local.coordinator.current === null, 5000, 'run end');
        const done = await api(local.url, `/runs/${runId}`);
        expect(done.body.run).to.include({ status: 'Succeeded' });
        expect(done.body.run.stages.every((s: { status: string }) => s.status === 'done')).to.equal(true);
        expect((await api(local.url, `/accounts/${accountId(500)}/recommendations`)).body.recommendations).to.have.length(1);

        const metrics = await api(local.url, '/metrics');
        expect(metrics.body).to.match(/reco_runs_total\{kind="Full",status="Succeeded"\} 1/);
        expect(metrics.body).to.match(/reco_runs_skipped_total\{kind="Incremental",source="manual"\} 1/);
        expect(metrics.body).to.match(/reco_org_api_calls_total 7/);
        expect(metrics.body).to.match(/reco_http_request_duration_seconds_count\{method="POST",route="\/runs",status="409"\} 1/);

        const history = await api(local.url, '/runs?limit=1');
        expect(history.body.runs.map((r: { id: string }) => r.id)).to.deep.equal([runId]);
        expect(history.body.active).to.equal(null);
      } finally {
        store.recommendations.pop();
        await local.close();
      }
    });

    it('rejects a bad run kind and unknown body fields', async () => {
      const bad = await api(service.url, '/runs', { method: 'POST', body: JSON.stringify({ kind: 'Partial' }) });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.message).to.equal("body.kind: must be 'Full' or 'Incremental'");
      const extra = await api(service.url, '/runs', { method: 'POST', body: JSON.stringify({ kind: 'Full', force: true }) });
      expect(extra.body.error.message).to.equal('body: unknown field force');
      expect((await api(service.url, '/runs/nope')).status).to.equal(404);
    });
  });
});

async function pollProgress(url: string, runId: string) {
  const deadline = Date.now() + 3000;
  for (;;) {
    const res = await api(url, `/runs/${runId}`);
    const extract = res.body.run.stages.find((s: { stage: string }) => s.stage === 'extract');
    if (extract?.status === 'done' || Date.now() > deadline) return res.body.run;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
