import { expect } from 'chai';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx, stubSpinner } from '@salesforce/sf-plugins-core';
import RecoOrgCheck from '../../plugin/src/commands/reco/org/check.js';
import { SOURCE_OBJECTS } from '../../sync-server/src/extract/objects.js';
import { envelope, orgError, soqlOf, urlOf } from './fake-org.js';


const describeOf = (name: string, fields: string[]): object => ({
  name,
  queryable: true,
  createable: true,
  updateable: true,
  fields: fields.map((f) => ({ name: f, createable: true, updateable: true })),
});

describe('sf reco org check (unit)', () => {
  const $$ = new TestContext();
  const testOrg = new MockTestOrgData();

  beforeEach(async () => {
    await $$.stubAuths(testOrg);
    stubSfCommandUx($$.SANDBOX);
    stubSpinner($$.SANDBOX);
  });
  afterEach(() => $$.restore());

  it('fails with the fixes as actions when Reco is not deployed and the history is thin', async () => {
    const sources = new Map(SOURCE_OBJECTS.map((o) => [o.name, o.fields]));
    $$.fakeConnectionRequest = (request: unknown) => {
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
});
