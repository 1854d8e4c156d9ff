// The mirror store failing under a sync: a full disk (simulated deterministically with SQLite's
// max_page_count on the mirror's own connection) must surface as SQLITE_FULL naming the file, not as the
// "cannot rollback" error of a second ROLLBACK, and /ready must say the store is failing until a write
// succeeds again. An unusable store path names the path and the setting that chose it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { LocalOrg } from '@reco/local-org';
import { retailSample } from '@reco/local-org';
import { startRecoOrg } from '../support/reco-org.js';
import { createConnection } from '@reco/sync-server/connect/connect.js';
import { loadConfig } from '@reco/sync-server/config/load-config.js';
import { mirrorResultsStore } from '@reco/sync-server/http/mirror-store.js';
import { startService } from '@reco/sync-server/http/service.js';
import { openMirror, StoreError, storeFault, type SqliteMirror } from '@reco/sync-server/mirror/db.js';
import { applyPage } from '@reco/sync-server/mirror/records.js';
import { runPipeline } from '@reco/sync-server/pipeline/run-pipeline.js';
import { startServer } from '@reco/sync-server/server.js';
import { api, memoryLogger, TOKEN, waitFor } from './doubles.js';

/** Caps the file at its current size plus `spare` pages, for this connection: the next big write hits SQLITE_FULL. */
function fillDisk(mirror: SqliteMirror, spare = 0): void {
  const { page_count: pages } = mirror.db.prepare('PRAGMA page_count').get() as { page_count: number };
  mirror.db.exec(`PRAGMA max_page_count = ${pages + spare}`);
}
const bigPage = (n: number) => Array.from({ length: n }, (_, i) => ({ Id: `001Qy${String(i).padStart(10, '0')}AAA`, SystemModstamp: '2026-01-01T00:00:00.000Z', Name: 'x'.repeat(2000) }));

describe('mirror store failures', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'reco-store-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a full disk as SQLITE_FULL with the file, keeps the store usable, and clears the fault after a good write', async () => {
    const mirror = openMirror(path.join(dir, 'mirror.db'));
    try {
      fillDisk(mirror);
      let error: unknown;
      try {
        await applyPage(mirror.sql, 'Account', bigPage(200), 'run-1');
      } catch (e) { error = e; }
      expect(error).to.be.instanceOf(StoreError);
      expect((error as StoreError).code).to.equal('SQLITE_FULL');
      expect((error as Error).message).to.contain(mirror.path).and.to.contain('SQLITE_FULL').and.not.to.contain('cannot rollback');
      expect(mirror.db.isTransaction, 'nothing left open').to.equal(false);
      expect((mirror.db.prepare('SELECT COUNT(*) AS n FROM records').get() as { n: number }).n, 'the page rolled back whole').to.equal(0);
      expect(storeFault(mirror.db)?.code).to.equal('SQLITE_FULL');

      mirror.db.exec('PRAGMA max_page_count = 1073741823');
      await applyPage(mirror.sql, 'Account', bigPage(200), 'run-2');
      expect(storeFault(mirror.db)).to.equal(null);
    } finally {
      mirror.close();
    }
  });

  it('names the store path and RECO_STORE_PATH when the store cannot be created or opened', async function () {
    // /sys is read-only even for root (the tests may run as root, which ignores file modes).
    if (!existsSync('/sys/kernel')) this.skip();
    const unopenable = [path.join('/sys', 'reco-mirror.db'), path.join('/sys', 'reco-test', 'mirror.db'), path.join('/sys', 'reco-data-dir')];
    for (const location of unopenable) {
      let error: unknown;
      try {
        openMirror(location, { setting: 'RECO_STORE_PATH' });
      } catch (e) { error = e; }
      expect(error, location).to.be.instanceOf(StoreError);
      expect((error as Error).message, location).to.contain(location).and.to.contain('(set by RECO_STORE_PATH)');
    }
    // The service names it too, before it listens.
    const config = loadConfig({ env: {}, overrides: { auth: { token: TOKEN }, server: { port: 0 }, store: { path: '/sys/reco-mirror.db' }, schedule: { enabled: false } } });
    let error: unknown;
    try {
      await startServer(config, { logger: memoryLogger().logger, connection: { flow: 'refresh-token', loginUrl: 'http://127.0.0.1:9', clientId: 'c', clientSecret: 's', refreshToken: 'r' } });
    } catch (e) { error = e; }
    expect((error as Error)?.message).to.match(/mirror store \/sys\/reco-mirror\.db \(set by RECO_STORE_PATH\)/);
  });

  describe('during a real sync', () => {
    let org: LocalOrg;
    before(async () => { org = await startRecoOrg({ port: 0, seed: { onlineRetail: await retailSample(40) } }); });
    after(async () => { await org?.close(); });

    it('fails the run with SQLITE_FULL and /ready reports the store failing until a run succeeds', async () => {
      const c = org.credentials;
      const connection = await createConnection({ flow: 'refresh-token', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken });
      const mirror = openMirror(path.join(dir, 'mirror.db'));
      const config = loadConfig({ env: {}, overrides: { auth: { token: TOKEN }, server: { port: 0 }, schedule: { enabled: false } } });
      const { logger } = memoryLogger();
      const service = await startService(config, logger, {
        store: mirrorResultsStore(mirror.db),
        orgProbe: async () => {},
        pipeline: async (kind, { signal, onProgress }) => {
          const s = await runPipeline({ connection, mirror }, { kind, signal, onProgress });
          return { runId: s.runId, status: s.status, error: s.error };
        },
      });
      try {
        expect((await api(service.url, '/ready', { token: null })).status).to.equal(200);
        fillDisk(mirror, 4); // room for the run record, not for the org's records
        const started = await api(service.url, '/runs', { method: 'POST', body: JSON.stringify({ kind: 'Full' }) });
        expect(started.status).to.equal(202);
        await waitFor(() => service.coordinator.current === null, 60_000, 'the run to end');
        const runs = (await api(service.url, '/runs')).body.runs as Array<{ status: string; error: string | null }>;
        expect(runs[0].status).to.equal('Failed');
        expect(runs[0].error).to.contain('SQLITE_FULL').and.to.contain(mirror.path).and.not.to.contain('cannot rollback');
        const ready = await api(service.url, '/ready', { token: null });
        expect(ready.status).to.equal(503);
        expect(ready.body.checks.store.ok).to.equal(false);
        expect(ready.body.checks.store.message).to.contain('SQLITE_FULL');

        mirror.db.exec('PRAGMA max_page_count = 1073741823'); // space freed
        await api(service.url, '/runs', { method: 'POST', body: JSON.stringify({ kind: 'Full' }) });
        await waitFor(() => service.coordinator.current === null, 90_000, 'the second run to end');
        expect((await api(service.url, '/runs')).body.runs[0].status).to.equal('Succeeded');
        expect((await api(service.url, '/ready', { token: null })).status).to.equal(200);
      } finally {
        await service.close();
        mirror.close();
      }
    });
  });
});
