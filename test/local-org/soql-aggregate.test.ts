import { expect } from 'chai';
import { createQueryEngine, type QueryEngine } from '../../local-org/src/soql/engine.js';
import { SfApiError } from '../../local-org/src/types.js';
import { testOrg, type TestOrg } from './soql-fixture.js';

const V = '58.0';
const AGG = { type: 'AggregateResult' };

describe('soql engine: aggregates, COUNT() and date functions', () => {
  let org: TestOrg;
  let engine: QueryEngine;
  const q = (soql: string) => engine.query(soql, { scanAll: false, apiVersion: V });

  before(() => {
    org = testOrg();
    const acme = org.add('Account', { Name: 'Acme' });
    const beta = org.add('Account', { Name: 'Beta' });
    org.add('Opportunity', { Name: 'o1', StageName: 'Prospecting', Amount: 100000, CloseDate: '2023-03-01', AccountId: acme, CreatedDate: '2023-01-05T23:59:00.000Z' });
    org.add('Opportunity', { Name: 'o2', StageName: 'Prospecting', Amount: 20000, CloseDate: '2024-02-10', AccountId: acme, CreatedDate: '2023-01-05T01:00:00.000Z' });
    org.add('Opportunity', { Name: 'o3', StageName: 'Prospecting', Amount: 5000, CloseDate: '2024-07-20', AccountId: beta });
    org.add('Opportunity', { Name: 'o4', StageName: 'Closed Won', Amount: 90000, CloseDate: '2024-01-31', AccountId: beta });
    org.add('Opportunity', { Name: 'o5', StageName: 'Closed Won', Amount: null, CloseDate: '2024-01-02' });
    org.add('Opportunity', { Name: 'gone', StageName: 'Closed Won', Amount: 1, CloseDate: '2024-01-02', IsDeleted: true });
    engine = createQueryEngine(org);
  });
  after(() => org.close());

  it('groups with aliases and names un-aliased aggregates expr0, expr1 in SELECT order', () => {
    expect(q('SELECT StageName, SUM(Amount) total, COUNT(Id), MAX(Amount) FROM Opportunity GROUP BY StageName ORDER BY StageName DESC')).to.deep.equal({
      totalSize: 2,
      done: true,
      records: [
        { attributes: AGG, StageName: 'Prospecting', total: 125000, expr0: 3, expr1: 100000 },
        { attributes: AGG, StageName: 'Closed Won', total: 90000, expr0: 2, expr1: 90000 },
      ],
    });
  });

  it('answers COUNT() in totalSize with no records, honouring WHERE and LIMIT', () => {
    expect(q('SELECT COUNT() FROM Opportunity')).to.deep.equal({ totalSize: 5, done: true, records: [] });
    expect(q("SELECT COUNT() FROM Opportunity WHERE StageName = 'closed won'")).to.deep.equal({ totalSize: 2, done: true, records: [] });
    expect(q('SELECT COUNT() FROM Opportunity LIMIT 3')).to.deep.equal({ totalSize: 3, done: true, records: [] });
    expect(engine.query('SELECT COUNT() FROM Opportunity', { scanAll: true, apiVersion: V }).totalSize).to.equal(6);
  });

  it('returns one AggregateResult for an ungrouped aggregate, null when there is nothing to aggregate', () => {
    expect(q('SELECT COUNT(Id), COUNT(Amount), COUNT_DISTINCT(StageName), AVG(Amount) avg FROM Opportunity')).to.deep.equal({
      totalSize: 1, done: true, records: [{ attributes: AGG, expr0: 5, expr1: 4, expr2: 2, avg: 53750 }],
    });
    expect(q("SELECT AVG(Amount), SUM(Amount), MIN(CloseDate), COUNT(Id) FROM Opportunity WHERE Name = 'none'").records).to.deep.equal([
      { attributes: AGG, expr0: null, expr1: null, expr2: null, expr3: 0 },
    ]);
  });

  it('formats MIN/MAX of dates and datetimes like the fields', () => {
    expect(q('SELECT MIN(CloseDate), MAX(CreatedDate) FROM Opportunity').records).to.deep.equal([
      { attributes: AGG, expr0: '2023-03-01', expr1: '2024-05-15T10:30:00.000+0000' },
    ]);
  });

  it('groups by relationship fields under the field name and filters groups with HAVING', () => {
    expect(q('SELECT Account.Name, SUM(Amount) FROM Opportunity GROUP BY Account.Name ORDER BY Account.Name NULLS LAST').records).to.deep.equal([
      { attributes: AGG, Name: 'Acme', expr0: 120000 },
      { attributes: AGG, Name: 'Beta', expr0: 95000 },
      { attributes: AGG, Name: null, expr0: null },
    ]);
    expect(q('SELECT StageName, COUNT(Id) n FROM Opportunity GROUP BY StageName HAVING COUNT(Id) > 2').records).to.deep.equal([
      { attributes: AGG, StageName: 'Prospecting', n: 3 },
    ]);
    expect(q("SELECT StageName FROM Opportunity GROUP BY StageName HAVING StageName = 'closed won'").records).to.deep.equal([
      { attributes: AGG, StageName: 'Closed Won' },
    ]);
  });

  it('orders groups by an aggregate and pages with LIMIT', () => {
    const beta = org.db.prepare(`SELECT "Id" FROM "Account" WHERE "Name" = 'Beta'`).get() as { Id: string };
    expect(q('SELECT AccountId, SUM(Amount) s FROM Opportunity WHERE AccountId != null GROUP BY AccountId ORDER BY SUM(Amount) ASC LIMIT 1')).to.deep.equal({
      totalSize: 1, done: true, records: [{ attributes: AGG, AccountId: beta.Id, s: 95000 }],
    });
  });

  it('supports CALENDAR_YEAR / CALENDAR_MONTH / DAY_ONLY in SELECT, GROUP BY and WHERE', () => {
    expect(q('SELECT CALENDAR_YEAR(CloseDate), COUNT(Id) FROM Opportunity GROUP BY CALENDAR_YEAR(CloseDate) ORDER BY CALENDAR_YEAR(CloseDate)').records).to.deep.equal([
      { attributes: AGG, expr0: 2023, expr1: 1 },
      { attributes: AGG, expr0: 2024, expr1: 4 },
    ]);
    expect(q('SELECT CALENDAR_MONTH(CloseDate) m, SUM(Amount) FROM Opportunity WHERE CALENDAR_YEAR(CloseDate) = 2024 GROUP BY CALENDAR_MONTH(CloseDate) ORDER BY CALENDAR_MONTH(CloseDate)').records).to.deep.equal([
      { attributes: AGG, m: 1, expr0: 90000 },
      { attributes: AGG, m: 2, expr0: 20000 },
      { attributes: AGG, m: 7, expr0: 5000 },
    ]);
    expect(q('SELECT DAY_ONLY(CreatedDate) d, COUNT(Id) FROM Opportunity GROUP BY DAY_ONLY(CreatedDate) ORDER BY DAY_ONLY(CreatedDate)').records).to.deep.equal([
      { attributes: AGG, d: '2023-01-05', expr0: 2 },
      { attributes: AGG, d: '2024-05-15', expr0: 3 },
    ]);
  });

  it('rejects fields that are neither grouped nor aggregated', () => {
    try {
      q('SELECT Name, COUNT(Id) FROM Opportunity GROUP BY StageName');
      expect.fail('accepted');
    } catch (e) {
      expect(e).to.be.instanceOf(SfApiError);
      expect((e as SfApiError).errors[0].errorCode).to.equal('MALFORMED_QUERY');
      expect((e as SfApiError).errors[0].message).to.match(/Field must be grouped or aggregated: Name$/);
    }
  });
});
