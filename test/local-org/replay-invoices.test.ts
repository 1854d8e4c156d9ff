// asOf holds later invoices back; replayInvoices plays them through the normal write path, so
// SystemModstamp and CreatedDate move to the store's now and Amount rolls up, also from another
// store opened on the same database file.
import { expect } from 'chai';
import path from 'node:path';
import type { OrgStore } from '../../local-org/src/types.js';
import type { LocalOrgStore } from '../../local-org/src/store/org-store.js';
import { seedOnlineRetail } from '../../local-org/src/seed/online-retail.js';
import { replayInvoices } from '../../local-org/src/seed/replay.js';
import { fixtureCsv, tempDir, type TempDir } from './seed-fixture.js';
import { openTestStore, SATURDAY } from './seed-store-helper.js';

type Row = Record<string, unknown>;

describe('replayInvoices', function () {
  this.timeout(20_000);
  let tmp: TempDir;
  const stores: LocalOrgStore[] = [];
  const open = (now: Date, file?: string): LocalOrgStore => {
    const s = openTestStore(now, file);
    stores.push(s);
    return s;
  };
  beforeEach(() => {
    tmp = tempDir('reco-replay-');
  });
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
    tmp.cleanup();
  });
  const rows = (store: OrgStore, sql: string, ...params: string[]): Row[] => store.db.prepare(sql).all(...params) as Row[];

  // With "now" on Saturday 2026-11-21 the source's 2011-12-07 is 2026-11-18 and 2011-12-09 is 2026-11-20.
  it('holds back invoices from asOf on, then replays them in date order with fresh audit stamps', async () => {
    const dbFile = path.join(tmp.dir, 'org.db');
    const seeding = open(SATURDAY, dbFile);
    const csv = tmp.write('fixture.csv', fixtureCsv());
    const report = await seedOnlineRetail(seeding, { file: csv, asOf: '2026-11-18' });
    expect(report).to.deep.include({ accounts: 2, pendingInvoices: 2, opportunities: { won: 6, lost: 1 } });
    expect(rows(seeding, `SELECT Name FROM Opportunity WHERE Name IN ('Invoice 536374', 'Invoice 536375')`)).to.deep.equal([]);
    expect(rows(seeding, `SELECT Id FROM Account WHERE AccountNumber = '14000'`)).to.deep.equal([]);
    const before = rows(seeding, `SELECT MAX(SystemModstamp) AS m FROM Opportunity`)[0].m as string;
    stores.splice(stores.indexOf(seeding), 1);
    seeding.close();

    // Another "process": a new store on the same file, an hour later.
    const later = new Date(SATURDAY.getTime() + 3_600_000);
    const replaying = open(later, dbFile);
    const first = replayInvoices(replaying, { count: 1, housekeeping: true });
    expect(first).to.deep.include({ invoices: 1, opportunities: 1, lineItems: 1, accounts: 1, remaining: 1 });
    const opp = rows(replaying, `SELECT * FROM Opportunity WHERE Name = 'Invoice 536374'`)[0];
    expect(opp).to.include({ StageName: 'Closed Won', CloseDate: '2026-11-18', Amount: 12.75, CreatedDate: later.toISOString(), SystemModstamp: later.toISOString() });
    expect(opp.SystemModstamp as string > before).to.equal(true);
    const acct = rows(replaying, `SELECT Id, CreatedDate, BillingCountry FROM Account WHERE AccountNumber = '14000'`)[0];
    expect(acct).to.include({ Id: opp.AccountId, CreatedDate: later.toISOString(), BillingCountry: 'Germany' });
    // What an incremental sync would ask: everything modified since the seed.
    // Housekeeping deleted the oldest cancellation, with its line item, as a user would.
    expect(first.deleted).to.deep.equal(['Invoice C536369']);
    const changed = rows(replaying, `SELECT Name, IsDeleted FROM Opportunity WHERE SystemModstamp > ? ORDER BY Name`, before);
    expect(changed).to.deep.equal([{ Name: 'Invoice 536374', IsDeleted: 0 }, { Name: 'Invoice C536369', IsDeleted: 1 }]);
    expect(rows(replaying, `SELECT IsDeleted FROM OpportunityLineItem WHERE OpportunityId = (SELECT Id FROM Opportunity WHERE Name = 'Invoice C536369')`)).to.deep.equal([{ IsDeleted: 1 }]);

    const rest = replayInvoices(replaying, { until: '2026-11-21', housekeeping: true });
    expect(rest).to.deep.include({ invoices: 1, accounts: 0, remaining: 0, until: '2026-11-21', deleted: [] }); // no cancellation left
    const last = rows(replaying, `SELECT o.Amount, a.AccountNumber FROM Opportunity o JOIN Account a ON a.Id = o.AccountId WHERE o.Name = 'Invoice 536375'`)[0];
    expect(last).to.deep.equal({ Amount: 19.5, AccountNumber: '17850' });
    expect(replayInvoices(replaying)).to.deep.include({ invoices: 0, remaining: 0 });
    expect(rows(replaying, `SELECT COUNT(*) AS n FROM Opportunity WHERE IsDeleted = 0`)[0].n).to.equal(8);
  });

  it('replays nothing past until and leaves the rest pending', async () => {
    const store = open(SATURDAY);
    await seedOnlineRetail(store, { file: tmp.write('fixture.csv', fixtureCsv()), asOf: '2026-11-01' });
    const r = replayInvoices(store, { until: '2026-11-19' });
    // Pending from 2026-11-01: the shifted 2011-12-02, -05 and -07 invoices are before the 19th; -09 is not.
    expect(r).to.deep.include({ invoices: 3, remaining: 1, deleted: [] });
    expect(rows(store, `SELECT COUNT(*) AS n FROM Opportunity WHERE Name = 'Invoice 536375'`)[0].n).to.equal(0);
    expect(() => replayInvoices(store, { count: -1 })).to.throw(/count must be a non-negative integer/);
    expect(() => replayInvoices(store, { until: '19/11/2026' })).to.throw(/until must be a date as YYYY-MM-DD/);
  });

  it('does nothing on an org that was never seeded with asOf', async () => {
    const store = open(SATURDAY);
    expect(replayInvoices(store)).to.deep.equal({ invoices: 0, opportunities: 0, lineItems: 0, accounts: 0, tasks: 0, events: 0, deleted: [], remaining: 0 });
  });
});
