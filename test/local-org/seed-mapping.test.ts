// Pure mapping rules of the Online Retail seeder: families, skip reasons with CSV line numbers, the
// date shift, account names and the determinism of the synthetic activities.
import { expect } from 'chai';
import { isNonProductCode, productFamily, FEES_FAMILY } from '../../local-org/src/seed/families.js';
import { dateShiftWeeks, shiftMs, sourceTimeMs, toSfDate, parseDayOption } from '../../local-org/src/seed/dates.js';
import { loadRetailData } from '../../local-org/src/seed/dataset.js';
import { accountName, buyerProfile, listPrice, productRecord } from '../../local-org/src/seed/records.js';
import { planAccountActivities } from '../../local-org/src/seed/activities.js';
import { fixtureCsv, rejection, tempDir, FIXTURE_HEADER, type TempDir } from './seed-fixture.js';

describe('seed mapping: product families', () => {
  it('derives families from descriptions by keyword, first rule wins', () => {
    expect(productFamily('22086', "PAPER CHAIN KIT 50'S CHRISTMAS ")).to.equal('Christmas');
    expect(productFamily('85123A', 'WHITE HANGING HEART T-LIGHT HOLDER')).to.equal('Candles & Lights');
    expect(productFamily('22386', 'JUMBO BAG PINK POLKADOT')).to.equal('Bags');
    expect(productFamily('22423', 'REGENCY CAKESTAND 3 TIER')).to.equal('Kitchen & Dining');
    expect(productFamily('22910', 'PAPER CHAIN KIT VINTAGE CHRISTMAS')).to.equal('Christmas');
    expect(productFamily('21977', 'PACK OF 60 PINK PAISLEY CAKE CASES')).to.equal('Kitchen & Dining');
    expect(productFamily('90000', 'GLASS BEAD HOOP NECKLACE')).to.equal('Jewellery');
    expect(productFamily('22139', 'RETROSPOT TEA SET CERAMIC 11 PC')).to.equal('Kitchen & Dining');
    expect(productFamily('84879', 'ASSORTED COLOUR BIRD ORNAMENT')).to.equal('Home Decor');
    expect(productFamily('22961', 'GREETING CARD ROBIN')).to.equal('Cards & Wrap');
    expect(productFamily('99999', 'SOMETHING UNCLASSIFIABLE')).to.equal('Other');
    expect(productFamily('21977', null)).to.equal('Other');
  });

  it('puts fees, postage, manual lines and vouchers in Fees & Postage whatever the description', () => {
    for (const code of ['POST', 'DOT', 'C2', 'M', 'm', 'D', 'S', 'B', 'CRUK', 'PADS', 'AMAZONFEE', 'BANK CHARGES', 'gift_0001_20']) {
      expect(isNonProductCode(code), code).to.equal(true);
      expect(productFamily(code, 'CHRISTMAS LIGHTS'), code).to.equal(FEES_FAMILY);
    }
    expect(isNonProductCode('85123A')).to.equal(false);
    expect(isNonProductCode('DCGSSGIRL')).to.equal(false);
  });
});

describe('seed mapping: dates', () => {
  it('shifts by whole weeks so the last invoice lands on yesterday when weekdays agree', () => {
    // 2011-12-09 was a Friday; a Saturday "now" makes yesterday a Friday.
    const now = new Date('2026-11-21T10:00:00Z');
    const weeks = dateShiftWeeks('2011-12-09', now);
    const shifted = shiftMs(sourceTimeMs('2011-12-09T12:50:00'), weeks);
    expect(toSfDate(shifted)).to.equal('2026-11-20');
    expect(new Date(shifted).toISOString()).to.equal('2026-11-20T12:50:00.000Z');
  });

  it('keeps the weekday and lands within the week ending yesterday otherwise', () => {
    for (let d = 0; d < 7; d += 1) {
      const now = new Date(Date.UTC(2026, 10, 23 + d, 0, 30));
      const weeks = dateShiftWeeks('2011-12-09', now);
      expect(Number.isInteger(weeks)).to.equal(true);
      const shifted = shiftMs(sourceTimeMs('2011-12-09T12:50:00'), weeks);
      const yesterday = Date.UTC(2026, 10, 23 + d) - 86_400_000;
      expect(new Date(shifted).getUTCDay()).to.equal(5); // Friday, like the source
      expect(shifted).to.be.at.least(yesterday - 6 * 86_400_000);
      expect(shifted).to.be.below(yesterday + 86_400_000);
    }
  });

  it('rejects a malformed day option with the option name', () => {
    expect(() => parseDayOption('asOf', '2026-13-01')).to.throw(/asOf must be a date as YYYY-MM-DD, got "2026-13-01"/);
    expect(() => parseDayOption('until', 'tomorrow')).to.throw(/until/);
    expect(parseDayOption('asOf', '2026-11-01')).to.equal(Date.UTC(2026, 10, 1));
  });
});

