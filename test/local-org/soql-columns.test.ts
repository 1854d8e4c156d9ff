// GET /query?q=…&columns=true, the call `sf data query` makes after every query that found rows: the shapes
// below are the ones plugin-data's recorded fixtures show (queryFields.exemplars.ts) and its
// recursivelyFindColumns reads (salesforce-deploy-facts.md §5, facts 56-59).
import { expect } from 'chai';
import { createQueryEngine, type QueryEngine } from '../../local-org/src/soql/engine.js';
import { SfApiError } from '../../local-org/src/types.js';
import { startTestOrg, tokenConnection } from './http-fixture.js';
import { testOrg, type TestOrg } from './soql-fixture.js';

const plain = { aggregate: false, booleanType: false, custom: false, foreignKeyName: null, joinColumns: [], numberType: false };

describe('soql engine: query column metadata (columns=true)', () => {
  let org: TestOrg;
  let engine: QueryEngine;

  before(() => {
    org = testOrg();
    engine = createQueryEngine(org);
  });
  after(() => org.close());

  it('describes plain fields with their type flags and entity', () => {
    const cols = engine.columns('SELECT Id, name, AnnualRevenue, Active__c FROM Account');
    expect(cols).to.deep.include({ entityName: 'Account', groupBy: false, idSelected: true, keyPrefix: '001' });
    expect(cols.columnMetadata).to.deep.equal([
      { ...plain, apexType: 'Id', columnName: 'Id', displayName: 'Id', insertable: true, textType: false, updatable: true },
      { ...plain, apexType: 'String', columnName: 'Name', displayName: 'Name', insertable: true, textType: true, updatable: true },
      { ...plain, apexType: 'Decimal', columnName: 'AnnualRevenue', displayName: 'AnnualRevenue', insertable: true, numberType: true, textType: false, updatable: true },
      { ...plain, apexType: 'Boolean', booleanType: true, columnName: 'Active__c', custom: true, displayName: 'Active__c', insertable: true, textType: false, updatable: true },
    ]);
    expect(engine.columns('SELECT Name FROM Account').idSelected).to.equal(false);
  });

  it('nests parent fields under the relationship and child sub-queries as aggregate columns', () => {
    const cols = engine.columns('SELECT Name, Owner.Name, (SELECT LastName, Account.Owner.Alias FROM Contacts) FROM Account');
    const [, owner, contacts] = cols.columnMetadata;
    expect(owner).to.deep.include({ columnName: 'Owner', displayName: 'Owner', foreignKeyName: 'OwnerId', apexType: null, aggregate: false });
    expect(owner.joinColumns.map((c) => c.columnName)).to.deep.equal(['Name']);
    expect(contacts).to.deep.include({ columnName: 'Contacts', aggregate: true, apexType: null, foreignKeyName: null });
    expect(contacts.joinColumns.map((c) => c.columnName)).to.deep.equal(['LastName', 'Account']);
    expect(contacts.joinColumns[1].joinColumns[0]).to.deep.include({ columnName: 'Owner', foreignKeyName: 'OwnerId' });
    expect(contacts.joinColumns[1].joinColumns[0].joinColumns.map((c) => c.columnName)).to.deep.equal(['Alias']);
    const custom = engine.columns('SELECT Account__r.Name FROM Product_Recommendation__c').columnMetadata[0];
    expect(custom).to.deep.include({ columnName: 'Account__r', foreignKeyName: 'Account__c', custom: true });
  });

  it('names aggregate functions exprN with a lower-case display name, aliases as given', () => {
    const cols = engine.columns('SELECT StageName, AVG(amount), COUNT(Id) n, MAX(CloseDate) FROM Opportunity GROUP BY StageName');
    expect(cols).to.deep.include({ entityName: 'Opportunity', groupBy: true, idSelected: false });
    expect(cols.columnMetadata.map((c) => [c.columnName, c.displayName, c.aggregate, c.apexType, c.numberType])).to.deep.equal([
      ['StageName', 'StageName', false, 'String', false],
      ['expr0', 'avg(Amount)', true, null, true],
      ['n', 'count(Id)', true, null, true],
      ['expr1', 'max(CloseDate)', true, null, false],
    ]);
    expect(engine.columns('SELECT COUNT() FROM Account')).to.deep.equal({ columnMetadata: [], entityName: 'Account', groupBy: false, idSelected: false, keyPrefix: '001' });
  });

  it('refuses what the query itself would refuse', () => {
    expect(() => engine.columns('SELECT Nope FROM Account')).to.throw(SfApiError, /No such column 'Nope'/);
    expect(() => engine.columns('SELECT Id FROM Nowhere')).to.throw(SfApiError, /sObject type 'Nowhere' is not supported/);
  });
});

describe('local-org HTTP: columns=true and tooling queries', () => {
  it('serves the column metadata on /query and refuses tooling queries as INVALID_TYPE', async () => {
    const org = await startTestOrg();
    try {
      const conn = tokenConnection(org);
      const soql = 'SELECT Id, Owner.Name FROM Account';
      const res = await conn.request<{ columnMetadata: { columnName: string }[]; entityName: string; keyPrefix: string }>(
        `/services/data/v62.0/query?q=${encodeURIComponent(soql)}&columns=true`,
      );
      expect(res.entityName).to.equal('Account');
      expect(res.columnMetadata.map((c) => c.columnName)).to.deep.equal(['Id', 'Owner']);
      const err = await conn.request(`/services/data/v62.0/tooling/query?q=${encodeURIComponent('SELECT Id FROM ApexClass')}`).then(
        () => undefined,
        (e: Error & { errorCode?: string }) => e,
      );
      expect(err?.errorCode).to.equal('INVALID_TYPE');
      expect(err?.message).to.include("sObject type 'ApexClass' is not supported");
    } finally {
      await org.close();
    }
  });
});
