import { join } from 'node:path';
import { expect } from 'chai';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import { startRecoOrg } from '../support/reco-org.js';
import RecoEvaluate, { type ListVerdict } from '../../plugin/src/commands/reco/evaluate.js';
import { failureOf, forwardTo, orgError, soqlOf, startSeededOrg, type SeededOrg } from './fake-org.js';

/** The verdict sentence the command must give for one list, from its own numbers. */
function expectedVerdict(v: ListVerdict): RegExp {
  if (v.reco.users < 30) return new RegExp(`^${v.list}: only ${v.reco.users} accounts bought anything`);
  return v.beatsBaselines ? new RegExp(`^${v.list}: Reco's list ranks .* ${v.liftPercent}% better .*\\(${v.bestBaseline}\\)`) : new RegExp(`^${v.list}: Reco does not beat the simple baseline ${v.bestBaseline}`);
}

describe('sf reco evaluate (unit)', function () {
  this.timeout(120_000);
  const $$ = new TestContext();
  const testOrg = new MockTestOrgData();
  let seeded: SeededOrg;
  let ux: ReturnType<typeof stubSfCommandUx>;
  let spinner: ReturnType<typeof stubSpinner>;
  const argv = (dir: string, ...more: string[]): string[] => ['--target-org', testOrg.username, '--data-dir', join(seeded.dataRoot, dir), ...more];

  before(async () => {
    seeded = await startSeededOrg(40);
  });
  after(() => seeded?.close());
  beforeEach(async () => {
    await $$.stubAuths(testOrg);
    ux = stubSfCommandUx($$.SANDBOX);
    spinner = stubSpinner($$.SANDBOX);
  });
  afterEach(() => $$.restore());

  it('scores both lists against the best baseline on the org history and gives a verdict per list', async () => {
    $$.fakeConnectionRequest = forwardTo(seeded.org);
    const result = await RecoEvaluate.run(argv('main'));

    // the last three months of the history are held out for testing
    const lastClose = (seeded.org.store.db.prepare('SELECT MAX(CloseDate) AS d FROM Opportunity WHERE IsWon = 1').get() as { d: string }).d;
    expect(result.windows.testTo.slice(0, 10)).to.equal(lastClose.slice(0, 10));
    expect(result.windows.trainFrom < result.windows.testFrom).to.equal(true);
    for (const v of [result.crossSell, result.buyAgain]) {
      expect(v.reco.users, v.list).to.be.greaterThan(0);
      expect(v.reco['ndcg@10']).to.be.within(0, 1);
      expect(v.beatsBaselines).to.equal(v.reco['ndcg@10'] > v.baseline['ndcg@10']);
    }
    expect(result.crossSell.list).to.equal('cross-sell');
    expect(result.crossSell.bestBaseline).to.be.oneOf(['popularity', 'itemKnn']);
    expect(result.buyAgain.bestBaseline).to.be.oneOf(['popularity', 'itemKnn', 'ownHistory', 'ownHistoryRecency', 'ownHistoryRecencyFrequency']);
    const [cross, buy] = result.verdict.split('\n');
    expect(cross).to.match(expectedVerdict(result.crossSell));
    expect(buy).to.match(expectedVerdict(result.buyAgain));

    // humans get the windows, one table per list with Reco first, then the verdict
    expect(ux.log.firstCall.args[0]).to.include(`tested on ${result.windows.testFrom}`);
    type Table = { title: string; data: Array<{ Method: string; Accounts: number }> };
    const tables = ux.table.args.map((a: unknown[]) => a[0] as Table);
    expect(tables.map((t: Table) => t.title)).to.deep.equal(['cross-sell: top 10 per account', 'buy-again: top 10 per account']);
    expect(tables[0].data[0]).to.include({ Method: 'Reco', Accounts: result.crossSell.reco.users });
    expect(tables[0].data.map((r: { Method: string }) => r.Method)).to.include(result.crossSell.bestBaseline);
    expect(ux.log.lastCall.args[0]).to.equal(result.verdict);
    expect(spinner.start.calledOnce).to.equal(true);
    expect(spinner.stop.calledOnceWithExactly()).to.equal(true);
  });

  it('says it cannot evaluate an org without won orders, and what to check', async () => {
    const empty = await startRecoOrg();
    try {
      $$.fakeConnectionRequest = forwardTo(empty);
      const e = await failureOf(RecoEvaluate.run(argv('empty', '--json')));
      expect(e.name).to.equal('CannotEvaluateError');
      expect(e.message).to.include('no won opportunity lines');
      expect(e.actions?.join('\n')).to.include('sf reco org check');
      expect(spinner.stop.firstCall.args).to.deep.equal(['failed']);
    } finally {
      await empty.close();
    }
  });

  it('keeps the org error code and says what to do when the API limit stops the read', async () => {
    const fwd = forwardTo(seeded.org);
    $$.fakeConnectionRequest = (request: unknown) =>
      soqlOf(request).includes('FROM OpportunityLineItem')
        ? Promise.reject(orgError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'))
        : fwd(request);
    const e = await failureOf(RecoEvaluate.run(argv('limit')));
    expect(e.name).to.equal('REQUEST_LIMIT_EXCEEDED');
    expect(e.message).to.include('TotalRequests Limit exceeded');
    expect(e.exitCode).to.equal(1);
    expect(e.actions?.join('\n')).to.include('sf org list limits');
  });
});
