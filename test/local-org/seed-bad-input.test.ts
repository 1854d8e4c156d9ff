// Bad input in a seed file: every bad value is named by file, line, column and value; an insert the org
// refuses names the record that caused it; a failed seed leaves no database behind; a stray far-future date
// does not move the whole history; and the offline evaluation refuses a split that cannot measure anything.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { startLocalOrg } from '../../local-org/src/app.js';
import { bulkTimeRange } from '../../local-org/src/seed/date-outliers.js';
import { loadRetailData } from '../../local-org/src/seed/dataset.js';
import { seedOnlineRetail } from '../../local-org/src/seed/online-retail.js';
import type { LocalOrgStore } from '../../local-org/src/store/org-store.js';
import { retailSample } from '../../local-org/src/index.js';
import { FIXTURE_HEADER, FIXTURE_ROWS, fixtureCsv, rejection, tempDir, type TempDir } from './seed-fixture.js';
import { openTestStore, SATURDAY } from './seed-store-helper.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const DAY = 86_400_000;

/** `rows` invoices of 2 lines each, spread evenly over 2011 (a file big enough for the outlier rule, which needs 100 rows). */
function yearOfInvoices(rows: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < rows; i += 1) {
    const at = new Date(Date.UTC(2011, 0, 3) + Math.floor((i * 340) / rows) * DAY + 10 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    const customer = 12000 + (i % 9);
    out.push(`${550000 + i},22386,JUMBO BAG PINK POLKADOT,${1 + (i % 7)},${at},1.95,${customer},United Kingdom`);
    out.push(`${550000 + i},85123A,WHITE HANGING HEART T-LIGHT HOLDER,${2 + (i % 5)},${at},2.55,${customer},United Kingdom`);
  }
  return out;
}

describe('seeding bad input', function () {
  this.timeout(60_000);
  let tmp: TempDir;
  const stores: LocalOrgStore[] = [];
  const open = (file?: string): LocalOrgStore => {
    const s = openTestStore(SATURDAY, file);
    stores.push(s);
    return s;
  };
  beforeEach(() => { tmp = tempDir('reco-seed-bad-'); });
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
    tmp.cleanup();
  });
  const withRow5 = (from: string, to: string): string => fixtureCsv(FIXTURE_ROWS.map((r, i) => (i === 4 ? r.replace(from, to) : r)));

  it('names the file, line, column and value of an impossible date and of numbers the org cannot hold', async () => {
    const cases: Array<[string, string, string]> = [
      ['2011-11-03 10:00:00', '2011-13-45 10:00:00', 'InvoiceDate "2011-13-45 10:00:00" is not a date and time as YYYY-MM-DD HH:MM:SS (column 5)'],
      ['2011-11-03 10:00:00', '2011-02-30 10:00:00', 'InvoiceDate "2011-02-30 10:00:00" is not a date and time as YYYY-MM-DD HH:MM:SS (column 5)'],
      [',10,2011-11-03', ',1e300,2011-11-03', 'Quantity "1e300" is not a number (column 4)'],
      [',10,2011-11-03', ',12345678901,2011-11-03', 'Quantity "12345678901" is out of range: at most 10000000000 (column 4)'],
      [',1.95,12583', ',0x10,12583', 'UnitPrice "0x10" is not a number (column 6)'],
    ];
    for (const [from, to, reason] of cases) {
      const file = tmp.write('bad.csv', withRow5(from, to));
      const report = await seedOnlineRetail(open(), { file });
      expect(report.skipped['malformed-row'], to).to.deep.equal({ rows: 1, examples: [6] });
      expect(report.notes, to).to.include(`skipped malformed row: ${file}: line 6: ${reason}`);
      expect(report.opportunities.won, to).to.equal(8); // the rest of the file is seeded, the other line of invoice 536366 too
    }
  });

  it('names the stock code and line of a 10 MB field, not the first record of its batch', async () => {
    const file = tmp.write('huge-field.csv', withRow5('JUMBO BAG PINK POLKADOT', 'Y'.repeat(10_000_000)));
    const store = open();
    const error = await rejection(seedOnlineRetail(store, { file }));
    expect(error.message).to.match(/^insert Product2 failed for stock code 22386 \(first on CSV line 6\): STRING_TOO_LONG: /);
    expect(error.message).not.to.contain('85123A');
    expect(error.message.length, 'the value is not echoed whole').to.be.below(1000);
    expect((store.db.prepare('SELECT COUNT(*) AS n FROM Product2').get() as { n: number }).n, 'nothing half-written').to.equal(0);
  });

  it('leaves no database file behind when the seed of a new org fails', async () => {
    const db = path.join(tmp.dir, 'org.db');
    const file = tmp.write('huge-field.csv', withRow5('JUMBO BAG PINK POLKADOT', 'Y'.repeat(10_000_000)));
    const error = await rejection(startLocalOrg({ port: 0, db, seed: { onlineRetail: file } }));
    expect(error.message).to.contain('stock code 22386');
    expect(fs.readdirSync(tmp.dir).filter((f) => f.startsWith('org.db')), 'org.db and its journals').to.deep.equal([]);
    // An existing org file is the user's: a failed start never deletes it.
    const seeded = await startLocalOrg({ port: 0, db, seed: { onlineRetail: tmp.write('ok.csv', fixtureCsv()) } });
    await seeded.close();
    await rejection(startLocalOrg({ port: 0, db, seed: { onlineRetail: file } }));
    expect(fs.existsSync(db)).to.equal(true);
  });

  it('skips an invoice dated years after the rest, naming its line, instead of shifting the whole history', async () => {
    const rows = yearOfInvoices(80);
    const clean = await seedOnlineRetail(open(), { file: tmp.write('clean.csv', `${[FIXTURE_HEADER, ...rows].join('\n')}\n`) });
    const withFuture = [...rows, '599999,22386,JUMBO BAG PINK POLKADOT,3,2031-06-01 09:00:00,1.95,12003,United Kingdom'];
    const file = tmp.write('future.csv', `${[FIXTURE_HEADER, ...withFuture].join('\n')}\n`);
    const report = await seedOnlineRetail(open(), { file });
    expect(report.dateShiftWeeks).to.equal(clean.dateShiftWeeks);
    expect(report.lastInvoiceDate).to.equal(clean.lastInvoiceDate);
    expect(report.skipped['date-outlier']).to.deep.equal({ rows: 1, examples: [162] });
    expect(report.notes.find((n) => n.startsWith('skipped date outlier:'))).to.match(new RegExp(`^skipped date outlier: .*future\\.csv: line 162: InvoiceDate 2031-06-01 09:00:00 is \\d+ days after the rest of the file \\(2011-01-03 to 2011-12-0\\d`));
    expect(report.opportunities.won).to.equal(clean.opportunities.won);
  });

  it('decides outliers from the data: a gap as long as the bulk is kept, a tiny file is taken as it is', () => {
    const times = (entries: Array<[string, number]>) => new Map(entries.map(([d, rows]) => [Date.parse(`${d}T00:00:00Z`), { rows }]));
    // One year of daily trading, then one row 4.5 years on: dropped.
    const year: Array<[string, number]> = Array.from({ length: 300 }, (_, i) => [new Date(Date.UTC(2011, 0, 1) + i * DAY).toISOString().slice(0, 10), 2]);
    expect(bulkTimeRange(times([...year, ['2016-06-01', 1]])).toMs).to.equal(Date.parse('2011-10-27T00:00:00Z'));
    // The same gap after ten years of data is a pause, not a typo: kept.
    const decade: Array<[string, number]> = Array.from({ length: 300 }, (_, i) => [new Date(Date.UTC(2001, 0, 1) + i * 12 * DAY).toISOString().slice(0, 10), 2]);
    expect(bulkTimeRange(times([...decade, ['2015-01-01', 1]])).toMs).to.equal(Date.parse('2015-01-01T00:00:00Z'));
    // A stray early row (a 1911 typo) goes the same way.
    expect(bulkTimeRange(times([['1911-03-01', 1], ...year])).fromMs).to.equal(Date.parse('2011-01-01T00:00:00Z'));
    // More than 1% of the rows far out is a second period of data: kept.
    expect(bulkTimeRange(times([...year, ['2016-06-01', 30]])).toMs).to.equal(Date.parse('2016-06-01T00:00:00Z'));
    // Under 100 rows there is no telling a typo from the data.
    expect(bulkTimeRange(times([['2011-01-01', 10], ['2011-02-01', 10], ['2031-01-01', 1]])).toMs).to.equal(Date.parse('2031-01-01T00:00:00Z'));
  });

  it('drops the same outlier rows when reading a file for the evaluation', async () => {
    const rows = yearOfInvoices(80);
    const data = await loadRetailData(tmp.write('future.csv', `${[FIXTURE_HEADER, ...rows, '599999,22386,BAG,3,2031-06-01 09:00:00,1.95,19999,United Kingdom'].join('\n')}\n`));
    expect(data.customers.has('19999'), 'a customer whose only invoice is the outlier').to.equal(false);
    expect(new Date(data.lastSourceMs).getUTCFullYear()).to.equal(2011);
  });
});

