import { expect } from 'chai';
import { seedOnlineRetail } from '../../local-org/src/seed/online-retail.js';
import { caseReason, readCaseQueries } from '../../local-org/src/seed/cases.js';
import type { LocalOrgStore } from '../../local-org/src/store/org-store.js';
import { fixtureCsv, tempDir, type TempDir } from '../local-org/seed-fixture.js';
import { openTestStore, SATURDAY } from '../local-org/seed-store-helper.js';

const BANKING77 = '../shared/data/text/banking77-test.csv.gz';

describe('local-org seed: Cases with real support text', function () {
  this.timeout(30_000);
  let tmp: TempDir;
  const stores: LocalOrgStore[] = [];
  beforeEach(() => {
    tmp = tempDir('reco-seedcases-');
  });
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
    tmp.cleanup();
  });

  it('reads the BANKING77 file and maps every intent to a case reason', () => {
    const q = readCaseQueries(BANKING77);
    expect(q).to.have.length(3080);
    expect(q[1]).to.deep.equal({ text: 'I still have not received my new card, I ordered over a week ago.', intent: 'card_arrival' });
    expect(caseReason('card_arrival')).to.equal('Card');
    expect(caseReason('request_refund')).to.equal('Refund');
    expect(caseReason('exchange_rate')).to.equal('Exchange rate');
    expect(caseReason('verify_my_identity')).to.equal('Identity verification');
    const reasons = new Set(q.map((x) => caseReason(x.intent)));
    expect(reasons.size).to.be.greaterThan(8);
  });

  it('opens the same cases on the same accounts for the same seed, dated within each account history', async () => {
    const csv = tmp.write('fixture.csv', fixtureCsv());
    const cases = tmp.write('cases.csv', 'text,label\n"My card has not arrived, still waiting",card_arrival\nI want a refund,request_refund\n"Why was I charged twice?",transaction_charged_twice\n');
    const load = async (seed: number) => {
      const store = openTestStore(SATURDAY);
      stores.push(store);
      const report = await seedOnlineRetail(store, { file: csv, cases, seed });
      const rows = store.db.prepare('SELECT c.AccountId, c.Subject, c.Description, c.Reason, c.Status, c.IsClosed, c.CreatedDate, a.CreatedDate AS AccountCreated FROM "Case" c JOIN Account a ON a.Id = c.AccountId ORDER BY c.CreatedDate, c.Subject').all() as Record<string, unknown>[];
      return { report, rows };
    };
    const a = await load(3);
    const b = await load(3);
    expect(a.rows.length).to.be.greaterThan(0);
    expect(a.report.cases).to.equal(a.rows.length);
    expect(a.rows.map((r) => [r.Subject, r.CreatedDate])).to.deep.equal(b.rows.map((r) => [r.Subject, r.CreatedDate]));
    for (const r of a.rows) {
      expect(String(r.CreatedDate) >= String(r.AccountCreated), 'case after its account').to.equal(true);
      expect(['Card', 'Refund', 'Fees and charges']).to.include(r.Reason);
      expect(r.Description).to.equal(r.Subject);
      expect(r.IsClosed).to.equal(r.Status === 'Closed' ? 1 : 0);
    }
    expect(a.report.notes.join(' ')).to.match(/random/);
  });
});
