import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalOrg } from '@reco/local-org';
import { startRecoOrg } from '../support/reco-org.js';
import type { Connection } from 'jsforce';
import { createConnection } from '../../sync-server/src/connect/connect.js';
import { checkOrg } from '../../sync-server/src/pipeline/org-check.js';
import { openMirror, type Mirror } from '../../sync-server/src/mirror/db.js';
import { countRecords } from '../../sync-server/src/mirror/records.js';
import type { ProgressEvent } from '../../sync-server/src/domain/run.js';
import { runPipeline } from '../../sync-server/src/pipeline/run-pipeline.js';

describe('sync: a run starts with the org check', function () {
  this.timeout(60_000);
  let org: LocalOrg;
  let conn: Connection;
  let dir: string;
  let mirror: Mirror;
  const described: string[] = [];
  let hide: string | null = null;

  before(async () => {
    org = await startRecoOrg({ port: 0 });
    const c = org.credentials;
    conn = await createConnection({ flow: 'client-credentials', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret });
    dir = mkdtempSync(join(tmpdir(), 'reco-orgcheck-'));
    mirror = openMirror(dir);
    // An org whose describe lacks a field behaves like one with an older Reco package deployed.
    const describe = conn.describe.bind(conn);
    (conn as unknown as { describe: (n: string) => Promise<unknown> }).describe = async (n: string) => {
      described.push(n);
      const d = (await describe(n)) as { fields: Array<{ name: string }> };
      return hide && n === hide.split('.')[0] ? { ...d, fields: d.fields.filter((f) => f.name !== hide!.split('.')[1]) } : d;
    };
  });
  after(async () => {
    mirror.close();
    await org.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops before reading anything when a Reco field is missing, listing what to fix', async () => {
    hide = 'Customer_Segment__c.Active__c';
    const events: ProgressEvent[] = [];
    const s = await runPipeline({ connection: conn, mirror }, { kind: 'Full', onProgress: (e) => events.push(e) });
    expect(s.status).to.equal('Failed');
    expect(s.error).to.include('Customer_Segment__c.Active__c: field is missing or not visible').and.include('sf project deploy start');
    expect(events.some((e) => e.stage === 'extract')).to.equal(false);
    expect((await countRecords(mirror.sql))).to.equal(0);
  });

  it('tells an org deployed before reactions existed to deploy Reco again, not to grant Read', async () => {
    const describe = conn.describe.bind(conn);
    const older = Object.create(conn) as Connection;
    (older as unknown as { describe: (n: string) => Promise<unknown> }).describe = (n: string) =>
      n === 'Recommendation_Reaction__c' ? Promise.reject(Object.assign(new Error('The requested resource does not exist'), { errorCode: 'NOT_FOUND' })) : describe(n);
    const result = await checkOrg(older);
    expect(result.ok).to.equal(false);
    expect(result.problems.find((p) => p.object === 'Recommendation_Reaction__c')).to.include({ problem: 'object is missing or not visible to this user' });
    expect(result.problems.find((p) => p.object === 'Recommendation_Reaction__c')?.fix).to.include('sf project deploy start');
  });

  it('once the org is fixed the run gets past the check, which is then remembered for a day', async () => {
    hide = null;
    const events: ProgressEvent[] = [];
    await runPipeline({ connection: conn, mirror }, { kind: 'Full', onProgress: (e) => events.push(e) });
    expect(events.some((e) => e.stage === 'connect' && e.status === 'done')).to.equal(true);
    expect(events.some((e) => e.stage === 'extract')).to.equal(true);
    described.length = 0;
    await runPipeline({ connection: conn, mirror }, { kind: 'Incremental' });
    expect(described).not.to.include('Customer_Segment__c');
  });
});
