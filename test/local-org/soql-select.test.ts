import { expect } from 'chai';
import { createQueryEngine, type QueryEngine } from '../../local-org/src/soql/engine.js';
import { SfApiError } from '../../local-org/src/types.js';
import { testOrg, type TestOrg } from './soql-fixture.js';

const V = '58.0';
const url = (type: string, id: string): string => `/services/data/v${V}/sobjects/${type}/${id}`;
const attrs = (type: string, id: string) => ({ type, url: url(type, id) });

function sfError(fn: () => unknown): SfApiError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(SfApiError);
    return e as SfApiError;
  }
  throw new Error('expected an SfApiError');
}

describe('soql engine: SELECT, relationships, filters, order', () => {
  let org: TestOrg;
  let engine: QueryEngine;
  const ids: Record<string, string> = {};
  const q = (soql: string, scanAll = false) => engine.query(soql, { scanAll, apiVersion: V });

  before(() => {
    org = testOrg();
    ids.ann = org.add('User', { Name: 'Ann Lee', Alias: 'ann' });
    ids.acme = org.add('Account', { Name: 'Acme', Industry: 'Tech', OwnerId: ids.ann, Regions__c: 'EU;US', AnnualRevenue: 5000, Active__c: true });
    ids.beta = org.add('Account', { Name: 'beta', Industry: null, Regions__c: 'APAC', NumberOfEmployees: 12 });
    ids.gone = org.add('Account', { Name: 'Gone', IsDeleted: true });
    ids.acmeChild = org.add('Account', { Name: "O'Brien & Co", ParentId: ids.acme, Industry: 'Retail' });
    ids.big = org.add('Opportunity', { Name: 'Big', AccountId: ids.acme, StageName: 'Prospecting', Amount: 1300, CloseDate: '2024-05-01', OwnerId: ids.ann });
    ids.small = org.add('Opportunity', { Name: 'Small', StageName: 'Closed Won', Amount: 10.5, CloseDate: '2023-01-01', IsWon: true });
    ids.prod = org.add('Product2', { Name: 'Mug', Family: 'Kitchen' });
    ids.pbe = org.add('PricebookEntry', { Name: 'Mug', UnitPrice: 4.5, Product2Id: ids.prod });
    ids.oli1 = org.add('OpportunityLineItem', { OpportunityId: ids.big, PricebookEntryId: ids.pbe, Quantity: 2, UnitPrice: 4.5 });
    ids.oli2 = org.add('OpportunityLineItem', { OpportunityId: ids.big, Quantity: 7, UnitPrice: 1 });
    ids.contact = org.add('Contact', { LastName: 'Doe', Name: 'Jane Doe', AccountId: ids.acme });
    ids.task1 = org.add('Task', { Subject: 'Call', WhatId: ids.big, WhoId: ids.contact, OwnerId: ids.ann });
    ids.task2 = org.add('Task', { Subject: 'Mail', WhatId: ids.acme });
    ids.rec = org.add('Product_Recommendation__c', { Name: 'R1', Score__c: 0.9, Account__c: ids.acme, Product__c: ids.prod });
    engine = createQueryEngine(org);
  });
  after(() => org.close());

  it('returns canonical field casing in SELECT order with attributes, Id only when selected', () => {
    expect(q('select name, ID, industry from account where name = \'acme\'')).to.deep.equal({
      totalSize: 1,
      done: true,
      records: [{ attributes: attrs('Account', ids.acme), Name: 'Acme', Id: ids.acme, Industry: 'Tech' }],
    });
    expect(q("SELECT Name FROM Account WHERE Name = 'beta'").records).to.deep.equal([
      { attributes: attrs('Account', ids.beta), Name: 'beta' },
    ]);
  });

  it('answers an empty result with records [] and done true', () => {
    expect(q("SELECT Id FROM Account WHERE Name = 'nobody'")).to.deep.equal({ totalSize: 0, done: true, records: [] });
  });

  it('formats values: booleans, numbers, dates, datetimes, nulls', () => {
    expect(q(`SELECT Active__c, AnnualRevenue, NumberOfEmployees, CreatedDate, Regions__c FROM Account WHERE Id = '${ids.acme}'`).records[0]).to.deep.equal({
      attributes: attrs('Account', ids.acme), Active__c: true, AnnualRevenue: 5000, NumberOfEmployees: null,
      CreatedDate: '2024-05-15T10:30:00.000+0000', Regions__c: 'EU;US',
    });
    expect(q(`SELECT CloseDate, Amount, IsWon FROM Opportunity WHERE Id = '${ids.small}'`).records[0]).to.deep.equal({
      attributes: attrs('Opportunity', ids.small), CloseDate: '2023-01-01', Amount: 10.5, IsWon: true,
    });
  });

  it('nests parent relationships at any depth and nulls a missing parent', () => {
    const res = q('SELECT Name, Account.Owner.Name, account.name, Owner.Alias FROM Opportunity ORDER BY Name');
    expect(res).to.deep.equal({
      totalSize: 2,
      done: true,
      records: [
        {
          attributes: attrs('Opportunity', ids.big), Name: 'Big',
          Account: { attributes: attrs('Account', ids.acme), Owner: { attributes: attrs('User', ids.ann), Name: 'Ann Lee' }, Name: 'Acme' },
          Owner: { attributes: attrs('User', ids.ann), Alias: 'ann' },
        },
        { attributes: attrs('Opportunity', ids.small), Name: 'Small', Account: null, Owner: null },
      ],
    });
  });

  it('follows the recorded complexSubQuery shape (PricebookEntry.Product2.Family inside a child query)', () => {
    const res = q('SELECT Name, (SELECT Id, PriceBookEntry.UnitPrice, PricebookEntry.product2.Family FROM OpportunityLineItems ORDER BY Quantity DESC) FROM Opportunity ORDER BY Name');
    expect(res).to.deep.equal({
      totalSize: 2,
      done: true,
      records: [
        {
          attributes: attrs('Opportunity', ids.big), Name: 'Big',
          OpportunityLineItems: {
            totalSize: 2, done: true,
            records: [
              { attributes: attrs('OpportunityLineItem', ids.oli2), Id: ids.oli2, PricebookEntry: null },
              {
                attributes: attrs('OpportunityLineItem', ids.oli1), Id: ids.oli1,
                PricebookEntry: {
                  attributes: attrs('PricebookEntry', ids.pbe), UnitPrice: 4.5,
                  Product2: { attributes: attrs('Product2', ids.prod), Family: 'Kitchen' },
                },
              },
            ],
          },
        },
        { attributes: attrs('Opportunity', ids.small), Name: 'Small', OpportunityLineItems: null },
      ],
    });
  });

  it('applies WHERE and LIMIT inside child sub-queries, custom __r relationships included', () => {
    const res = q("SELECT Name, (SELECT Quantity FROM OpportunityLineItems WHERE Quantity > 1 ORDER BY Quantity LIMIT 1), (SELECT Subject FROM Tasks) FROM Opportunity WHERE Name = 'Big'");
    expect(res.records).to.deep.equal([
      {
        attributes: attrs('Opportunity', ids.big), Name: 'Big',
        OpportunityLineItems: { totalSize: 1, done: true, records: [{ attributes: attrs('OpportunityLineItem', ids.oli1), Quantity: 2 }] },
        Tasks: { totalSize: 1, done: true, records: [{ attributes: attrs('Task', ids.task1), Subject: 'Call' }] },
      },
    ]);
    const recs = q("SELECT Name, (SELECT Name, Score__c, Product__r.Name FROM Product_Recommendations__r) FROM Account WHERE Name = 'Acme'");
    expect(recs.records[0]).to.deep.equal({
      attributes: attrs('Account', ids.acme), Name: 'Acme',
      Product_Recommendations__r: {
        totalSize: 1, done: true,
        records: [{
          attributes: attrs('Product_Recommendation__c', ids.rec), Name: 'R1', Score__c: 0.9,
          Product__r: { attributes: attrs('Product2', ids.prod), Name: 'Mug' },
        }],
      },
    });
  });

  it('types polymorphic What/Who parents by the referenced record', () => {
    expect(q('SELECT Subject, What.Name, Who.Name FROM Task ORDER BY Subject').records).to.deep.equal([
      {
        attributes: attrs('Task', ids.task1), Subject: 'Call',
        What: { attributes: attrs('Opportunity', ids.big), Name: 'Big' },
        Who: { attributes: attrs('Contact', ids.contact), Name: 'Jane Doe' },
      },
      { attributes: attrs('Task', ids.task2), Subject: 'Mail', What: { attributes: attrs('Account', ids.acme), Name: 'Acme' }, Who: null },
    ]);
    expect(q("SELECT Subject, What.Type FROM Task WHERE What.Type = 'opportunity'").records).to.deep.equal([
      { attributes: attrs('Task', ids.task1), Subject: 'Call', What: { attributes: attrs('Opportunity', ids.big), Type: 'Opportunity' } },
    ]);
    expect(q("SELECT Subject FROM Task WHERE What.Name = 'acme'").records.map((r) => (r as { Subject: string }).Subject)).to.deep.equal(['Mail']);
  });

  it('shapes TYPEOF per concrete type of a polymorphic parent, ELSE for the rest', () => {
    expect(q('SELECT Subject, TYPEOF What WHEN Opportunity THEN Amount, CloseDate ELSE Name END FROM Task ORDER BY Subject').records).to.deep.equal([
      { attributes: attrs('Task', ids.task1), Subject: 'Call', What: { attributes: attrs('Opportunity', ids.big), Amount: 1300, CloseDate: '2024-05-01' } },
      { attributes: attrs('Task', ids.task2), Subject: 'Mail', What: { attributes: attrs('Account', ids.acme), Name: 'Acme' } },
    ]);
    expect(q('SELECT TYPEOF What WHEN Account THEN Industry END FROM Task ORDER BY Subject').records).to.deep.equal([
      { attributes: attrs('Task', ids.task1), What: { attributes: attrs('Opportunity', ids.big) } },
      { attributes: attrs('Task', ids.task2), What: { attributes: attrs('Account', ids.acme), Industry: 'Tech' } },
    ]);
    expect(sfError(() => q('SELECT TYPEOF What WHEN Account THEN Nope__c END FROM Task')).errors[0].message).to.match(/No such column 'Nope__c' on entity 'Account'/);
  });

  const names = (soql: string, scanAll = false): string[] => q(soql, scanAll).records.map((r) => (r as { Name: string }).Name);

  it('filters with comparison operators, LIKE, IN/NOT IN, null checks and boolean logic', () => {
    expect(names("SELECT Name FROM Account WHERE Name LIKE 'AC%'")).to.deep.equal(['Acme']);
    expect(names("SELECT Name FROM Account WHERE Name LIKE '_eta'")).to.deep.equal(['beta']);
    expect(names("SELECT Name FROM Account WHERE Name LIKE '%\\'%'")).to.deep.equal(["O'Brien & Co"]);
    expect(names("SELECT Name FROM Account WHERE Name = 'O\\'Brien & Co'")).to.deep.equal(["O'Brien & Co"]);
    expect(names("SELECT Name FROM Account WHERE Industry IN ('tech', 'Retail') ORDER BY Name")).to.deep.equal(['Acme', "O'Brien & Co"]);
    // != and NOT IN keep rows whose field is null (SOQL has no unknown truth value).
    expect(names("SELECT Name FROM Account WHERE Industry != 'Tech' ORDER BY Name")).to.deep.equal(['beta', "O'Brien & Co"]);
    expect(names("SELECT Name FROM Account WHERE Industry NOT IN ('Tech') ORDER BY Name")).to.deep.equal(['beta', "O'Brien & Co"]);
    expect(names("SELECT Name FROM Account WHERE NOT Industry = 'Tech' ORDER BY Name")).to.deep.equal(['beta', "O'Brien & Co"]);
    expect(names('SELECT Name FROM Account WHERE Industry = null')).to.deep.equal(['beta']);
    expect(names('SELECT Name FROM Account WHERE Industry != null ORDER BY Name')).to.deep.equal(['Acme', "O'Brien & Co"]);
    expect(names('SELECT Name FROM Opportunity WHERE Amount >= 10.5 AND Amount < 1300')).to.deep.equal(['Small']);
    expect(names('SELECT Name FROM Opportunity WHERE IsWon = false')).to.deep.equal(['Big']);
    expect(names("SELECT Name FROM Account WHERE (Industry = 'Tech' OR Industry = 'Retail') AND NOT (Name LIKE 'O%') ")).to.deep.equal(['Acme']);
    expect(names("SELECT Name FROM Account WHERE Parent.Name = 'Acme'")).to.deep.equal(["O'Brien & Co"]);
    expect(names("SELECT Name FROM Account WHERE (NOT Name = 'Acme') AND Industry != null")).to.deep.equal(["O'Brien & Co"]);
    expect(names("SELECT Name FROM Account WHERE Name = 'Acme' OR NOT (Industry = 'Tech' OR Industry = null)")).to.deep.equal(['Acme', "O'Brien & Co"]);
    expect(names("SELECT Name FROM Account WHERE ((Name = 'Acme') OR (Name = 'beta')) AND Industry = null")).to.deep.equal(['beta']);
    expect(names("SELECT Name FROM Account WHERE NOT (NOT Industry = 'Tech')")).to.deep.equal(['Acme']);
    expect(names('SELECT Name FROM Account WHERE NumberOfEmployees > 10')).to.deep.equal(['beta']);
    expect(names("SELECT Account.Name FROM Account WHERE Account.Name = 'beta'")).to.deep.equal(['beta']);
    expect(names("SELECT a.Name FROM Account a WHERE a.Industry = 'Retail'")).to.deep.equal(["O'Brien & Co"]);
  });

  it('compares ids in 15- or 18-char form, case-insensitively for 18', () => {
    expect(names(`SELECT Name FROM Account WHERE Id = '${ids.acme.slice(0, 15)}'`)).to.deep.equal(['Acme']);
    expect(names(`SELECT Name FROM Account WHERE Id = '${ids.acme.toLowerCase()}'`)).to.deep.equal(['Acme']);
    expect(names(`SELECT Name FROM Opportunity WHERE AccountId IN ('${ids.acme.slice(0, 15)}', '${ids.beta}')`)).to.deep.equal(['Big']);
    const err = sfError(() => q("SELECT Id FROM Account WHERE Id = 'nope'"));
    expect(err.errors[0].errorCode).to.equal('INVALID_QUERY_FILTER_OPERATOR');
    expect(err.errors[0].message).to.match(/invalid ID field: nope$/);
  });

  it('supports semi-joins and anti-joins', () => {
    expect(names("SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Opportunity WHERE StageName = 'Prospecting')")).to.deep.equal(['Acme']);
    expect(names('SELECT Name FROM Account WHERE Id NOT IN (SELECT AccountId FROM Opportunity) ORDER BY Name')).to.deep.equal(['beta', "O'Brien & Co"]);
  });

  it('matches multi-select picklists with INCLUDES and EXCLUDES', () => {
    expect(names("SELECT Name FROM Account WHERE Regions__c INCLUDES ('us;eu')")).to.deep.equal(['Acme']);
    expect(names("SELECT Name FROM Account WHERE Regions__c INCLUDES ('APAC', 'US') ORDER BY Name")).to.deep.equal(['Acme', 'beta']);
    expect(names("SELECT Name FROM Account WHERE Regions__c EXCLUDES ('US') ORDER BY Name")).to.deep.equal(['beta', "O'Brien & Co"]);
  });

  it('orders by several fields incl. relationship fields with SF null placement, then LIMIT/OFFSET', () => {
    expect(names('SELECT Name FROM Account ORDER BY Industry')).to.deep.equal(['beta', "O'Brien & Co", 'Acme']);
    expect(names('SELECT Name FROM Account ORDER BY Industry DESC')).to.deep.equal(['Acme', "O'Brien & Co", 'beta']);
    expect(names('SELECT Name FROM Account ORDER BY Industry ASC NULLS LAST')).to.deep.equal(["O'Brien & Co", 'Acme', 'beta']);
    expect(names('SELECT Name FROM Account ORDER BY Industry DESC NULLS FIRST')).to.deep.equal(['beta', 'Acme', "O'Brien & Co"]);
    expect(names('SELECT Name FROM Account ORDER BY Name')).to.deep.equal(['Acme', 'beta', "O'Brien & Co"]);
    expect(names('SELECT Name FROM Opportunity ORDER BY Account.Name DESC NULLS FIRST, Name')).to.deep.equal(['Small', 'Big']);
    expect(names('SELECT Name FROM Account ORDER BY Name LIMIT 2 OFFSET 1')).to.deep.equal(['beta', "O'Brien & Co"]);
    expect(names('SELECT Name FROM Account')).to.deep.equal(['Acme', 'beta', "O'Brien & Co"]);
  });

  it('hides deleted rows from query and shows them to queryAll', () => {
    expect(names("SELECT Name FROM Account WHERE Name = 'Gone'")).to.deep.equal([]);
    expect(names("SELECT Name FROM Account WHERE Name = 'Gone'", true)).to.deep.equal(['Gone']);
    expect(q('SELECT Name, IsDeleted FROM Account WHERE IsDeleted = true', true).records).to.deep.equal([
      { attributes: attrs('Account', ids.gone), Name: 'Gone', IsDeleted: true },
    ]);
  });

  it('expands FIELDS(ALL|STANDARD|CUSTOM) and enforces LIMIT 200', () => {
    const rec = q(`SELECT FIELDS(CUSTOM) FROM Account WHERE Id = '${ids.beta}' LIMIT 1`).records[0];
    expect(rec).to.deep.equal({ attributes: attrs('Account', ids.beta), Regions__c: 'APAC', Active__c: false });
    const all = q(`SELECT FIELDS(ALL) FROM Account WHERE Id = '${ids.beta}' LIMIT 200`).records[0];
    expect(Object.keys(all)).to.deep.equal(['attributes', ...org.schema.get('Account')!.fields.map((f) => f.name)]);
    expect(Object.keys(q('SELECT FIELDS(STANDARD) FROM Account').records[0])).to.include('Name').and.not.include('Regions__c');
    const err = sfError(() => q('SELECT FIELDS(ALL) FROM Account'));
    expect(err.errors[0]).to.deep.equal({
      errorCode: 'MALFORMED_QUERY',
      message: '\nSELECT FIELDS(ALL) FROM Account\n       ^\nERROR at Row:1:Column:8\nThe SOQL FIELDS function must have a LIMIT of at most 200',
    });
  });

  it('reports errors in Salesforce shape', () => {
    expect(sfError(() => q('SELECT Foo FROM Account')).errors).to.deep.equal([{
      errorCode: 'INVALID_FIELD',
      message: "\nSELECT Foo FROM Account\n       ^\nERROR at Row:1:Column:8\nNo such column 'Foo' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
    }]);
    const t = sfError(() => q('SELECT Id FROM Foo__c'));
    expect(t.status).to.equal(400);
    expect(t.errors).to.deep.equal([{
      errorCode: 'INVALID_TYPE',
      message: "\nSELECT Id FROM Foo__c\n               ^\nERROR at Row:1:Column:16\nsObject type 'Foo__c' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
    }]);
    expect(sfError(() => q('SELECT Id, FROM Account')).errors).to.deep.equal([{
      errorCode: 'MALFORMED_QUERY', message: "\nSELECT Id, FROM Account\n           ^\nERROR at Row:1:Column:12\nunexpected token: 'FROM'",
    }]);
    expect(sfError(() => q('SELECT Id\nFROM Account\nWHERE Bogus__c = 1')).errors[0].message).to.equal(
      "\nWHERE Bogus__c = 1\n      ^\nERROR at Row:3:Column:7\nNo such column 'Bogus__c' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
    );
    expect(sfError(() => q('SELECT Id FROM Account WHERE')).errors[0]).to.deep.include({ errorCode: 'MALFORMED_QUERY' });
    expect(sfError(() => q('SELECT Id FROM Account WHERE')).errors[0].message).to.match(/unexpected token: <EOF>$/);
    const rel = sfError(() => q('SELECT Foo.Name FROM Opportunity')).errors[0];
    expect(rel.errorCode).to.equal('INVALID_FIELD');
    expect(rel.message).to.match(/^\nSELECT Foo\.Name FROM Opportunity\n {7}\^\nERROR at Row:1:Column:8\nDidn't understand relationship 'Foo' in field path\. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name\./);
    const child = sfError(() => q('SELECT Id, (SELECT Id FROM Nothings) FROM Account')).errors[0];
    expect(child.errorCode).to.equal('INVALID_TYPE');
    expect(child.message).to.match(/Didn't understand relationship 'Nothings' in FROM part of query call/);
    expect(sfError(() => q('SELECT Account.Foo FROM Opportunity')).errors[0].message).to.match(/No such column 'Foo' on entity 'Account'/);
    expect(sfError(() => q("SELECT Id FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'")).errors[0].message).to.match(/unexpected token: 'OR'$/);
    expect(sfError(() => q('SELECT Id, Name, id FROM Account')).errors).to.deep.equal([{
      errorCode: 'MALFORMED_QUERY', message: '\nSELECT Id, Name, id FROM Account\n                 ^\nERROR at Row:1:Column:18\nduplicate field selected: Id',
    }]);
    expect(Object.keys(q('SELECT Id, Name, FIELDS(STANDARD) FROM Account LIMIT 1').records[0]).filter((k) => k === 'Name')).to.have.length(1);
    expect(Object.keys(q('SELECT FIELDS(STANDARD), Name FROM Account LIMIT 1').records[0]).filter((k) => k === 'Name')).to.have.length(1);
    expect(sfError(() => q('SELECT Id FROM Account OFFSET 2001')).errors[0]).to.deep.include({ errorCode: 'NUMBER_OUTSIDE_VALID_RANGE' });
    expect(sfError(() => q("SELECT Id FROM Opportunity WHERE Amount = '5'")).errors[0].message).to.match(
      /value of filter criterion for field 'Amount' must be of type double and should not be enclosed in quotes$/,
    );
    expect(sfError(() => q('SELECT Id FROM Account WHERE Name = 5')).errors[0].message).to.match(
      /value of filter criterion for field 'Name' must be of type string and should be enclosed in quotes$/,
    );
  });
});