describe('seed mapping: reading the file', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = tempDir('reco-seed-map-');
  });
  afterEach(() => tmp.cleanup());

  it('groups invoices and reports every dropped row under its reason with CSV line numbers', async () => {
    const data = await loadRetailData(tmp.write('fixture.csv', fixtureCsv()));
    expect(data.rows).to.equal(16);
    expect(data.skipped).to.deep.equal({
      'non-positive-quantity': { rows: 1, examples: [7] },
      'no-customer-id': { rows: 1, examples: [8] },
      'adjustment-invoice': { rows: 1, examples: [10] },
      'non-positive-price': { rows: 1, examples: [11] },
    });
    const numbers = data.invoices.map((i) => i.invoiceNo);
    expect(numbers).to.deep.equal(['536365', '536366', 'C536369', '536370', '536371', '536372', '536373', '536374', '536375']);
    const cancel = data.invoices.find((i) => i.invoiceNo === 'C536369');
    expect(cancel?.cancelled).to.equal(true);
    expect(cancel?.lines).to.deep.equal([{ line: 9, stockCode: '22386', quantity: 4, unitPrice: 1.95 }]);
    expect([...data.customers.keys()].sort()).to.deep.equal(['12583', '14000', '17850']);
    // Products include codes only sold to anonymous buyers or on skipped rows.
    expect([...data.products.keys()]).to.include.members(['85123A', '22086', 'POST', '22386', '22423', '21977', 'B']);
  });

  it('names products by their most frequent trimmed description, with a fallback, and prices by the mode', async () => {
    const data = await loadRetailData(tmp.write('fixture.csv', fixtureCsv()));
    const heart = productRecord(data.products.get('85123A')!);
    expect(heart.Name).to.equal('WHITE HANGING HEART T-LIGHT HOLDER');
    expect(heart.Family).to.equal('Candles & Lights');
    expect(heart.IsActive).to.equal(true);
    expect(listPrice(data.products.get('85123A')!)).to.equal(2.55); // 2.55 twice, 2.95 once
    expect(listPrice(data.products.get('22423')!)).to.equal(12.75); // the zero price is ignored
    expect(productRecord(data.products.get('21977')!).Name).to.equal('Product 21977');
    expect(productRecord(data.products.get('POST')!).Family).to.equal('Fees & Postage');
  });

  it('fails on a bad header naming the file and line 1', async () => {
    const file = tmp.write('bad-header.csv', 'Invoice,Stock,Description\n1,2,3\n');
    let error: Error | undefined;
    try {
      await loadRetailData(file);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).to.match(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line 1: header must be InvoiceNo,StockCode`));
  });

  it('reports a row with a bad number under malformed-row with its line number', async () => {
    const file = tmp.write('bad-number.csv', `${FIXTURE_HEADER}\n536365,85123A,HEART,6,2011-11-01 08:26:00,2.55,17850,United Kingdom\n536365,71053,LANTERN,six,2011-11-01 08:26:00,3.39,17850,United Kingdom\n`);
    const data = await loadRetailData(file);
    expect(data.skipped['malformed-row']).to.deep.equal({ rows: 1, examples: [3] });
    expect(data.malformed).to.deep.equal([`${file}: line 3: Quantity "six" is not a number (column 4)`]);
    expect(data.invoices).to.have.length(1);
  });

  it('fails on a file without valid data rows, naming it and the first bad rows', async () => {
    const empty = tmp.write('empty.csv', `${FIXTURE_HEADER}\n`);
    expect((await rejection(loadRetailData(empty))).message).to.equal(`${empty}: no valid data rows`);
    const bad = tmp.write('bad.csv', `${FIXTURE_HEADER}\n536365,85123A,HEART,6,yesterday,2.55,17850,United Kingdom\n`);
    expect((await rejection(loadRetailData(bad))).message).to.equal(
      `${bad}: no valid data rows (${bad}: line 2: InvoiceDate "yesterday" is not a date and time as YYYY-MM-DD HH:MM:SS (column 5))`,
    );
  });

  it('fails on a missing file naming it', async () => {
    const missing = `${tmp.dir}/nope.csv`;
    let error: Error | undefined;
    try {
      await loadRetailData(missing);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).to.equal(`${missing}: file not found`);
  });
});

describe('seed mapping: accounts and synthetic activities', () => {
  it('gives customers stable, readable, distinct names', () => {
    const taken = new Set<string>();
    const names = new Set<string>();
    for (let id = 12346; id <= 18287; id += 1) names.add(accountName(String(id), taken));
    expect(names.size).to.equal(18287 - 12346 + 1);
    expect(accountName('17850')).to.equal(accountName('17850'));
    expect(accountName('17850')).to.match(/^[A-Z][a-z]+ [A-Z][a-z]+ [A-Z][a-z]+( [A-Z][a-z]+)?$/);
    expect(accountName('X-1')).to.equal('Customer X-1');
  });

  const customer = (id: string, orders: Array<[string, number, number]>) => ({
    id,
    countries: new Map([['United Kingdom', 1]]),
    invoices: orders.map(([date, qty, price], i) => ({
      invoiceNo: `${id}${i}`, customerId: id, atMs: Date.parse(`${date}T10:00:00Z`), cancelled: false,
      lines: [{ line: i + 2, stockCode: '85123A', quantity: qty, unitPrice: price }],
    })),
  });

  it('classifies wholesale resellers by units per order and order frequency', () => {
    expect(buyerProfile(customer('1', [['2011-01-03', 500, 1]])).wholesale).to.equal(true);
    expect(buyerProfile(customer('2', [['2011-01-03', 6, 2], ['2011-02-03', 6, 2]])).wholesale).to.equal(false);
  });

  it('plans the same activities for the same seed, different ones for another seed, within the data', () => {
    const orders: Array<[string, number, number]> = [];
    for (let m = 1; m <= 11; m += 1) orders.push([`2011-${String(m).padStart(2, '0')}-10`, 200, 3]);
    const big = customer('17850', orders);
    const end = Date.parse('2011-12-09T12:50:00Z');
    let total = 0;
    for (let seed = 1; seed <= 20; seed += 1) {
      const a = planAccountActivities(big, end, seed);
      expect(planAccountActivities(big, end, seed)).to.deep.equal(a);
      total += a.length;
      for (const x of a) {
        expect(x.atMs).to.be.above(big.invoices[0].atMs);
        expect(x.atMs).to.be.at.most(end);
        const day = new Date(x.atMs).getUTCDay();
        expect(day, 'weekday').to.be.within(1, 5);
        if (x.invoiceNo) expect(x.atMs).to.be.above(big.invoices.find((i) => i.invoiceNo === x.invoiceNo)!.atMs);
      }
    }
    expect(total / 20).to.be.above(5); // a regular wholesale buyer gets regular touches
    expect(planAccountActivities(big, end, 1)).to.not.deep.equal(planAccountActivities(big, end, 2));
  });

  it('reaches out to lapsed accounts after their last order', () => {
    const lapsed = customer('13000', [['2011-01-10', 50, 2], ['2011-02-10', 50, 2]]);
    const end = Date.parse('2011-12-09T12:50:00Z');
    const winBack = [];
    for (let seed = 1; seed <= 40; seed += 1) {
      winBack.push(...planAccountActivities(lapsed, end, seed).filter((a) => a.atMs > Date.parse('2011-04-10T00:00:00Z')));
    }
    expect(winBack.length).to.be.above(5);
    for (const a of winBack) expect(a.subject).to.match(/win-back|miss you|re-engagement/);
  });
});
