// Hardening of the service's HTTP surface: DNS-rebinding protection (Host and Origin checks) in front of the
// API, the dashboard and the LWC preview, response headers, strict run triggers, and the favicon.
import { request } from 'node:http';
import { expect } from 'chai';
import { Connection } from 'jsforce';
import type { LocalOrg } from '@reco/local-org';
import { startRecoOrg } from '../support/reco-org.js';
import { createPreviewRouter } from '@reco/sync-server/http/preview/router.js';
import { accountId, api, fakePipeline, MemoryStore, seedResults, startTestService, TOKEN } from './doubles.js';

type Raw = { status: number; body: string; headers: Record<string, string | string[] | undefined> };

/** fetch() will not send a Host header of the caller's choosing; a DNS-rebinding page does, so the tests do too. */
function raw(url: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('sync-server HTTP hardening', function () {
  this.timeout(30_000);
  let org: LocalOrg;
  let conn: Connection;
  let ids: { account: string; recommendation: string };
  let store: MemoryStore;
  let service: Awaited<ReturnType<typeof startTestService>>;
  let hostPort: string;

  before(async () => {
    org = await startRecoOrg({ port: 0 });
    conn = new Connection({ instanceUrl: org.credentials.instanceUrl, accessToken: org.credentials.accessToken, version: '62.0' });
    const account = (await conn.sobject('Account').create({ Name: 'Rebinding Target Ltd' })) as { id: string };
    const product = (await conn.sobject('Product2').create({ Name: 'Party Bunting', IsActive: true })) as { id: string };
    const rec = (await conn.sobject('Product_Recommendation__c').create({
      Account__c: account.id, Product__c: product.id, Kind__c: 'Cross-sell', Rank__c: 1, Score__c: 0.8, Confidence__c: 'High', Reason__c: 'r', Status__c: 'New',
    })) as { id: string };
    ids = { account: account.id, recommendation: rec.id };
    store = new MemoryStore();
    seedResults(store, 3);
    service = await startTestService({
      store, pipeline: fakePipeline(store, 1), injectToken: true, allowedHosts: 'reco.example.com,proxy.internal:8443',
      publicRouters: [['/preview', createPreviewRouter({ connection: async () => conn })]],
    });
    hostPort = new URL(service.url).host;
  });
  after(async () => {
    await service?.close();
    await org?.close();
  });

  // A rep's decision is a reaction record the preview creates (docs/reactions.md): 'Accepted' once one exists.
  const status = async () => {
    const n = (await conn.query(`SELECT COUNT() FROM Recommendation_Reaction__c WHERE Recommendation__c = '${ids.recommendation}'`)).totalSize;
    return n > 0 ? 'Accepted' : 'New';
  };
  const accept = (headers: Record<string, string>) => raw(service.url, '/preview/api/records', {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ apiName: 'Recommendation_Reaction__c', fields: { Recommendation__c: ids.recommendation, Account__c: ids.account, Reaction__c: 'Accepted' } }),
  });

  describe('DNS rebinding (Host check)', () => {
    it('serves its own loopback names, and refuses a foreign Host with 421 before reading the org', async () => {
      const path = `/preview/api/records/${ids.account}?fields=Account.Name`;
      const own = await raw(service.url, path, { headers: { host: hostPort } });
      expect(own.status).to.equal(200);
      expect(own.body).to.contain('Rebinding Target Ltd');
      expect((await raw(service.url, path, { headers: { host: `localhost:${new URL(service.url).port}` } })).status).to.equal(200);

      const foreign = await raw(service.url, path, { headers: { host: `evil.example:${new URL(service.url).port}` } });
      expect(foreign.status).to.equal(421);
      expect(foreign.body).not.to.contain('Rebinding Target');
      const error = JSON.parse(foreign.body).error;
      expect(error.code).to.equal('misdirected_request');
      expect(error.message).to.contain('"evil.example:').and.to.contain('RECO_ALLOWED_HOSTS');
    });

    it('does not let a foreign Host change a recommendation', async () => {
      const refused = await accept({ host: `evil.example:${new URL(service.url).port}` });
      expect(refused.status).to.equal(421);
      expect(await status()).to.equal('New');
    });

    it('keeps the injected token and the fast path from a foreign Host', async () => {
      const evil = `rebind.attacker.test:${new URL(service.url).port}`;
      const page = await raw(service.url, '/dashboard/', { headers: { host: evil } });
      expect(page.status).to.equal(421);
      expect(page.body).not.to.contain(TOKEN);
      expect((await raw(service.url, '/dashboard/', { headers: { host: hostPort } })).body).to.contain(TOKEN);
      const fast = await raw(service.url, `/accounts/${accountId(1)}/recommendations`, { headers: { host: evil, authorization: `Bearer ${TOKEN}` } });
      expect(fast.status).to.equal(421);
    });

    it('accepts the names in RECO_ALLOWED_HOSTS, with any port or the listed one', async () => {
      expect((await raw(service.url, '/segments', { headers: { host: 'reco.example.com', authorization: `Bearer ${TOKEN}` } })).status).to.equal(200);
      expect((await raw(service.url, '/segments', { headers: { host: 'proxy.internal:8443', authorization: `Bearer ${TOKEN}` } })).status).to.equal(200);
      expect((await raw(service.url, '/segments', { headers: { host: 'proxy.internal:9000', authorization: `Bearer ${TOKEN}` } })).status).to.equal(421);
    });

    it('answers the probes whatever the Host (orchestrators use the pod address)', async () => {
      expect((await raw(service.url, '/health', { headers: { host: '10.1.2.3:8080' } })).status).to.equal(200);
    });

    it('refuses a preview mounted without the service (bare express) from a foreign Host too', async () => {
      const express = (await import('express')).default;
      const app = express();
      app.use('/preview', createPreviewRouter({ connection: async () => conn }));
      const server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const port = (server.address() as { port: number }).port;
      try {
        const res = await raw(`http://127.0.0.1:${port}`, `/preview/api/records/${ids.account}?fields=Account.Name`, { headers: { host: `evil.example:${port}` } });
        expect(res.status).to.equal(421);
        expect(res.body).not.to.contain('Rebinding Target');
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('cross-site writes (Origin check)', () => {
    it('refuses a state change from a foreign Origin with 403, and allows the server\'s own origin', async () => {
      const foreign = await accept({ host: hostPort, origin: 'http://evil.example' });
      expect(foreign.status).to.equal(403);
      expect(JSON.parse(foreign.body).error.code).to.equal('forbidden_origin');
      expect((await accept({ host: hostPort, origin: 'null' })).status).to.equal(403);
      expect(await status()).to.equal('New');
      const run = await raw(service.url, '/runs', { method: 'POST', headers: { host: hostPort, origin: 'http://evil.example', authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '{"kind":"Full"}' });
      expect(run.status).to.equal(403);
      expect(service.coordinator.current).to.equal(null);

      const own = await accept({ host: hostPort, origin: service.url });
      expect(own.status).to.equal(201);
      expect(await status()).to.equal('Accepted');
    });
  });

  describe('response headers', () => {
    it('the dashboard cannot be framed', async () => {
      const page = await api(service.url, '/dashboard/', { token: null });
      expect(page.headers.get('content-security-policy')).to.contain("frame-ancestors 'none'");
      expect(page.headers.get('x-frame-options')).to.equal('DENY');
    });

    it('API data (both paths, errors too) is nosniff and no-store; static assets may be cached', async () => {
      for (const path of ['/segments', `/accounts/${accountId(1)}/recommendations`, '/runs/nope']) {
        const res = await api(service.url, path);
        expect(res.headers.get('x-content-type-options'), path).to.equal('nosniff');
        expect(res.headers.get('cache-control'), path).to.equal('no-store');
      }
      const unauthorised = await api(service.url, '/segments', { token: null });
      expect(unauthorised.headers.get('cache-control')).to.equal('no-store');
      const asset = await api(service.url, '/dashboard/app.js', { token: null });
      expect(asset.status).to.equal(200);
      expect(asset.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(asset.headers.get('cache-control')).to.match(/^public/);
    });

    it('answers /favicon.ico without asking for a token', async () => {
      const res = await api(service.url, '/favicon.ico', { token: null });
      expect(res.status).to.equal(204);
    });
  });

  describe('run triggers', () => {
    it('refuses a body that is not JSON (text/plain "kind=Full") with 415 and starts nothing', async () => {
      const pipeline = fakePipeline(store, 1);
      const local = await startTestService({ store, pipeline });
      try {
        const res = await fetch(`${local.url}/runs`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' }, body: 'kind=Full' });
        expect(res.status).to.equal(415);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).to.equal('unsupported_media_type');
        expect(body.error.message).to.contain('application/json').and.to.contain('text/plain');
        const form = await fetch(`${local.url}/runs`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: new URLSearchParams({ kind: 'Full' }) });
        expect(form.status).to.equal(415);
        expect(pipeline.calls).to.deep.equal([]);
        expect(local.coordinator.current).to.equal(null);
        const bad = await api(local.url, '/runs', { method: 'POST', body: JSON.stringify({ kind: 'full' }) });
        expect(bad.status).to.equal(400);
        expect(bad.body.error.message).to.equal("body.kind: must be 'Full' or 'Incremental'");
        expect(pipeline.calls).to.deep.equal([]);
      } finally {
        await local.close();
      }
    });
  });
});
