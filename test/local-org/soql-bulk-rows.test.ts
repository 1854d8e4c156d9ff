import { expect } from 'chai';
import { createQueryEngine } from '../../local-org/src/soql/engine.js';
import { SfApiError } from '../../local-org/src/types.js';
import { testOrg, type TestOrg } from './soql-fixture.js';

describe('soql engine: flat rows for Bulk 2.0 query jobs', () => {
  let org: TestOrg;
  const ids: Record<string, string> = {};
  before(() => {
    org = testOrg();
    ids.ann = org.add('User', { Name: 'Ann' });
    ids.acme = org.add('Account', { Name: 'Acme', OwnerId: ids.ann, Active__c: true, AnnualRevenue: 12.5 });
    ids.beta = org.add('Account', { Name: 'Beta' });
    ids.gone = org.add('Account', { Name: 'Gone', IsDeleted: true });
    ids.opp = org.add('Opportunity', { Name: 'Big', AccountId: ids.acme, CloseDate: '2024-01-02' });
  });
  after(() => org.close());

  it('yields columns in query order with dotted relationship columns and typed cells', () => {
    const engine = createQueryEngine(org);
    const out = engine.rows('SELECT id, Name, owner.name, Active__c, AnnualRevenue, CreatedDate FROM Account ORDER BY Name', { scanAll: false });
    expect(out.columns).to.deep.equal(['Id', 'Name', 'Owner.Name', 'Active__c', 'AnnualRevenue', 'CreatedDate']);
    expect([...out.rows]).to.deep.equal([
      [ids.acme, 'Acme', 'Ann', true, 12.5, '2024-05-15T10:30:00.000Z'],
      [ids.beta, 'Beta', null, false, null, '2024-05-15T10:30:00.000Z'],
    ]);
    expect(engine.rows('SELECT Name, Account.Owner.Name, CloseDate FROM Opportunity', { scanAll: false }).columns).to.deep.equal([
      'Name', 'Account.Owner.Name', 'CloseDate',
    ]);
  });

  it('includes deleted rows for queryAll jobs', () => {
    const engine = createQueryEngine(org);
    expect([...engine.rows("SELECT Name FROM Account WHERE Name = 'Gone'", { scanAll: true }).rows]).to.deep.equal([['Gone']]);
    expect([...engine.rows("SELECT Name FROM Account WHERE Name = 'Gone'", { scanAll: false }).rows]).to.deep.equal([]);
  });

  it('rejects aggregates, GROUP BY, OFFSET, sub-queries and TYPEOF like Bulk 2.0', () => {
    const engine = createQueryEngine(org);
    for (const soql of [
      'SELECT COUNT() FROM Account',
      'SELECT Name, COUNT(Id) FROM Account GROUP BY Name',
      'SELECT Name FROM Account GROUP BY Name',
      'SELECT Name FROM Account LIMIT 5 OFFSET 1',
      'SELECT Name, (SELECT Name FROM Opportunities) FROM Account',
      'SELECT TYPEOF Owner WHEN User THEN Name END FROM Account',
    ]) {
      try {
        engine.rows(soql, { scanAll: false });
        expect.fail(`accepted ${soql}`);
      } catch (e) {
        expect(e, soql).to.be.instanceOf(SfApiError);
        expect((e as SfApiError).status).to.equal(400);
        expect((e as SfApiError).errors[0].errorCode).to.equal('FEATURENOTENABLED');
      }
    }
    try {
      engine.rows('SELECT Nope FROM Account', { scanAll: false });
      expect.fail('accepted');
    } catch (e) {
      expect((e as SfApiError).errors[0].errorCode).to.equal('INVALID_FIELD');
    }
  });
});
