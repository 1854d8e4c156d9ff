// npm run bench:sync — API calls and wall time of the sync engine on the full Online Retail seed in local-org:
// a full sync (Bulk above the threshold, REST below) against the floor of one REST call per 2,000 records,
// the same extraction on REST only, the write-back of a full model run, and an incremental sync after the
// last week of invoices is replayed. Options: --keep-db PATH to reuse a seeded org file between runs.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ADMIN_USERNAME, INTEGRATION_USERNAME, SALES_REP_USERNAME, assignPermissionSets, deploySource, startLocalOrg, type LocalOrg } from '@reco/local-org';
import { ApiBudget } from '../src/connect/api-budget.js';
import { createConnection } from '../src/connect/connect.js';
import { extractAll, type ObjectStats } from '../src/extract/extract.js';
import { openMirror } from '../src/mirror/db.js';
import { runPipeline } from '../src/pipeline/run-pipeline.js';

const { values } = parseArgs({ options: { data: { type: 'string', default: '/work/shared/data/online-retail.csv.gz' }, 'keep-db': { type: 'string' } } });
const DAY = 86_400_000;
// Seed all but the last week (shifted calendar: the last source day lands on the latest Friday before today).
const lastSource = Date.parse('2011-12-09T00:00:00Z');
const now = new Date();
const yesterday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - DAY;
const lastShifted = lastSource + Math.floor((yesterday - lastSource) / (7 * DAY)) * 7 * DAY;
const asOf = new Date(lastShifted - 6 * DAY).toISOString().slice(0, 10);

const dir = mkdtempSync(join(tmpdir(), 'reco-bench-sync-'));
const seeded = values['keep-db'] ?? join(dir, 'seed.db');
const secs = (ms: number): string => (ms / 1000).toFixed(1);

