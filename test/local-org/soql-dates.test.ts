import { expect } from 'chai';
import { createQueryEngine, type QueryEngine } from '../../local-org/src/soql/engine.js';
import { SfApiError } from '../../local-org/src/types.js';
import { testOrg, type TestOrg } from './soql-fixture.js';

const V = '58.0';
// Wednesday 2024-05-15 (a leap year); weeks start on Sunday 2024-05-12.
const NOW = new Date('2024-05-15T10:30:00.000Z');
const FIRST = '2022-12-01';
const LAST = '2025-12-31';

describe('soql engine: date and datetime literals', () => {
  let org: TestOrg;
  let engine: QueryEngine;
  let total = 0;
  const q = (soql: string) => engine.query(soql, { scanAll: false, apiVersion: V });
  /** [first CloseDate, last CloseDate, rows] matched by a WHERE clause; one Opportunity per calendar day. */
  const span = (where: string): [string | null, string | null, number] => {
    const r = q(`SELECT MIN(CloseDate), MAX(CloseDate), COUNT(Id) FROM Opportunity WHERE ${where}`).records[0] as Record<string, unknown>;
    return [r.expr0 as string | null, r.expr1 as string | null, r.expr2 as number];
  };

  before(() => {
    org = testOrg(NOW);
    org.db.exec('BEGIN');
    for (let d = new Date(`${FIRST}T00:00:00Z`); d <= new Date(`${LAST}T00:00:00Z`); d = new Date(d.getTime() + 86_400_000)) {
      const day = d.toISOString().slice(0, 10);
      // Datetimes at both ends of the day catch off-by-one range ends.
      org.add('Opportunity', { Name: day, CloseDate: day, CreatedDate: `${day}T${total % 2 ? '23:59:59.999' : '00:00:00.000'}Z` });
      total++;
    }
    org.db.exec('COMMIT');
    engine = createQueryEngine(org);
  });
  after(() => org.close());

  const cases: [string, [string, string, number]][] = [
    ['TODAY', ['2024-05-15', '2024-05-15', 1]],
    ['YESTERDAY', ['2024-05-14', '2024-05-14', 1]],
    ['TOMORROW', ['2024-05-16', '2024-05-16', 1]],
    ['THIS_WEEK', ['2024-05-12', '2024-05-18', 7]],
    ['LAST_WEEK', ['2024-05-05', '2024-05-11', 7]],
    ['NEXT_WEEK', ['2024-05-19', '2024-05-25', 7]],
    ['THIS_MONTH', ['2024-05-01', '2024-05-31', 31]],
    ['LAST_MONTH', ['2024-04-01', '2024-04-30', 30]],
    ['NEXT_MONTH', ['2024-06-01', '2024-06-30', 30]],
    ['LAST_90_DAYS', ['2024-02-15', '2024-05-15', 91]],
    ['NEXT_90_DAYS', ['2024-05-16', '2024-08-13', 90]],
    ['LAST_N_DAYS:7', ['2024-05-08', '2024-05-15', 8]],
    ['NEXT_N_DAYS:3', ['2024-05-16', '2024-05-18', 3]],
    ['N_DAYS_AGO:3', ['2024-05-12', '2024-05-12', 1]],
    ['LAST_N_WEEKS:1', ['2024-05-05', '2024-05-11', 7]],
    ['NEXT_N_WEEKS:2', ['2024-05-19', '2024-06-01', 14]],
    ['N_WEEKS_AGO:2', ['2024-04-28', '2024-05-04', 7]],
    ['LAST_N_MONTHS:2', ['2024-03-01', '2024-04-30', 61]],
    ['NEXT_N_MONTHS:1', ['2024-06-01', '2024-06-30', 30]],
    ['N_MONTHS_AGO:12', ['2023-05-01', '2023-05-31', 31]],
    ['THIS_QUARTER', ['2024-04-01', '2024-06-30', 91]],
    ['LAST_QUARTER', ['2024-01-01', '2024-03-31', 91]],
    ['NEXT_QUARTER', ['2024-07-01', '2024-09-30', 92]],
    ['LAST_N_QUARTERS:2', ['2023-10-01', '2024-03-31', 183]],
    ['NEXT_N_QUARTERS:1', ['2024-07-01', '2024-09-30', 92]],
    ['N_QUARTERS_AGO:1', ['2024-01-01', '2024-03-31', 91]],
    ['THIS_YEAR', ['2024-01-01', '2024-12-31', 366]],
    ['LAST_YEAR', ['2023-01-01', '2023-12-31', 365]],
    ['NEXT_YEAR', ['2025-01-01', '2025-12-31', 365]],
    ['LAST_N_YEARS:1', ['2023-01-01', '2023-12-31', 365]],
    ['NEXT_N_YEARS:1', ['2025-01-01', '2025-12-31', 365]],
    ['N_YEARS_AGO:2', ['2022-12-01', '2022-12-31', 31]],
    ['THIS_FISCAL_YEAR', ['2024-01-01', '2024-12-31', 366]],
    ['LAST_FISCAL_QUARTER', ['2024-01-01', '2024-03-31', 91]],
  ];
  for (const [literal, expected] of cases) {
    it(`${literal} on date and datetime fields`, () => {
      expect(span(`CloseDate = ${literal}`)).to.deep.equal(expected);
      expect(span(`CreatedDate = ${literal}`)).to.deep.equal(expected);
    });
  }

  it('compares before/after a literal range with < <= > >= and != ', () => {
    expect(span('CloseDate < THIS_MONTH')).to.deep.equal([FIRST, '2024-04-30', 517]);
    expect(span('CloseDate <= THIS_MONTH')[1]).to.equal('2024-05-31');
    expect(span('CloseDate > THIS_MONTH')[0]).to.equal('2024-06-01');
    expect(span('CloseDate >= THIS_MONTH')[0]).to.equal('2024-05-01');
    expect(span('CloseDate != TODAY')[2]).to.equal(total - 1);
    expect(span('CreatedDate > YESTERDAY AND CreatedDate < TOMORROW')).to.deep.equal(['2024-05-15', '2024-05-15', 1]);
    expect(span('CloseDate IN (YESTERDAY, TOMORROW)')).to.deep.equal(['2024-05-14', '2024-05-16', 2]);
    expect(span('CloseDate IN (2022-12-01, TODAY, N_DAYS_AGO:1)')).to.deep.equal(['2022-12-01', '2024-05-15', 3]);
    expect(span('CloseDate NOT IN (TODAY, THIS_YEAR)')[2]).to.equal(total - 366);
  });

  it('takes unquoted date and datetime literals, datetimes with offsets in UTC', () => {
    expect(span('CloseDate = 2024-02-29')).to.deep.equal(['2024-02-29', '2024-02-29', 1]);
    expect(span('CloseDate >= 2025-12-30')).to.deep.equal(['2025-12-30', LAST, 2]);
    // 2024-05-15 is stored at 23:59:59.999Z (odd day index), 2024-05-14 at midnight.
    expect(span('CreatedDate >= 2024-05-15T23:59:59Z AND CreatedDate < 2024-05-16T00:00:00Z')).to.deep.equal(['2024-05-15', '2024-05-15', 1]);
    expect(span('CreatedDate = 2024-05-14T02:00:00.000+02:00')).to.deep.equal(['2024-05-14', '2024-05-14', 1]);
    expect(span('CreatedDate >= 2025-12-30T23:00:00-01:00')).to.deep.equal(['2025-12-31', LAST, 1]);
  });

  it('rejects a date value for a datetime field and vice versa', () => {
    const check = (where: string, word: string): void => {
      try {
        q(`SELECT Id FROM Opportunity WHERE ${where}`);
        expect.fail('accepted');
      } catch (e) {
        expect(e).to.be.instanceOf(SfApiError);
        expect((e as SfApiError).errors[0].errorCode).to.equal('INVALID_FIELD');
        expect((e as SfApiError).errors[0].message).to.match(new RegExp(`must be of type ${word} and should not be enclosed in quotes$`));
      }
    };
    check('CreatedDate > 2024-01-01', 'dateTime');
    check('CloseDate > 2024-01-01T00:00:00Z', 'date');
    check("CloseDate > '2024-01-01'", 'date');
  });

  it('follows the store clock', () => {
    org.clock = new Date('2025-01-01T00:00:00.000Z');
    try {
      expect(span('CloseDate = YESTERDAY')).to.deep.equal(['2024-12-31', '2024-12-31', 1]);
    } finally {
      org.clock = NOW;
    }
  });
});
