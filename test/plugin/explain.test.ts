import { join } from 'node:path';
import { expect } from 'chai';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import type { LocalOrg } from '@reco/local-org';
import { openMirror } from '@reco/sync-server/mirror/db.js';
import { runPipeline } from '@reco/sync-server/pipeline/run-pipeline.js';
import RecoRecommendExplain from '../../plugin/src/commands/reco/recommend/explain.js';
import { connectionTo, failureOf, forwardTo, startSeededOrg, type CommandError, type SeededOrg } from './fake-org.js';
type Row = { account: string; accountId: string; productId: string; code: string; kind: string; score: number };

describe('sf reco recommend explain (unit)', function () {
  this.timeout(120_000);
  const $$ = new TestContext();
  const testOrg = new MockTestOrgData();
  let seeded: SeededOrg;
  let org: LocalOrg;
  let ux: ReturnType<typeof stubSfCommandUx>;
  let top: Row;

  const args = (account: string, product: string, dataDir = join(seeded.dataRoot, 'cli')): string[] => [
    '--target-org', testOrg.username, '--account', account, '--product', product, '--data-dir', dataDir,
  ];
  const expectError = async (argv: string[], name: string): Promise<CommandError> => {
    const e = await failureOf(RecoRecommendExplain.run(argv));
    expect(e.name, e.message).to.equal(name);
    return e;
  };

  before(async () => {
    seeded = await startSeededOrg(40);
    org = seeded.org;
    // One pipeline run puts recommendations in the org; explain must agree with what it wrote.
    const mirror = openMirror(join(seeded.dataRoot, 'pipeline'));
    try {
      expect((await runPipeline({ connection: connectionTo(org), mirror }, { kind: 'Full' })).status).to.equal('Succeeded');
    } finally {
      mirror.close();
    }
    top = org.store.db
      .prepare(
        'SELECT a.Name AS account, a.Id AS accountId, p.Id AS productId, p.ProductCode AS code, r.Kind__c AS kind, r.Score__c AS score ' +
          'FROM Product_Recommendation__c r JOIN Account a ON a.Id = r.Account__c JOIN Product2 p ON p.Id = r.Product__c ' +
          'WHERE r.Rank__c = 1 AND r.IsDeleted = 0 ORDER BY a.Name LIMIT 1',
      )
      .get() as Row;
  });
  after(() => seeded?.close());
  beforeEach(async () => {
    await $$.stubAuths(testOrg);
    ux = stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
  });
  afterEach(() => $$.restore());

  it('explains a top recommendation with its rank, score parts and reason, by account name and product code', async () => {
    $$.fakeConnectionRequest = forwardTo(org);
    const result = await RecoRecommendExplain.run(args(top.account, top.code));

    expect(result.account).to.deep.equal({ id: top.accountId, name: top.account });
    expect(result.product).to.include({ id: top.productId, code: top.code });
    expect(result).to.include({ kind: top.kind, recommended: true, rank: 1, removedBy: null });
    expect(result.score).to.be.closeTo(top.score, 1e-3);
    expect(result.reason).to.be.a('string').and.have.length.greaterThan(10);
    expect(Object.keys(result.parts).length).to.be.greaterThan(1);
    expect(Object.values(result.parts).every(Number.isFinite)).to.equal(true);
    expect(result.verdict).to.equal(`Recommended as ${top.kind}, rank 1.`);

    expect(ux.styledHeader.firstCall.args[0]).to.equal(`${result.product.name} (${top.code}) for ${top.account}`);
    const lines: string[] = ux.log.args.map((a: unknown[]) => String(a[0]));
    expect(lines).to.include(result.verdict);
    expect(lines.some((l) => /^Chance of an order in the next 3 months: (about \d+%|under 1%)$/.test(l)), lines.join('\n')).to.equal(true);
    // Plain words by default: no model feature names and no raw parts table without --verbose.
    expect(result.drivers.length).to.be.greaterThan(0);
    for (const l of lines) expect(l).to.not.match(/ranker\.|logAdopt|cfXBreadth|repeatRate/);
    expect(ux.table.callCount).to.equal(0);
  });

  it('shows the raw score parts under their feature names only with --verbose', async () => {
    $$.fakeConnectionRequest = forwardTo(org);
    const result = await RecoRecommendExplain.run([...args(top.account, top.code), '--verbose']);
    const table = ux.table.firstCall.args[0] as { title: string; data: Array<{ Part: string; Value: number }> };
    expect(table.title).to.equal('Score parts');
    expect(table.data.map((r) => r.Part)).to.deep.equal(Object.keys(result.parts));
  });

  it('names the business rule that removed a product a rep dismissed', async () => {
    const rec = org.store.db
      .prepare('SELECT Id FROM Product_Recommendation__c WHERE Account__c = ? AND Product__c = ? AND IsDeleted = 0')
      .get(top.accountId, top.productId) as { Id: string };
    await connectionTo(org).sobject('Product_Recommendation__c').update({ Id: rec.Id, Status__c: 'Dismissed' });
    $$.fakeConnectionRequest = forwardTo(org);

    // A new mirror: an incremental read skips the running user's own edits (those are Reco's writes), and
    // here the same user made the dismissal a rep would make.
    const result = await RecoRecommendExplain.run([...args(top.accountId, top.productId, join(seeded.dataRoot, 'fresh')), '--json']);
    expect(result).to.include({ recommended: false, rank: null, removedBy: 'dismissed' });
    expect(result.verdict).to.equal('Not recommended: a rep dismissed it for this account.');
  });

  it('fails before reading the org history when the product does not exist', async () => {
    const fwd = forwardTo(org);
    $$.fakeConnectionRequest = fwd;
    const e = await expectError(args(top.account, 'NO-SUCH-CODE'), 'ProductNotFoundError');
    expect(e.message).to.include('NO-SUCH-CODE');
    expect(e.actions?.join('\n')).to.include('01t');
    expect(fwd.calls.filter((c) => c.includes('/queryAll')), 'no extraction').to.deep.equal([]);
  });

  it('fails with an actionable error when the account does not exist', async () => {
    $$.fakeConnectionRequest = forwardTo(org);
    const e = await expectError(args('No Such Customer', top.code), 'AccountNotFoundError');
    expect(e.message).to.include('No Such Customer');
    expect(e.actions?.length).to.be.greaterThan(0);
  });

  it('says an account without history is not modelled, and where to look', async () => {
    await connectionTo(org).sobject('Account').create({ Name: 'Brand New Prospect' });
    $$.fakeConnectionRequest = forwardTo(org);
    const e = await expectError(args('Brand New Prospect', top.code), 'NotModelledError');
    expect(e.message).to.include('Brand New Prospect').and.include('account');
    expect(e.actions?.join('\n')).to.include('sf reco org check');
  });

  it('requires --product', async () => {
    $$.fakeConnectionRequest = forwardTo(org);
    const e = await failureOf(RecoRecommendExplain.run(['--target-org', testOrg.username, '--account', top.account]));
    expect(e.message).to.include('Missing required flag product');
    expect(e.exitCode).to.equal(2);
  });
});
