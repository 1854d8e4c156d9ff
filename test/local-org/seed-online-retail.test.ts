// Seeding a real store from a small hand-written Online Retail file: records and their fields, Amount
// roll-ups, Closed Lost cancellations, the date shift, skipped rows and deterministic synthetic activities.
import { expect } from 'chai';
import path from 'node:path';
import type { OrgStore } from '../../local-org/src/types.js';
import type { LocalOrgStore } from '../../local-org/src/store/org-store.js';
import { seedOnlineRetail, type SeedReport } from '../../local-org/src/seed/online-retail.js';
import { fixtureCsv, rejection, tempDir, type TempDir } from './seed-fixture.js';
import { openTestStore, SATURDAY } from './seed-store-helper.js';

type Row = Record<string, unknown>;

describe('seedOnlineRetail', function () {
  this.timeout(20_000);
  let tmp: TempDir;
  let csv: string;
  const stores: LocalOrgStore[] = [];
  const open = (file?: string): LocalOrgStore => {
    const s = openTestStore(SATURDAY, file);
    stores.push(s);
    return s;
  };
  beforeEach(() => {
    tmp = tempDir('reco-seed-');
    csv = tmp.write('fixture.csv', fixtureCsv());
  });
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
    tmp.cleanup();
  });

  const rows = (store: OrgStore, sql: string, ...params: Array<string | number>): Row[] => store.db.prepare(sql).all(...params) as Row[];

  it('maps customers, products, invoices and line items with Amount rolled up', async () => {
    const store = open();
    const stages: string[] = [];
    const report = await seedOnlineRetail(store, { file: csv, onProgress: (e) => stages.push(e.stage) });
    expect(report).to.deep.include({
      accounts: 3, products: 7, pricebookEntries: 7, opportunities: { won: 8, lost: 1 }, lineItems: 12, pendingInvoices: 0,
      lastInvoiceDate: '2026-11-20',
    });
    expect(stages).to.include.members(['read', 'products', 'accounts', 'invoices', 'done']);

    const acct = rows(store, `SELECT * FROM Account WHERE AccountNumber = '12583'`)[0];
    expect(acct).to.include({ Type: 'Customer - Direct', BillingCountry: 'France', Industry: 'Retail' });
    expect(acct.Name).to.be.a('string').and.not.match(/^Customer /);
    const weeks = report.dateShiftWeeks;
    const shift = (iso: string): string => new Date(Date.parse(`${iso}Z`) + weeks * 7 * 86_400_000).toISOString();
    expect(acct.CreatedDate).to.equal(shift('2011-11-03T10:00:00'));

    const products = rows(store, `SELECT ProductCode, Name, Family, IsActive FROM Product2 ORDER BY ProductCode`);
    expect(products.map((p) => [p.ProductCode, p.Family])).to.deep.equal([
      ['21977', 'Other'], ['22086', 'Christmas'], ['22386', 'Bags'], ['22423', 'Kitchen & Dining'],
      ['85123A', 'Candles & Lights'], ['B', 'Fees & Postage'], ['POST', 'Fees & Postage'],
    ]);
    const price = rows(store, `SELECT e.UnitPrice, e.IsActive, b.IsStandard FROM PricebookEntry e JOIN Product2 p ON p.Id = e.Product2Id JOIN Pricebook2 b ON b.Id = e.Pricebook2Id WHERE p.ProductCode = '85123A'`);
    expect(price).to.deep.equal([{ UnitPrice: 2.55, IsActive: 1, IsStandard: 1 }]);

    const first = rows(store, `SELECT * FROM Opportunity WHERE Name = 'Invoice 536365'`)[0];
    expect(first).to.include({ StageName: 'Closed Won', IsWon: 1, Amount: 68.7, CloseDate: shift('2011-11-01T08:26:00').slice(0, 10), AccountId: rows(store, `SELECT Id FROM Account WHERE AccountNumber = '17850'`)[0].Id });
    expect(first.CreatedDate).to.equal(shift('2011-11-01T08:26:00'));
    const cancelled = rows(store, `SELECT * FROM Opportunity WHERE Name = 'Invoice C536369'`)[0];
    expect(cancelled).to.include({ StageName: 'Closed Lost', IsWon: 0, IsClosed: 1, Amount: 7.8 });
    const cancelledLines = rows(store, `SELECT Quantity, UnitPrice FROM OpportunityLineItem WHERE OpportunityId = ?`, cancelled.Id as string);
    expect(cancelledLines).to.deep.equal([{ Quantity: 4, UnitPrice: 1.95 }]);
    // The zero-price line of 536370 was skipped; the priced one remains.
    expect(rows(store, `SELECT Amount FROM Opportunity WHERE Name = 'Invoice 536370'`)[0].Amount).to.equal(51);
    expect(rows(store, `SELECT COUNT(*) AS n FROM OpportunityLineItem`)[0].n).to.equal(12);
  });

  it('reports skipped rows per reason with CSV line numbers', async () => {
    const report = await seedOnlineRetail(open(), { file: csv });
    expect(report.skipped).to.deep.equal({
      'non-positive-quantity': { rows: 1, examples: [7] },
      'no-customer-id': { rows: 1, examples: [8] },
      'adjustment-invoice': { rows: 1, examples: [10] },
      'non-positive-price': { rows: 1, examples: [11] },
    });
    expect(report.notes.join(' ')).to.match(/SYNTHETIC/);
  });

  it('shifts every date by whole weeks, putting the last invoice on yesterday and keeping weekdays', async () => {
    const store = open();
    const report = await seedOnlineRetail(store, { file: csv });
    const last = rows(store, `SELECT CreatedDate, CloseDate FROM Opportunity WHERE Name = 'Invoice 536375'`)[0];
    expect(last).to.deep.equal({ CreatedDate: '2026-11-20T12:50:00.000Z', CloseDate: '2026-11-20' });
    const days = (Date.parse('2026-11-20') - Date.parse('2011-12-09')) / 86_400_000;
    expect(report.dateShiftWeeks).to.equal(days / 7);
    for (const o of rows(store, `SELECT CloseDate FROM Opportunity`)) {
      expect(new Date(`${o.CloseDate as string}T00:00:00Z`).getUTCDay()).to.not.equal(6); // the shop never traded on Saturdays
    }
  });

  it('creates SYNTHETIC tasks and events deterministically from the seed', async () => {
    const activities = async (seed: number): Promise<{ report: SeedReport; rows: Row[] }> => {
      const store = open();
      const report = await seedOnlineRetail(store, { file: csv, seed });
      const list = rows(
        store,
        `SELECT 'Task' AS kind, t.Subject, t.ActivityDate AS day, t.Type, t.TaskSubtype AS sub, t.Status, COALESCE(a.Name, o.Name) AS what
           FROM Task t LEFT JOIN Account a ON a.Id = t.WhatId LEFT JOIN Opportunity o ON o.Id = t.WhatId
         UNION ALL SELECT 'Event', e.Subject, e.StartDateTime, e.Type, e.DurationInMinutes, e.EndDateTime, COALESCE(a.Name, o.Name)
           FROM Event e LEFT JOIN Account a ON a.Id = e.WhatId LEFT JOIN Opportunity o ON o.Id = e.WhatId
         ORDER BY 1, 3, 2, 7`,
      );
      return { report, rows: list };
    };
    const a = await activities(7);
    const b = await activities(7);
    expect(a.rows.length).to.equal(a.report.tasks + a.report.events);
    expect(a.rows.length).to.be.above(0);
    expect(b.rows).to.deep.equal(a.rows);
    for (const r of a.rows.filter((x) => x.kind === 'Task')) {
      expect(r.Status).to.equal('Completed');
      expect(['Call', 'Email']).to.include(r.Type);
      expect(r.sub).to.equal(r.Type);
    }
    const others = await Promise.all([1, 2, 3].map((s) => activities(s)));
    expect(others.some((o) => JSON.stringify(o.rows) !== JSON.stringify(a.rows))).to.equal(true);
  });

  it('refuses to seed an org that already has opportunities, and a bad asOf', async () => {
    const store = open();
    await seedOnlineRetail(store, { file: csv });
    expect((await rejection(seedOnlineRetail(store, { file: csv }))).message).to.match(/already has data/);
    expect((await rejection(seedOnlineRetail(open(), { file: csv, asOf: '6 Dec' }))).message).to.equal('asOf must be a date as YYYY-MM-DD, got "6 Dec"');
  });

  it('skips a row with a bad number and names its file and line in the report', async () => {
    const rowsWithBadNumber = fixtureCsv().replace('536372,22386,JUMBO BAG PINK POLKADOT,20,', '536372,22386,JUMBO BAG PINK POLKADOT,2O,');
    const file = tmp.write('bad-number.csv', rowsWithBadNumber);
    const report = await seedOnlineRetail(open(), { file });
    expect(report.skipped['malformed-row']).to.deep.equal({ rows: 1, examples: [14] });
    expect(report.notes).to.include(`skipped malformed row: ${file}: line 14: Quantity "2O" is not a number (column 4)`);
    expect(report.opportunities.won).to.equal(7);
  });

  it('names the file and line of a bad header and leaves the org empty', async () => {
    const store = open(path.join(tmp.dir, 'org.db'));
    const bad = tmp.write('bad.csv', 'InvoiceNo;StockCode\n1;2\n');
    const error = await rejection(seedOnlineRetail(store, { file: bad }));
    expect(error.message).to.match(/bad\.csv: line 1: header must be InvoiceNo,StockCode/);
    expect(rows(store, `SELECT COUNT(*) AS n FROM Account`)[0].n).to.equal(0);
  });
});
