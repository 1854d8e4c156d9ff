import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { MultiStageOutput } from '@oclif/multi-stage-output';
import type { LocalOrg } from '@reco/local-org';
import RecoSyncRun from '../../plugin/src/commands/reco/sync/run.js';
import { failureOf, forwardTo, orgError, startSeededOrg, urlOf, type SeededOrg } from './fake-org.js';

describe('sf reco sync run (unit)', function () {
  this.timeout(120_000);
  const $$ = new TestContext();
  const testOrg = new MockTestOrgData();
  // Connections made under TestContext report API 42.0, below what sObject Collections upserts need (46.0).
  const base = (): string[] => ['--target-org', testOrg.username, '--api-version', '64.0'];
  let seeded: SeededOrg;
  let org: LocalOrg;
  let dataRoot: string;
  let ux: ReturnType<typeof stubSfCommandUx>;
  // sinon ships no types here; the few members the assertions use.
  type Spy = { args: unknown[][]; called: boolean; calledOnce: boolean; calledOnceWithExactly: (...args: unknown[]) => boolean };
  let stages: { goto: Spy; stop: Spy; error: Spy };
  const savedDataDir = process.env.RECO_DATA_DIR;

  const count = (soql: string): number => Number((org.store.db.prepare(soql).get() as { n: number }).n);
  const recoRun = (runId: string): Record<string, unknown> =>
    org.store.db.prepare('SELECT * FROM Reco_Run__c WHERE External_Id__c = ?').get(runId) as Record<string, unknown>;

  before(async () => {
    seeded = await startSeededOrg(40);
    ({ org, dataRoot } = seeded);
    process.env.RECO_DATA_DIR = dataRoot;
  });
  after(async () => {
    await seeded?.close();
    if (savedDataDir === undefined) delete process.env.RECO_DATA_DIR;
    else process.env.RECO_DATA_DIR = savedDataDir;
  });
  beforeEach(async () => {
    await $$.stubAuths(testOrg);
    ux = stubSfCommandUx($$.SANDBOX);
    // The stage display is oclif's; the command's part is which stages it moves through and how it ends.
    stages = {
      goto: $$.SANDBOX.spy(MultiStageOutput.prototype, 'goto'),
      stop: $$.SANDBOX.spy(MultiStageOutput.prototype, 'stop'),
      error: $$.SANDBOX.spy(MultiStageOutput.prototype, 'error'),
    };
  });
  afterEach(() => $$.restore());

  it('runs a full sync through every stage and returns the run summary the org records', async () => {
    $$.fakeConnectionRequest = forwardTo(org);
    const result = await RecoSyncRun.run([...base(), '--full']);

    expect(result).to.include({ kind: 'Full', status: 'Succeeded', resumed: false, recordsFailed: 0, error: null });
    expect(result.dataDir).to.equal(join(dataRoot, testOrg.orgId));
    expect(result.failuresByCode).to.deep.equal({});
    // what the command reports is what the pipeline wrote into the org
    const written = count('SELECT (SELECT COUNT(*) FROM Customer_Segment__c) + (SELECT COUNT(*) FROM Account_Insight__c) + (SELECT COUNT(*) FROM Product_Recommendation__c WHERE IsDeleted = 0) AS n');
    expect(result.recordsWritten).to.equal(written).and.to.be.greaterThan(40);
    expect(recoRun(result.runId)).to.include({ Status__c: 'Succeeded', Kind__c: 'Full', Records_Written__c: written, Records_Read__c: result.recordsRead });
    expect(result.recordsRead).to.be.greaterThan(count('SELECT COUNT(*) AS n FROM OpportunityLineItem'));

    expect(stages.goto.args.map((a: unknown[]) => a[0])).to.deep.equal(['connect', 'extract', 'clean', 'models', 'writeback', 'finish']);
    expect(stages.stop.calledOnceWithExactly('completed')).to.equal(true);
    expect(stages.error.called).to.equal(false);
    const summary = ux.table.firstCall.args[0].data as Array<{ Measure: string; Value: unknown }>;
    expect(summary.find((r) => r.Measure === 'Status')?.Value).to.equal('Succeeded');
    expect(summary.find((r) => r.Measure === 'Records written')?.Value).to.equal(written);
    expect(ux.table.callCount, 'no failures table').to.equal(1);
    expect(ux.logSuccess.firstCall.args[0]).to.include(result.runId);
  });

  it('runs incrementally after the first run and writes nothing when nothing changed', async () => {
    const fwd = forwardTo(org);
    $$.fakeConnectionRequest = fwd;
    const result = await RecoSyncRun.run([...base(), '--json']);
    expect(result).to.include({ kind: 'Incremental', status: 'Succeeded', recordsWritten: 0, recordsFailed: 0 });
    expect(fwd.calls.filter((c) => c.includes('/composite/')), 'no upserts').to.deep.equal([]);
    expect(recoRun(result.runId)).to.include({ Status__c: 'Succeeded', Kind__c: 'Incremental' });
  });

  it('ends Partial, with the rejected records counted by error code, when the org rejects some writes', async () => {
    // a new mirror has no record of earlier writes, so every insight is sent (upserts by external id: idempotent)
    const dataDir = mkdtempSync(join(dataRoot, 'partial-'));
    const fwd = forwardTo(org);
    $$.fakeConnectionRequest = (request: unknown) => {
      const url = urlOf(request);
      if (!url.includes('/composite/sobjects/Account_Insight__c/')) return fwd(request);
      // a validation rule on the insight object rejects every record, as an admin's rule would
      const { records } = JSON.parse((request as { body: string }).body) as { records: unknown[] };
      return Promise.resolve(
        records.map(() => ({ success: false, errors: [{ statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Churn risk must be set', fields: [] }] })) as never,
      );
    };
    const result = await RecoSyncRun.run([...base(), '--data-dir', dataDir]);
    const insights = count('SELECT COUNT(*) AS n FROM Account_Insight__c');
    expect(result.status).to.equal('Partial');
    expect(result.recordsFailed).to.be.greaterThan(0).and.to.be.at.most(insights);
    expect(result.failuresByCode).to.deep.equal({ FIELD_CUSTOM_VALIDATION_EXCEPTION: result.recordsFailed });
    expect(stages.stop.calledOnceWithExactly('warning')).to.equal(true);
    expect(ux.table.secondCall.args[0].data).to.deep.equal([{ Code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', Count: result.recordsFailed }]);
    expect(ux.warn.firstCall.args[0]).to.include(`${result.recordsFailed} record(s) were rejected`);
    expect(ux.logSuccess.called).to.equal(false);
  });

  it('fails with the run error, its summary as data and what to do next when the org refuses the run', async () => {
    const fwd = forwardTo(org);
    $$.fakeConnectionRequest = (request: unknown) =>
      urlOf(request).includes('/sobjects/Reco_Run__c/')
        ? Promise.reject(orgError('NOT_FOUND', 'The requested resource does not exist'))
        : fwd(request);
    const e = await failureOf(RecoSyncRun.run([...base(), '--json']));
    expect(e.name).to.equal('RunFailedError');
    expect(e.message).to.include('The requested resource does not exist');
    expect(e.exitCode).to.equal(1);
    expect(e.data?.status).to.equal('Failed');
    expect(e.actions?.join('\n')).to.include('sf reco org check');
    expect(stages.error.calledOnce).to.equal(true);
  });

  it('stops as Aborted when the org has used its share of the daily API limit, and the next run resumes it', async () => {
    const dataDir = mkdtempSync(join(dataRoot, 'aborted-'));
    const fwd = forwardTo(org);
    $$.fakeConnectionRequest = (request: unknown) =>
      urlOf(request).endsWith('/limits')
        ? Promise.resolve({ DailyApiRequests: { Max: 15_000, Remaining: 5_000 } } as never)
        : fwd(request);
    const e = await failureOf(RecoSyncRun.run([...base(), '--data-dir', dataDir]));
    expect(e.name).to.equal('RunAbortedError');
    expect(e.message).to.include('10000 of its 15000 daily API requests');
    expect(e.exitCode).to.equal(1);
    expect(e.data).to.include({ status: 'Aborted', recordsRead: 0 });
    expect(e.actions?.join('\n')).to.include('resumes');
    expect(stages.stop.calledOnceWithExactly('aborted')).to.equal(true);

    $$.fakeConnectionRequest = forwardTo(org);
    const next = await RecoSyncRun.run([...base(), '--data-dir', dataDir, '--json']);
    expect(next).to.include({ runId: e.data?.runId, resumed: true, status: 'Succeeded' });
  });

  it('rejects an unknown flag with a usage error', async () => {
    const fwd = forwardTo(org);
    $$.fakeConnectionRequest = fwd;
    const e = await failureOf(RecoSyncRun.run([...base(), '--fulll']));
    expect(e.message).to.include('--fulll');
    expect(e.exitCode).to.equal(2);
    expect(fwd.calls.filter((c) => c.includes('/sobjects/')), 'no run is started').to.deep.equal([]);
  });

  it('runs and records the first sync into an empty data directory as Full, without --full', async () => {
    $$.fakeConnectionRequest = forwardTo(org);
    const dir = mkdtempSync(join(dataRoot, 'first-'));
    const result = await RecoSyncRun.run([...base(), '--data-dir', dir]);
    expect(result).to.include({ kind: 'Full', status: 'Succeeded', dataDir: dir });
    expect(recoRun(result.runId)).to.include({ Kind__c: 'Full' });
    // The next one has a mirror to be incremental to.
    const next = await RecoSyncRun.run([...base(), '--data-dir', dir]);
    expect(next.kind).to.equal('Incremental');
  });
});
