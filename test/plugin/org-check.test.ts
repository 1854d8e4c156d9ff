import { expect } from 'chai';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import RecoOrgCheck from '../../plugin/src/commands/reco/org/check.js';
import { SOURCE_OBJECTS } from '../../sync-server/src/extract/objects.js';
import { RECO_OBJECTS } from '../../sync-server/src/writeback/reco-objects.js';
import { envelope, orgError, soqlOf, urlOf } from './fake-org.js';

const describeOf = (name: string, fields: string[]): object => ({
  name,
  queryable: true,
  createable: true,
  updateable: true,
  fields: fields.map((f) => ({ name: f, createable: true, updateable: true })),
});

// What the org's /services/oauth2/userinfo says about the token: deliberately another user than the one sf
// stored, so a test can tell which of the two the command believed.
const ME = { user_id: '005000000000042AAA', preferred_username: 'rep.from.token@example.com', organization_id: '00D000000000001AAA' };
const userinfo = (request: unknown): Promise<never> | undefined => (urlOf(request).endsWith('/services/oauth2/userinfo') ? Promise.resolve(ME as never) : undefined);

describe('sf reco org check (unit)', () => {
  const $$ = new TestContext();
  const testOrg = new MockTestOrgData();

  let ux: ReturnType<typeof stubSfCommandUx>;

  beforeEach(async () => {
    await $$.stubAuths(testOrg);
    ux = stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
  });
  afterEach(() => $$.restore());

  it('fails with the fixes as actions when Reco is not deployed and the history is thin', async () => {
    const sources = new Map(SOURCE_OBJECTS.map((o) => [o.name, o.fields]));
    $$.fakeConnectionRequest = (request: unknown) => {
      const me = userinfo(request);
      if (me) return me;
      const described = /\/sobjects\/([A-Za-z0-9_]+)\/describe/.exec(urlOf(request))?.[1];
      if (described) {
        const fields = sources.get(described);
        // Reco's objects are not deployed: describe answers NOT_FOUND, as a real org does.
        if (!fields || described.endsWith('__c')) {
          return Promise.reject(orgError('NOT_FOUND', 'The requested resource does not exist'));
        }
        return Promise.resolve(describeOf(described, fields) as never);
      }
      const soql = soqlOf(request);
      if (soql.includes('COUNT_DISTINCT(AccountId)')) return Promise.resolve(envelope([{ n: 12 }]));
      if (soql.includes('MIN(CloseDate)')) return Promise.resolve(envelope([{ firstClose: '2026-01-01', lastClose: '2026-03-01' }]));
      // no permission sets, no activities, nothing else
      return Promise.resolve(envelope([]));
    };
    try {
      await RecoOrgCheck.run(['--target-org', testOrg.username, '--json']);
      expect.fail('should have thrown');
    } catch (err) {
      const e = err as Error & { actions?: string[]; data?: { ready: boolean; problems: Array<{ object: string }>; readiness: Array<{ model: string; have: number; need: number; ready: boolean }>; warnings: Array<{ object: string }> } };
      expect(e.name, String((e as { cause?: Error }).cause?.stack ?? e.stack)).to.equal('NotReadyError');
      expect(e.data?.ready).to.equal(false);
      // every Reco object and every permission set is reported missing
      const missing = new Set(e.data?.problems.map((p) => p.object));
      for (const o of ['Product_Recommendation__c', 'Account_Insight__c', 'Customer_Segment__c', 'Reco_Run__c', 'Reco_Admin', 'Reco_Sales_Rep', 'Reco_Integration']) {
        expect(missing.has(o), o).to.equal(true);
      }
      // 12 accounts and 59 days of history are below the segmentation and churn minimums
      const seg = e.data?.readiness.find((r) => r.model === 'segmentation');
      expect(seg).to.include({ have: 12, ready: false });
      expect(e.data?.readiness.find((r) => r.model === 'churn' && r.need === 180)).to.include({ have: 59, ready: false });
      expect(e.data?.warnings.some((w) => w.object === 'Task, Event')).to.equal(true);
      expect(e.actions?.join('\n')).to.include('sf project deploy start').and.include('segmentation needs more history');
    }
  });

  /** A deployed org with enough history; `omit` drops a field from every describe (CurrencyIsoCode, say). */
  function fakeDeployedOrg(omit?: string): void {
    // every field Reco reads or writes, as a deployed org describes it
    const fields = new Map<string, string[]>();
    for (const o of SOURCE_OBJECTS) fields.set(o.name, o.fields.filter((f) => f !== omit));
    for (const o of RECO_OBJECTS) fields.set(o.name, [...(fields.get(o.name) ?? []), o.externalId, ...o.fields, ...(o.createOnly ?? [])]);
    const rows = (n: number): object[] => Array.from({ length: n }, (_, i) => ({ expr0: i }));
    $$.fakeConnectionRequest = (request: unknown) => {
      const me = userinfo(request);
      if (me) return me;
      const described = /\/sobjects\/([A-Za-z0-9_]+)\/describe/.exec(urlOf(request))?.[1];
      if (described) return Promise.resolve(describeOf(described, fields.get(described) ?? []) as never);
      const soql = soqlOf(request);
      // Only the token's own user holds Reco_Admin: asking about anyone else finds nothing.
      if (soql.includes('FROM PermissionSetAssignment')) {
        return Promise.resolve(envelope(soql.includes(`AssigneeId = '${ME.user_id}'`) ? [{ PermissionSet: { Name: 'Reco_Admin' } }] : []));
      }
      if (soql.includes('FROM PermissionSet')) return Promise.resolve(envelope(['Reco_Admin', 'Reco_Sales_Rep', 'Reco_Integration'].map((Name, i) => ({ Id: `0PS00000000000${i}AAA`, Name }))));
      if (soql.includes('COUNT_DISTINCT(AccountId)')) return Promise.resolve(envelope([{ n: 400 }]));
      if (soql.includes('COUNT_DISTINCT(Product2Id) n')) return Promise.resolve(envelope([{ n: 300 }]));
      // An org with more multi-product orders than the query returns: it stops at its LIMIT.
      if (soql.includes('GROUP BY OpportunityId')) return Promise.resolve(envelope(rows(soql.endsWith('LIMIT 2000') ? 2000 : 5000)));
      if (soql.includes('GROUP BY AccountId')) return Promise.resolve(envelope(rows(60)));
      if (soql.includes('MIN(CloseDate)')) return Promise.resolve(envelope([{ firstClose: '2025-01-01', lastClose: '2026-02-05' }]));
      if (soql === 'SELECT COUNT() FROM Task') return Promise.resolve({ totalSize: 12, done: true, records: [] } as never);
      return Promise.resolve(envelope([]));
    };
  }

  it('passes a deployed org with enough history, and shows permission sets and readiness', async () => {
    fakeDeployedOrg();
    const result = await RecoOrgCheck.run(['--target-org', testOrg.username]);

    expect(result.ready).to.equal(true);
    expect(result.problems).to.deep.equal([]);
    expect(result.activities).to.deep.equal({ tasks: 12, events: 0 });
    expect(result.permissionSets).to.deep.equal([
      { name: 'Reco_Admin', present: true, assignedToYou: true },
      { name: 'Reco_Sales_Rep', present: true, assignedToYou: false },
      { name: 'Reco_Integration', present: true, assignedToYou: false },
    ]);
    expect(result.readiness.map((r) => [r.model, r.have, r.ready])).to.deep.equal([
      ['segmentation', 400, true],
      ['cross-sell', 2000, true],
      ['cross-sell', 300, true],
      ['buy-again', 60, true],
      ['churn', 400, true],
      ['churn', 400, true],
    ]);
    const titles = ux.table.args.map((a: unknown[]) => (a[0] as { title: string }).title);
    expect(titles).to.deep.equal(['Permission sets', 'Data readiness']);
    // the user is the one the token belongs to, not what sf stored as the login's username
    expect(result.username).to.equal(ME.preferred_username);
    expect(ux.logSuccess.firstCall.args[0]).to.include(ME.preferred_username);
    // A capped count reads as a floor, and counts carry thousands separators.
    expect(result.readiness.map((r) => r.atLeast)).to.deep.equal([false, true, false, false, false, false]);
    const shown = (ux.table.args[1][0] as { data: Array<{ Measure: string; Have: string }> }).data;
    expect(shown.map((r) => r.Have)).to.deep.equal(['400', '2,000+', '300', '60', '400', '400']);
  });

  it('tells a single-currency org there is nothing to do about CurrencyIsoCode, as a note, not a warning', async () => {
    fakeDeployedOrg('CurrencyIsoCode');
    const result = await RecoOrgCheck.run(['--target-org', testOrg.username]);

    expect(result.ready).to.equal(true);
    expect(result.warnings).to.deep.equal([]);
    const withCurrency = SOURCE_OBJECTS.filter((o) => o.fields.includes('CurrencyIsoCode')).map((o) => o.name);
    expect(withCurrency.length).to.be.greaterThan(0);
    expect(result.notes.map((n) => `${n.object}.${n.field}`)).to.deep.equal(withCurrency.map((o) => `${o}.CurrencyIsoCode`));
    expect(result.notes.every((n) => n.problem === 'single-currency org' && n.fix.startsWith('nothing to do'))).to.equal(true);
    const shown = (ux.table.args[0][0] as { title: string; data: Array<{ Severity: string }> });
    expect(shown.data.map((r) => r.Severity)).to.deep.equal(withCurrency.map(() => 'info'));
  });
});
