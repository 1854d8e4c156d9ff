import { expect } from 'chai';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import RecoRecommendShow from '../../plugin/src/commands/reco/recommend/show.js';
import RecoSegmentsList from '../../plugin/src/commands/reco/segments/list.js';
import RecoStatus from '../../plugin/src/commands/reco/status.js';
import { envelope, failureOf, orgError, soqlOf } from './fake-org.js';


describe('sf reco recommend show / segments list / status (unit)', () => {
  const $$ = new TestContext();
  const testOrg = new MockTestOrgData();
  let ux: ReturnType<typeof stubSfCommandUx>;
  let queries: string[];

  beforeEach(async () => {
    await $$.stubAuths(testOrg);
    ux = stubSfCommandUx($$.SANDBOX);
    queries = [];
  });
  afterEach(() => $$.restore());

  it('resolves an account by name and returns its open recommendations in rank order', async () => {
    $$.fakeConnectionRequest = (request) => {
      const soql = soqlOf(request);
      queries.push(soql);
      if (soql.startsWith('SELECT Id, Name FROM Account')) return Promise.resolve(envelope([{ Id: '001000000000001AAA', Name: "O'Brien Ltd" }]));
      if (soql.includes('FROM Product_Recommendation__c')) {
        return Promise.resolve(
          envelope([
            { Id: 'a03000000000001AAA', Kind__c: 'Buy again', Rank__c: 1, Next_Best_Rank__c: 2, Product__c: '01t000000000001AAA', Product__r: { Name: 'Lantern', ProductCode: 'LNT-1' }, Score__c: 0.91, Confidence__c: 'High', Expected_Revenue__c: 120.5, Status__c: 'New', Reason__c: 'ordered 6 times, about every 45 days' },
            // Written before scores were calibrated: "High" beside a 6% chance must not reach the rep.
            { Id: 'a03000000000002AAA', Kind__c: 'Buy again', Rank__c: 2, Product__c: '01t000000000002AAA', Product__r: { Name: 'Candle', ProductCode: 'CND-2' }, Score__c: 0.064, Confidence__c: 'High', Expected_Revenue__c: 3.1, Status__c: 'New', Reason__c: 'ordered 4 times' },
          ]),
        );
      }
      return Promise.reject(new Error(`unexpected request ${soqlOf(request)}`));
    };
    const result = await RecoRecommendShow.run(['--target-org', testOrg.username, '--account', "O'Brien Ltd", '--kind', 'buy-again']);
    expect(result.account).to.deep.equal({ id: '001000000000001AAA', name: "O'Brien Ltd" });
    expect(result.recommendations).to.have.length(2);
    expect(result.recommendations[0]).to.include({ product: 'Lantern', productCode: 'LNT-1', kind: 'Buy again', rank: 1, confidence: 'High' });
    expect(result.recommendations[1]).to.include({ product: 'Candle', confidence: 'Low', nextBestRank: null });
    expect(result.recommendations[0].nextBestRank).to.equal(2);
    // the name is escaped, the kind filter and the open-status filter are applied
    const byName = queries.find((q) => q.startsWith('SELECT Id, Name FROM Account'));
    const recs = queries.find((q) => q.includes('FROM Product_Recommendation__c'));
    expect(byName).to.include("Name = 'O\\'Brien Ltd'");
    expect(recs).to.include("Kind__c = 'Buy again'").and.include("Status__c IN ('New', 'Accepted')");
    expect(recs).to.include('ORDER BY Next_Best_Rank__c ASC NULLS LAST, Kind__c, Rank__c ASC NULLS LAST');
    expect(ux.table.firstCall.args[0].data[0]).to.include({ 'Next best': 2, Product: 'Lantern', Code: 'LNT-1', 'Chance (3 months)': '91%', Confidence: 'High' });
    expect(ux.table.firstCall.args[0].data[1]).to.include({ Code: 'CND-2', 'Chance (3 months)': '6%', Confidence: 'Low' });
  });

  it('fails with an actionable error when the account name is ambiguous', async () => {
    $$.fakeConnectionRequest = () =>
      Promise.resolve(envelope([{ Id: '001000000000001AAA', Name: 'Acme' }, { Id: '001000000000002AAA', Name: 'Acme' }]));
    const e = await failureOf(RecoRecommendShow.run(['--target-org', testOrg.username, '--account', 'Acme']));
    expect(e.name).to.equal('AccountAmbiguousError');
    expect(e.message).to.include('001000000000001AAA').and.include('001000000000002AAA');
    expect(e.actions?.join(' ')).to.include('--account');
  });

  it('fails with an actionable error when the account does not exist', async () => {
    $$.fakeConnectionRequest = () => Promise.resolve(envelope([]));
    const e = await failureOf(RecoRecommendShow.run(['--target-org', testOrg.username, '--account', '001000000000009AAA']));
    expect(e.name).to.equal('AccountNotFoundError');
    expect(e.message).to.include('001000000000009AAA');
  });

  it('turns a missing Reco object into an error that says what to deploy', async () => {
    $$.fakeConnectionRequest = () => Promise.reject(orgError('INVALID_TYPE', "sObject type 'Customer_Segment__c' is not supported."));
    const e = await failureOf(RecoSegmentsList.run(['--target-org', testOrg.username]));
    expect(e.name).to.equal('RecoObjectsMissingError');
    expect(e.actions?.join('\n')).to.include('sf project deploy start');
  });

  it('tells the admin to log in again when the org refuses the session', async () => {
    $$.fakeConnectionRequest = () => Promise.reject(orgError('INVALID_SESSION_ID', 'Session expired or invalid'));
    const e = await failureOf(RecoStatus.run(['--target-org', testOrg.username]));
    expect(e.name).to.equal('INVALID_SESSION_ID');
    expect(e.message).to.equal('Session expired or invalid');
    expect(e.actions?.join('\n')).to.include('sf org login');
  });

  it('says when no segments have been computed yet, instead of an empty table', async () => {
    $$.fakeConnectionRequest = () => Promise.resolve(envelope([]));
    const result = await RecoSegmentsList.run(['--target-org', testOrg.username]);
    expect(result.segments).to.deep.equal([]);
    expect(ux.table.called).to.equal(false);
    expect(ux.log.firstCall.args[0]).to.include('sf reco sync run');
  });

  it('lists segments largest first and runs newest first', async () => {
    $$.fakeConnectionRequest = (request) => {
      const soql = soqlOf(request);
      queries.push(soql);
      if (soql.includes('FROM Customer_Segment__c')) {
        const rows = [
          { Name: 'Champions', Key__c: 'champions', Account_Count__c: 412, Description__c: 'ordered 9 times in 90 days', Active__c: true },
          { Name: 'Hibernating', Key__c: 'hibernating', Account_Count__c: 0, Description__c: 'ordered once, 300 days ago', Active__c: false },
        ];
        return Promise.resolve(envelope(soql.includes('WHERE Active__c = true') ? rows.filter((r) => r.Active__c) : rows));
      }
      return Promise.resolve(
        envelope([{ Name: 'RUN-000002', Kind__c: 'Incremental', Status__c: 'Partial', Started_At__c: '2026-11-23T10:00:00.000+0000', Finished_At__c: null, Records_Read__c: 10, Records_Written__c: 8, Records_Failed__c: 2, Api_Calls__c: 5, Error__c: null }]),
      );
    };
    const seg = await RecoSegmentsList.run(['--target-org', testOrg.username]);
    expect(seg.segments).to.deep.equal([{ key: 'champions', name: 'Champions', accounts: 412, description: 'ordered 9 times in 90 days', active: true }]);
    const all = await RecoSegmentsList.run(['--target-org', testOrg.username, '--include-retired']);
    expect(all.segments.map((s) => [s.key, s.active])).to.deep.equal([['champions', true], ['hibernating', false]]);
    const table = ux.table.lastCall.args[0] as { data: Array<Record<string, unknown>> };
    expect(table.data[1]).to.include({ Segment: 'Hibernating', Status: 'Retired' });
    const status = await RecoStatus.run(['--target-org', testOrg.username, '--limit', '5']);
    expect(status.source).to.equal('org');
    expect(status.runs[0]).to.include({ name: 'RUN-000002', status: 'Partial', recordsFailed: 2 });
    expect(queries.find((q) => q.includes('FROM Reco_Run__c'))).to.match(/ORDER BY Started_At__c DESC NULLS LAST LIMIT 5$/);
  });
});
