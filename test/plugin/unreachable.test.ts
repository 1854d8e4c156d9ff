// Every `sf reco` command against an org that does not answer: the error names the org's URL and the reason,
// says what to check, and exits 1 (not 10, sf's code for a bug in the CLI), instead of "Error (10): fetch failed".
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { MultiStageOutput } from '@oclif/multi-stage-output';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import RecoEvaluate from '../../plugin/src/commands/reco/evaluate.js';
import RecoOrgCheck from '../../plugin/src/commands/reco/org/check.js';
import RecoRecommendExplain from '../../plugin/src/commands/reco/recommend/explain.js';
import RecoRecommendShow from '../../plugin/src/commands/reco/recommend/show.js';
import RecoSegmentsList from '../../plugin/src/commands/reco/segments/list.js';
import RecoStatus from '../../plugin/src/commands/reco/status.js';
import RecoSyncRun from '../../plugin/src/commands/reco/sync/run.js';
import { withOrgErrorActions } from '../../plugin/src/shared/org-errors.js';
import { failureOf } from './fake-org.js';

/** The rejection fetch (and so jsforce) gives for a port nobody listens on: TypeError "fetch failed", code on its cause. */
async function refusedFetch(): Promise<Error> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return fetch(`http://127.0.0.1:${port}/services/data/`).then(() => expect.fail('the port should be closed'), (e: unknown) => e as Error);
}

describe('sf reco commands when the org does not answer (unit)', function () {
  this.timeout(60_000);
  const $$ = new TestContext();
  const testOrg = new MockTestOrgData();
  let refused: Error;
  let dataDir: string;

  before(async () => {
    refused = await refusedFetch();
    expect(refused.message).to.equal('fetch failed'); // what reached the user before
  });
  beforeEach(async () => {
    await $$.stubAuths(testOrg);
    stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
    for (const m of ['goto', 'updateData', 'stop', 'error'] as const) $$.SANDBOX.stub(MultiStageOutput.prototype, m);
    dataDir = mkdtempSync(join(tmpdir(), 'reco-unreachable-'));
    $$.fakeConnectionRequest = () => Promise.reject(refused);
  });
  afterEach(() => {
    $$.restore();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const target = () => ['--target-org', testOrg.username];
  const commands: Array<[string, () => Promise<unknown>]> = [
    ['org check', () => RecoOrgCheck.run([...target()])],
    ['status', () => RecoStatus.run([...target()])],
    ['segments list', () => RecoSegmentsList.run([...target()])],
    ['recommend show', () => RecoRecommendShow.run([...target(), '--account', 'Acme'])],
    ['recommend explain', () => RecoRecommendExplain.run([...target(), '--account', 'Acme', '--product', '22386', '--data-dir', dataDir])],
    ['evaluate', () => RecoEvaluate.run([...target(), '--data-dir', dataDir])],
    ['sync run', () => RecoSyncRun.run([...target(), '--data-dir', dataDir])],
  ];
  for (const [name, run] of commands) {
    it(`${name}: names the org URL and the reason, with what to check`, async () => {
      const e = await failureOf(run());
      expect(e.name, e.message).to.equal('OrgUnreachableError');
      expect(e.message).to.equal(`Cannot reach the org at ${testOrg.instanceUrl}: connection refused (nothing is listening there).`);
      expect(e.exitCode).to.equal(1);
      expect(e.actions?.join('\n')).to.include('sf org display').and.include('org is up');
      expect(e.data).to.include({ code: 'ECONNREFUSED', instanceUrl: testOrg.instanceUrl });
    });
  }

  it('leaves no signal listeners behind, however many commands one process runs (no MaxListenersExceeded)', async () => {
    const signals = ['SIGINT', 'SIGTERM', 'SIGBREAK', 'SIGHUP'];
    const counts = () => signals.map((s) => process.listenerCount(s));
    const before = counts();
    for (let i = 0; i < 12; i++) await failureOf(RecoStatus.run([...target()]));
    expect(counts()).to.deep.equal(before);
  });

  it('keeps the org error codes scripts rely on, and says "its instance URL" when the URL is unknown', () => {
    const expired = Object.assign(new Error('Session expired or invalid'), { name: 'INVALID_SESSION_ID', errorCode: 'INVALID_SESSION_ID' });
    expect(withOrgErrorActions(expired).name).to.equal('INVALID_SESSION_ID');
    const dns = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }) });
    expect(withOrgErrorActions(dns).message).to.equal('Cannot reach the org at its instance URL: the host name does not resolve.');
  });
});
