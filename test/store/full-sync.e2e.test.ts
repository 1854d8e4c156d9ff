// End to end on both stores: the same seeded local-org, synced in full into node:sqlite and into PostgreSQL
// (RECO_STORE_URL), gives the same mirror, the same model output and the same records written to the org.
// The steps are the pipeline's own store-backed ones (extract, clean, models, results, write-back with its
// ledger); the customer-text and impact steps still read the node:sqlite handle and are left out on both
// sides until they move to the Sql store.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanMirror } from '../../sync-server/src/clean/clean.js';
import { createConnection } from '../../sync-server/src/connect/connect.js';
import { extractObject } from '../../sync-server/src/extract/extract.js';
import { SOURCE_OBJECTS } from '../../sync-server/src/extract/objects.js';
import { openStore, type Mirror, type StoreSettings } from '../../sync-server/src/mirror/db.js';
import { readRecords } from '../../sync-server/src/mirror/records.js';
import { loadModelOutput, saveModelOutput } from '../../sync-server/src/mirror/results.js';
import { runModels } from '../../sync-server/src/models/run-models.js';
import { writeBack } from '../../sync-server/src/writeback/write-back.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { startRecoOrg } from '../support/reco-org.js';
import { recoRecords } from '../support/reco-records.js';

const DATA = process.env.RECO_ONLINE_RETAIL ?? '/work/shared/data/online-retail.csv.gz';
const AS_OF = '2026-01-01';

const sha = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** What a Full sync leaves, hashed: the mirrored source records, the stored model output, and Reco's records in the org. */
type Outcome = { mirror: string; results: string; org: string; counts: Record<string, number> };

async function fullSync(orgDb: string, settings: StoreSettings): Promise<Outcome> {
  const org = await startRecoOrg({ port: 0, db: orgDb });
  let store: Mirror | undefined;
  try {
    const c = org.credentials;
    const conn = await createConnection({ flow: 'refresh-token', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken });
    store = await openStore(settings);
    const sources = SOURCE_OBJECTS.filter((o) => !o.text);
    for (const src of sources) await extractObject(conn, store, src, { runId: 'full', bulkThreshold: 20_000, bulkPollInterval: 100 });
    const { dataset } = await cleanMirror(store.sql, { asOf: `${AS_OF}T00:00:00.000Z` });
    await saveModelOutput(store.sql, 'full', runModels(dataset));
    const output = (await loadModelOutput(store.sql))!;
    const wb = await writeBack(conn, store, output, { runId: 'full', retryBaseMs: 20 });
    expect(wb.failed, JSON.stringify(wb.failures.slice(0, 3))).to.equal(0);

    const mirrored: Record<string, unknown> = {};
    const counts: Record<string, number> = {};
    for (const src of sources) {
      // Reco's own records carry the time they were folded in; everything else is the org's own stamps.
      const rows = await readRecords<Record<string, unknown>>(store.sql, src.name);
      counts[src.name] = rows.length;
      mirrored[src.name] = src.name.endsWith('__c') ? rows.map(({ SystemModstamp: _s, Id: _i, ...r }) => r).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) : rows;
    }
    // How long each model step took is the one thing two runs do not share.
    const { timings: _timings, cpuTimings: _cpu, ...metrics } = output.metrics;
    return { mirror: sha(mirrored), results: sha({ ...output, metrics }), org: sha(await recoRecords(conn)), counts };
  } finally {
    await store?.close();
    await org.close();
  }
}

describe('store: a Full sync gives the same mirror, results and org state on node:sqlite and on PostgreSQL', function () {
  this.timeout(900_000);
  let dir: string;
  let seedDb: string;
  let pg: TestDatabase;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reco-store-e2e-'));
    seedDb = join(dir, 'seed.db');
    const org = await startRecoOrg({ port: 0, db: seedDb, seed: { onlineRetail: DATA }, asOf: AS_OF });
    await org.close();
    pg = await createTestDatabase();
  });
  after(async () => {
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hashes equal', async () => {
    copyFileSync(seedDb, join(dir, 'org-sqlite.db'));
    copyFileSync(seedDb, join(dir, 'org-pg.db'));
    const onSqlite = await fullSync(join(dir, 'org-sqlite.db'), { path: join(dir, 'mirror') });
    const onPostgres = await fullSync(join(dir, 'org-pg.db'), { path: '(unused)', url: pg.url });
    expect(onSqlite.counts.OpportunityLineItem).to.be.greaterThan(20_000); // read with Bulk API 2.0, loaded with COPY
    expect(onPostgres).to.deep.equal(onSqlite);
  });
});
