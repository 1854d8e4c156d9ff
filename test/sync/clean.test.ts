import { expect } from 'chai';
import { cleanRecords, toIsoDate } from '../../sync-server/src/clean/clean.js';
import { DEFAULT_MINIMUMS } from '../../sync-server/src/clean/rules.js';

const acc = (Id: string, Name = Id) => ({ Id, Name, BillingCountry: 'United Kingdom', Industry: null, CreatedDate: '2010-12-01T08:26:00.000+0000' });
const prod = (Id: string, ProductCode: string, Family: string | null = 'Home') => ({ Id, Name: ProductCode, ProductCode, Family, Description: null, IsActive: true });
const opp = (Id: string, AccountId: string, won = true) => ({ Id, AccountId, Name: Id, StageName: won ? 'Closed Won' : 'Closed Lost', IsWon: won, IsClosed: true, CloseDate: '2011-03-04', Amount: 10, CreatedDate: '2011-03-04T10:00:00.000+0000' });
const line = (Id: string, OpportunityId: string, Product2Id: string, Quantity = 2, UnitPrice = 1.5) => ({ Id, OpportunityId, Product2Id, Quantity, UnitPrice, TotalPrice: Quantity * UnitPrice });

describe('sync: clean stage', () => {
  const raw = {
    Account: [acc('A1'), acc('A2'), acc('A3', 'a1'), acc('A4')],
    Product2: [prod('P1', '85123A'), prod('P2', '22423'), prod('P3', 'POST'), prod('P4', 'gift_0001_10'), prod('P5', 'X1', 'Fees & Postage'), prod('P6', '85123a')],
    PricebookEntry: [{ Id: 'E1', Product2Id: 'P1', Pricebook2Id: 'STD', UnitPrice: 2.55, IsActive: true }],
    Opportunity: [opp('O1', 'A1'), opp('O2', 'A2', false), opp('O3', 'GONE'), opp('O4', 'A3')],
    OpportunityLineItem: [
      line('L01', 'O1', 'P1'), line('L02', 'O1', 'P1'), // exact duplicate
      line('L03', 'O1', 'P3'), line('L04', 'O1', 'P4'), line('L05', 'O1', 'P5'), // postage, voucher, fee family
      line('L06', 'O1', 'P2', -1), line('L07', 'O1', 'P2', 1, 0), // non-positive
      line('L08', 'OX', 'P2'), line('L09', 'O1', 'PX'), // orphans
      line('L10', 'O2', 'P6', 3), // duplicate product code -> repaired to P1
      line('L11', 'O4', 'P2'),
    ],
    Task: [{ Id: 'T1', AccountId: 'A1', ActivityDate: '2011-03-01', TaskSubtype: 'Call', Type: null }, { Id: 'T2', AccountId: 'A4', ActivityDate: '2011-03-01', TaskSubtype: 'Email', Type: null }],
    Event: [{ Id: 'V1', AccountId: 'A2', StartDateTime: '2011-03-02T09:00:00.000+0000', EventSubtype: 'Event', Type: null }],
    Product_Recommendation__c: [{ Id: 'R1', External_Id__c: 'A1-P2-XS', Account__c: 'A1', Product__c: 'P2', Kind__c: 'Cross-sell', Status__c: 'Dismissed', Dismiss_Reason__c: 'Not relevant' }],
  };

  it('drops and repairs by rule, with counts and example ids', () => {
    const { dataset, report } = cleanRecords(raw, { asOf: '2011-12-10T00:00:00.000Z' });
    const rule = (name: string) => report.rules.find((r) => r.rule === name);
    expect(rule('duplicate-line')).to.include({ count: 1, action: 'dropped' }).and.have.property('examples').that.deep.equals(['L02']);
    expect(rule('non-product')?.count).to.equal(3); // POST, gift_*, Fees & Postage family
    expect(rule('non-product-line')?.count).to.equal(3);
    expect(rule('non-positive-quantity-or-price')?.examples).to.deep.equal(['L06', 'L07']);
    expect(rule('orphan-line')?.examples).to.deep.equal(['L08', 'L09']);
    expect(rule('orphan-opportunity')?.examples).to.deep.equal(['O3']);
    expect(rule('duplicate-product-code')?.examples).to.deep.equal(['P6']);
    expect(rule('account-without-history')?.examples).to.deep.equal(['A4']);
    expect(rule('duplicate-account-name')?.examples).to.deep.equal(['A3']);
    expect(rule('activity-without-account')?.examples).to.deep.equal(['T2']);

    expect(dataset.lines.map((l) => l.id)).to.deep.equal(['L01', 'L10', 'L11']);
    expect(dataset.lines[1]).to.include({ productId: 'P1', accountId: 'A2', isWon: false, closeDate: '2011-03-04', totalPrice: 4.5 });
    expect(dataset.products.find((p) => p.id === 'P1')?.listPrice).to.equal(2.55);
    expect(dataset.accounts.map((a) => a.id)).to.deep.equal(['A1', 'A2', 'A3']);
    expect(dataset.activities.map((a) => [a.id, a.kind, a.date])).to.deep.equal([['T1', 'call', '2011-03-01'], ['V1', 'meeting', '2011-03-02']]);
    expect(dataset.feedback[0]).to.include({ externalId: 'A1-P2-XS', status: 'Dismissed', dismissReason: 'Not relevant' });
    expect(report.output.lines).to.equal(3);
  });

  it('says which models the data is not ready for, and why', () => {
    const { report } = cleanRecords(raw, { asOf: '2011-12-10T00:00:00.000Z' });
    expect(report.ready).to.equal(false);
    const seg = report.readiness.find((r) => r.model === 'segmentation');
    expect(seg).to.include({ ready: false });
    expect(seg?.detail).to.equal(`accounts with won orders 2/${DEFAULT_MINIMUMS.segmentation.accountsWithWonOrders}`);
    const relaxed = cleanRecords(raw, { minimums: { segmentation: { accountsWithWonOrders: 2 }, crossSell: { multiProductOrders: 0, products: 1 }, buyAgain: { repeatAccounts: 0 }, churn: { historyDays: 0, accountsWithWonOrders: 1 } } });
    expect(relaxed.report.ready).to.equal(true);
  });

  it('converts other currencies and drops unknown ones when the org is multi-currency', () => {
    const multi = { ...raw, OpportunityLineItem: [{ ...line('L01', 'O1', 'P1'), CurrencyIsoCode: 'EUR' }, { ...line('L02', 'O1', 'P2'), CurrencyIsoCode: 'JPY' }] };
    const { dataset, report } = cleanRecords(multi, { currency: { corporate: 'GBP', rates: { EUR: 0.5 } } });
    expect(dataset.lines.map((l) => [l.id, l.unitPrice])).to.deep.equal([['L01', 0.75]]);
    expect(report.rules.find((r) => r.rule === 'unknown-currency')?.examples).to.deep.equal(['L02']);
  });

  it('normalises Salesforce date and datetime shapes', () => {
    expect(toIsoDate('2011-12-09')).to.equal('2011-12-09');
    expect(toIsoDate('2011-12-09T23:30:00.000+0000')).to.equal('2011-12-09');
    expect(toIsoDate('garbage')).to.equal(null);
  });
});