describe('evaluate CLI on data it cannot measure', function () {
  this.timeout(180_000);
  let tmp: TempDir;
  beforeEach(() => { tmp = tempDir('reco-eval-bad-'); });
  afterEach(() => tmp.cleanup());
  const evaluate = (file: string) => spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO, 'sync-server/src/evaluate/cli.ts'), '--csv', file, '--json'], { cwd: REPO, encoding: 'utf8', timeout: 170_000 });

  it('exits non-zero with the reason on a history shorter than the test window', () => {
    const month = Array.from({ length: 60 }, (_, i) => `${560000 + i},${22380 + (i % 6)},ITEM,2,2011-11-${String(1 + (i % 27)).padStart(2, '0')} 10:00:00,1.95,${12000 + (i % 5)},United Kingdom`);
    const run = evaluate(tmp.write('short.csv', `${[FIXTURE_HEADER, ...month].join('\n')}\n`));
    expect(run.status, run.stdout.slice(0, 300)).to.equal(1);
    expect(run.stdout).to.equal('');
    expect(run.stderr).to.match(/^evaluate: nothing to train on: every purchase \(2011-11-01\.\.2011-11-27\) falls in the three-month test window/);
  });

  it('warns about a far-future row, leaves it out and measures on the real test window', async () => {
    const sample = fs.readFileSync(await retailSample(30), 'utf8').trimEnd().split('\n');
    const file = tmp.write('future.csv', `${[...sample, '599999,22386,JUMBO BAG PINK POLKADOT,3,2031-06-01 09:00:00,1.95,12347,Iceland'].join('\n')}\n`);
    const run = evaluate(file);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stderr).to.contain(`evaluate: warning: ${file}: line ${sample.length + 1}: InvoiceDate 2031-06-01 is`);
    const out = JSON.parse(run.stdout) as { windows: { testTo: string }; buyAgain: { reco: { users: number } } };
    expect(out.windows.testTo.slice(0, 4)).to.equal('2011');
    expect(out.buyAgain.reco.users).to.be.greaterThan(0);
  });
});