async function main(): Promise<void> {
  if (!existsSync(seeded)) {
    const t = Date.now();
    const org = await startLocalOrg({ port: 0, db: seeded, seed: { onlineRetail: values.data as string }, asOf });
    await org.close();
    console.log(`seeded local-org (asOf ${asOf}) in ${secs(Date.now() - t)} s`);
  }
  const orgDb = join(dir, 'org.db');
  copyFileSync(seeded, orgDb);
  const org = await startLocalOrg({ port: 0, db: orgDb });
  // Reco installed as an admin installs it: its metadata deployed, its permission sets assigned.
  deploySource(org, resolve(import.meta.dirname, '../../force-app'));
  assignPermissionSets(org, ADMIN_USERNAME, ['Reco_Admin']);
  assignPermissionSets(org, INTEGRATION_USERNAME, ['Reco_Integration']);
  assignPermissionSets(org, SALES_REP_USERNAME, ['Reco_Sales_Rep']);
  const c = org.credentials;
  const connect = () => createConnection({ flow: 'refresh-token', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken });
  const table = (stats: ObjectStats[]): void => {
    console.log('| object | mode | records | calls | floor (records/2,000) |');
    console.log('|---|---|---:|---:|---:|');
    let calls = 0;
    let floor = 0;
    for (const s of stats) {
      const f = Math.max(1, Math.ceil(s.fetched / 2000));
      calls += s.calls;
      floor += f;
      console.log(`| ${s.object} | ${s.mode} | ${s.fetched} | ${s.calls} | ${f} |`);
    }
    console.log(`| **total** | | ${stats.reduce((n, s) => n + s.fetched, 0)} | **${calls}** | **${floor}** |`);
  };
  try {
    // 1. Extraction on REST only (bulk disabled), for the floor comparison.
    {
      const conn = await connect();
      const budget = new ApiBudget(conn);
      const mirror = openMirror(join(dir, 'rest-mirror'));
      const t = Date.now();
      const stats = await extractAll(conn, mirror, { runId: 'bench-rest', budget, bulkThreshold: Number.POSITIVE_INFINITY });
      console.log(`\n## Full extraction, REST only: ${secs(Date.now() - t)} s, ${budget.calls} calls\n`);
      table(stats);
      mirror.close();
    }
    // 2. Full pipeline (Bulk above 20,000 records), with models and write-back.
    const conn = await connect();
    const budget = new ApiBudget(conn);
    const mirror = openMirror(join(dir, 'mirror'));
    const stageTimes: Record<string, number> = {};
    const stageStart: Record<string, number> = {};
    const full = await runPipeline({ connection: conn, mirror, budget }, {
      kind: 'Full',
      extract: { bulkPollInterval: 250 },
      onProgress: (e) => {
        stageStart[e.stage] ??= Date.now();
        if (e.status !== 'running') stageTimes[e.stage] = Date.now() - stageStart[e.stage];
      },
    });
    console.log(`\n## Full pipeline: ${full.status} in ${secs(full.durationMs)} s, ${full.apiCalls} calls ${JSON.stringify(full.apiCallsByKind)}`);
    console.log(`stage wall times (s): ${Object.entries(stageTimes).map(([k, v]) => `${k} ${secs(v)}`).join(', ')}\n`);
    table(full.extract);
    const wb = full.writeback;
    const wbCalls = (full.apiCallsByKind.composite ?? 0) + (full.apiCallsByKind['bulk-ingest'] ?? 0);
    console.log(`\nwrite-back: ${wb?.written} records (${wb?.stats.map((s) => `${s.object} ${s.created + s.updated}`).join(', ')}), ${wbCalls} calls (composite ${full.apiCallsByKind.composite ?? 0}, bulk ingest ${full.apiCallsByKind['bulk-ingest'] ?? 0}), ${wb?.failed} failed`);

    // 3. Reps act on some recommendations and the last week of invoices arrives; incremental pipeline. Only the
    //    reps' edits of Product_Recommendation__c are read back, not the records Reco itself wrote.
    const feedback = repFeedback(org, 500);
    const replay = org.replay();
    const before = { ...budget.byKind };
    const inc = await runPipeline({ connection: conn, mirror, budget }, { kind: 'Incremental', extract: { bulkPollInterval: 250 } });
    const extractCalls = inc.extract.reduce((n, s) => n + s.calls, 0);
    console.log(`\n## Incremental after replaying ${replay.invoices} invoices and ${feedback} reps' decisions: ${inc.status} in ${secs(inc.durationMs)} s, ${inc.apiCalls} calls (extraction ${extractCalls})`);
    console.log(`replayed: ${replay.opportunities} opportunities, ${replay.lineItems} line items, ${replay.accounts} accounts, ${replay.tasks} tasks, ${replay.events} events\n`);
    table(inc.extract);
    const incWb = (budget.byKind.composite ?? 0) - (before.composite ?? 0) + (budget.byKind['bulk-ingest'] ?? 0) - (before['bulk-ingest'] ?? 0);
    console.log(`\nincremental write-back: ${inc.writeback?.written} changed records, ${inc.counts.unchanged} unchanged skipped, ${incWb} calls`);
    mirror.close();
  } finally {
    await org.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A rep (a user other than Reco's) accepts every other one of `n` recommendations and dismisses the rest. */
function repFeedback(org: LocalOrg, n: number): number {
  const [rep] = org.store.insert('User', [{
    Username: 'rep@reco.local', LastName: 'Rep', Email: 'rep@reco.local', Alias: 'rep', ProfileId: org.store.identity.profileId,
    TimeZoneSidKey: 'GMT', LocaleSidKey: 'en_US', EmailEncodingKey: 'UTF-8', LanguageLocaleKey: 'en_US',
  }]);
  const ids = (org.store.db.prepare('SELECT Id FROM "Product_Recommendation__c" WHERE IsDeleted = 0 ORDER BY Id LIMIT ?').all(n) as Array<{ Id: string }>).map((r) => r.Id);
  const updates = ids.map((Id, i) => (i % 2 ? { Id, Status__c: 'Accepted' } : { Id, Status__c: 'Dismissed', Dismiss_Reason__c: 'Not relevant' }));
  const failed = org.store.asUser(rep.id as string, () => org.store.update('Product_Recommendation__c', updates)).filter((r) => !r.success).length;
  if (failed) throw new Error(`${failed} rep updates failed`);
  return ids.length;
}

await main();
