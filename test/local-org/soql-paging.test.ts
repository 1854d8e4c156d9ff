import { expect } from 'chai';
import { createQueryEngine, type QueryPage } from '../../local-org/src/soql/engine.js';
import { canonicalId } from '../../local-org/src/soql/ids.js';
import { SfApiError } from '../../local-org/src/types.js';
import { testOrg, type TestOrg } from './soql-fixture.js';

const V = '58.0';
const LOCATOR_URL = /^\/services\/data\/v58\.0\/query\/(01g[A-Za-z0-9]{15})-(\d+)$/;
const lastSegment = (url: string): string => url.slice(url.lastIndexOf('/') + 1);

describe('soql engine: paging and query locators', () => {
  let org: TestOrg;
  before(() => {
    org = testOrg();
    org.db.exec('BEGIN');
    for (let i = 0; i < 5000; i++) org.add('Account', { Name: `Acct ${String(i).padStart(5, '0')}`, IsDeleted: i % 1000 === 999 });
    org.db.exec('COMMIT');
  });
  after(() => org.close());

  it('pages 5,000 rows in batches of 2,000 with locators counting rows already returned', () => {
    const engine = createQueryEngine(org);
    const first = engine.query('SELECT Id, Name FROM Account ORDER BY Name DESC', { scanAll: true, apiVersion: V });
    expect(first.totalSize).to.equal(5000);
    expect(first.done).to.equal(false);
    expect(first.records).to.have.length(2000);
    const m = LOCATOR_URL.exec(first.nextRecordsUrl ?? '');
    expect(m, first.nextRecordsUrl).to.not.equal(null);
    expect(m![2]).to.equal('2000');
    expect(canonicalId(m![1])).to.equal(m![1]); // a well-formed 18-char id with the 01g prefix
    const second = engine.queryMore(lastSegment(first.nextRecordsUrl!), { apiVersion: V });
    expect(second).to.include({ totalSize: 5000, done: false });
    expect(second.nextRecordsUrl).to.equal(`/services/data/v${V}/query/${m![1]}-4000`);
    const third = engine.queryMore(second.nextRecordsUrl!, { apiVersion: V });
    expect(Object.keys(third)).to.deep.equal(['totalSize', 'done', 'records']);
    expect(third).to.include({ totalSize: 5000, done: true });
    expect(third.records).to.have.length(1000);
    const all = [...first.records, ...second.records, ...third.records].map((r) => (r as { Name: string }).Name);
    const expected = Array.from({ length: 5000 }, (_v, i) => `Acct ${String(4999 - i).padStart(5, '0')}`);
    expect(all).to.deep.equal(expected);
  });

  it('honours batchSize within 200..2000 and excludes deleted rows from /query continuations', () => {
    const engine = createQueryEngine(org);
    const pages: QueryPage[] = [engine.query('SELECT Name FROM Account', { scanAll: false, batchSize: 500, apiVersion: V })];
    while (!pages[pages.length - 1].done) pages.push(engine.queryMore(pages[pages.length - 1].nextRecordsUrl!, { apiVersion: V }));
    expect(pages.map((p) => p.records.length)).to.deep.equal([500, 500, 500, 500, 500, 500, 500, 500, 500, 495]);
    expect(pages.every((p) => p.totalSize === 4995)).to.equal(true);
    expect(engine.query('SELECT Name FROM Account', { scanAll: false, batchSize: 10, apiVersion: V }).records).to.have.length(200);
    expect(engine.query('SELECT Name FROM Account', { scanAll: false, batchSize: 9000, apiVersion: V }).records).to.have.length(2000);
  });

  it('rejects unknown, malformed, finished and evicted locators with INVALID_QUERY_LOCATOR', () => {
    const engine = createQueryEngine(org, { maxCursors: 2 });
    const invalid = (locator: string): void => {
      try {
        engine.queryMore(locator, { apiVersion: V });
      } catch (e) {
        expect(e).to.be.instanceOf(SfApiError);
        expect((e as SfApiError).status).to.equal(400);
        expect((e as SfApiError).errors).to.deep.equal([{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }]);
        return;
      }
      throw new Error(`locator ${locator} was accepted`);
    };
    invalid('01g5g00000000000AAA-2000');
    invalid('garbage');
    const a = engine.query('SELECT Id FROM Account', { scanAll: false, apiVersion: V });
    const b = engine.query('SELECT Id FROM Account', { scanAll: false, apiVersion: V });
    const c = engine.query('SELECT Id FROM Account', { scanAll: false, apiVersion: V });
    invalid(lastSegment(a.nextRecordsUrl!)); // evicted: only two cursors stay open
    invalid(lastSegment(b.nextRecordsUrl!).replace(/-2000$/, '-9000'));
    expect(engine.queryMore(lastSegment(b.nextRecordsUrl!), { apiVersion: V }).records).to.have.length(2000);
    const cMore = engine.queryMore(c.nextRecordsUrl!, { apiVersion: V });
    const cLast = engine.queryMore(cMore.nextRecordsUrl!, { apiVersion: V });
    expect(cLast.done).to.equal(true);
    invalid(lastSegment(cMore.nextRecordsUrl!)); // closed once its last page was served
  });

  it('counts child sub-query rows toward the batch', () => {
    const small = testOrg();
    try {
      small.db.exec('BEGIN');
      for (let i = 0; i < 300; i++) {
        const opp = small.add('Opportunity', { Name: `Opp ${i}` });
        for (let k = 0; k < 9; k++) small.add('OpportunityLineItem', { OpportunityId: opp, Quantity: k });
      }
      small.db.exec('COMMIT');
      const engine = createQueryEngine(small);
      const first = engine.query('SELECT Name, (SELECT Quantity FROM OpportunityLineItems) FROM Opportunity', { scanAll: false, apiVersion: V });
      expect(first.totalSize).to.equal(300);
      expect(first.records).to.have.length(200); // 200 parents x (1 + 9 children) = 2,000 rows
      expect(first.nextRecordsUrl).to.match(/-200$/);
      const rest = engine.queryMore(first.nextRecordsUrl!, { apiVersion: V });
      expect(rest).to.include({ done: true, totalSize: 300 });
      expect(rest.records).to.have.length(100);
      expect((rest.records[99] as { Name: string; OpportunityLineItems: { totalSize: number } }).OpportunityLineItems.totalSize).to.equal(9);
    } finally {
      small.close();
    }
  });
});
