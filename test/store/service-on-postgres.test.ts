// The service with RECO_STORE_URL: it opens and migrates the PostgreSQL store, serves the API and readiness from
// it, never logs the password, and the pipeline thread opens its own pool on the same database, so a run it
// records is what the serving process reads back.
import { expect } from 'chai';
import type { LocalOrg } from '@reco/local-org';
import { loadConfig } from '@reco/sync-server/config/load-config.js';
import { startServer } from '@reco/sync-server/server.js';
import { api, memoryLogger, TOKEN, waitFor } from '../service/doubles.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { startRecoOrg } from '../support/reco-org.js';

const PASSWORD = 'pw-never-logged-7f3a';

describe('the service on a PostgreSQL store', function () {
  this.timeout(120_000);
  let org: LocalOrg;
  let db: TestDatabase;

  before(async () => {
    org = await startRecoOrg({ port: 0 });
    db = await createTestDatabase();
  });
  after(async () => {
    await org?.close();
    await db?.drop();
  });

  it('serves readiness, runs and the overview from PostgreSQL, and shares the run ledger with the pipeline thread', async () => {
    // The throwaway cluster trusts loopback, so a password in the URL is accepted and must still never show.
    const url = new URL(db.url);
    url.username = url.username || 'postgres';
    url.password = PASSWORD;
    const config = loadConfig({ env: { RECO_STORE_URL: url.toString() }, overrides: { auth: { token: TOKEN }, server: { port: 0 }, schedule: { enabled: false } } });
    const { credentials: c } = org;
    const { logger, lines } = memoryLogger();
    const service = await startServer(config, {
      logger,
      connection: { flow: 'refresh-token', loginUrl: c.loginUrl, instanceUrl: c.instanceUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken, accessToken: c.accessToken },
    });
    try {
      const ready = await api(service.url, '/ready', { token: null });
      expect(ready.status, JSON.stringify(ready.body)).to.equal(200);
      expect((await api(service.url, '/runs')).body.runs).to.deep.equal([]);
      expect((await api(service.url, '/overview')).body).to.include({ verdict: 'not-started' });
      const starting = lines.find((l) => l.msg === 'starting') as { store?: string } | undefined;
      expect(starting?.store).to.contain(':***@');

      const started = await api(service.url, '/runs', { method: 'POST', body: JSON.stringify({ kind: 'Full' }) });
      expect(started.status).to.equal(202);
      const runId = started.body.run.id as string;
      await waitFor(() => service.coordinator.current === null, 90_000, 'the run to end');
      const run = (await api(service.url, `/runs/${runId}`)).body.run as { status: string; error: string | null; stages: Array<{ stage: string; status: string }> };
      // Written by the pipeline thread through its own pool, read here through the service's.
      expect(run.stages.find((s) => s.stage === 'connect')?.status).to.equal('done');
      expect(run.error).to.equal(null);
      expect(run.status).to.equal('Succeeded');
      expect(run.stages.filter((s) => s.status !== 'done').map((s) => s.stage), 'every stage done').to.deep.equal([]);
      // Served from PostgreSQL: the results the run stored, and the impact measurement over the same store.
      const overview = (await api(service.url, '/overview')).body as { verdict: string };
      expect(overview.verdict).to.not.equal('not-started');
      const impact = await api(service.url, '/impact');
      expect(impact.status, JSON.stringify(impact.body)).to.equal(200);
      expect(JSON.stringify(lines)).to.not.contain(PASSWORD);
    } finally {
      await service.close();
    }
    expect(JSON.stringify(lines)).to.not.contain(PASSWORD);
  });
});
