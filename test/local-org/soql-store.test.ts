// The engine over the real OrgStore (schema registry + DML), as the HTTP layer runs it.
import { expect } from 'chai';
import { createQueryEngine, type QueryEngine } from '../../local-org/src/soql/engine.js';
import { openOrgStore, type LocalOrgStore } from '../../local-org/src/store/org-store.js';
import { installReco } from '../support/reco-org.js';

const V = '50.0';
const url = (type: string, id: string): string => `/services/data/v${V}/sobjects/${type}/${id}`;
const attrs = (type: string, id: string) => ({ type, url: url(type, id) });

describe('soql engine over the OrgStore', () => {
  let store: LocalOrgStore;
  let engine: QueryEngine;
  const ids: Record<string, string> = {};
  const q = (soql: string, scanAll = false) => engine.query(soql, { scanAll, apiVersion: V });
  const created = (r: { id: string | null; success: boolean; errors: unknown[] }[]): string => {
    expect(r[0].errors).to.deep.equal([]);
    return r[0].id!;
  };

  before(() => {
    store = openOrgStore({ clock: () => new Date('2024-05-15T10:30:00.000Z') });
    installReco(store);
    engine = createQueryEngine(store);
    ids.acme = created(store.insert('Account', [{ Name: 'Acme', Industry: 'Technology' }]));
    ids.prod = created(store.insert('Product2', [{ Name: 'Mug', Family: 'Kitchen', ProductCode: 'MUG-1', IsActive: true }]));
    ids.pbe = created(store.insert('PricebookEntry', [{ Pricebook2Id: store.identity.standardPricebookId, Product2Id: ids.prod, UnitPrice: 4.5, IsActive: true }]));
    ids.opp = created(store.insert('Opportunity', [{ Name: 'Big', AccountId: ids.acme, StageName: 'Prospecting', CloseDate: '2024-05-01' }]));
    ids.oli = created(store.insert('OpportunityLineItem', [{ OpportunityId: ids.opp, PricebookEntryId: ids.pbe, Quantity: 2, UnitPrice: 4.5 }]));
    ids.task = created(store.insert('Task', [{ Subject: 'Call', WhatId: ids.opp, Status: 'Not Started', Priority: 'Normal' }]));
    ids.rec = created(store.insert('Product_Recommendation__c', [{ Account__c: ids.acme, Product__c: ids.prod, Score__c: 0.75 }]));
  });
  after(() => store.close());

  it('reads records written through DML, derived fields included', () => {
    expect(q('SELECT Name, Amount, Account.Name, Owner.Name, (SELECT Quantity, TotalPrice, PricebookEntry.Product2.Family FROM OpportunityLineItems) FROM Opportunity')).to.deep.equal({
      totalSize: 1,
      done: true,
      records: [{
        attributes: attrs('Opportunity', ids.opp), Name: 'Big', Amount: 9,
        Account: { attributes: attrs('Account', ids.acme), Name: 'Acme' },
        Owner: { attributes: attrs('User', store.identity.adminUserId), Name: 'Admin User' },
        OpportunityLineItems: {
          totalSize: 1, done: true,
          records: [{
            attributes: attrs('OpportunityLineItem', ids.oli), Quantity: 2, TotalPrice: 9,
            PricebookEntry: {
              attributes: attrs('PricebookEntry', ids.pbe),
              Product2: { attributes: attrs('Product2', ids.prod), Family: 'Kitchen' },
            },
          }],
        },
      }],
    });
  });

  it('answers custom child relationships and polymorphic What', () => {
    const recName = store.retrieve('Product_Recommendation__c', ids.rec)!.Name as string;
    expect(recName).to.be.a('string').and.not.equal('');
    expect(q('SELECT Name, (SELECT Name, Score__c, Product__r.ProductCode FROM Product_Recommendations__r) FROM Account').records).to.deep.equal([{
      attributes: attrs('Account', ids.acme), Name: 'Acme',
      Product_Recommendations__r: {
        totalSize: 1, done: true,
        records: [{ attributes: attrs('Product_Recommendation__c', ids.rec), Name: recName, Score__c: 0.75, Product__r: { attributes: attrs('Product2', ids.prod), ProductCode: 'MUG-1' } }],
      },
    }]);
    expect(q('SELECT Subject, What.Name FROM Task').records).to.deep.equal([
      { attributes: attrs('Task', ids.task), Subject: 'Call', What: { attributes: attrs('Opportunity', ids.opp), Name: 'Big' } },
    ]);
  });

  it('shows soft-deleted rows (cascaded line items included) only to queryAll', () => {
    const more = created(store.insert('Opportunity', [{ Name: 'Doomed', AccountId: ids.acme, StageName: 'Prospecting', CloseDate: '2024-06-01' }]));
    const line = created(store.insert('OpportunityLineItem', [{ OpportunityId: more, PricebookEntryId: ids.pbe, Quantity: 1, UnitPrice: 4.5 }]));
    expect(store.delete([more])[0].success).to.equal(true);
    expect(q(`SELECT Id FROM OpportunityLineItem WHERE Id = '${line}'`).totalSize).to.equal(0);
    expect(q(`SELECT Id, IsDeleted, Opportunity.Name FROM OpportunityLineItem WHERE Id = '${line}'`, true).records).to.deep.equal([
      { attributes: attrs('OpportunityLineItem', line), Id: line, IsDeleted: true, Opportunity: { attributes: attrs('Opportunity', more), Name: 'Doomed' } },
    ]);
    expect(q('SELECT COUNT() FROM Opportunity').totalSize).to.equal(1);
    expect(q('SELECT COUNT() FROM Opportunity', true).totalSize).to.equal(2);
  });

  it('sees updates and the store clock in date literals', () => {
    expect(store.update('Account', [{ Id: ids.acme, Industry: 'Retail' }])[0].success).to.equal(true);
    expect(q("SELECT Name FROM Account WHERE Industry = 'retail' AND CreatedDate = TODAY").records).to.deep.equal([
      { attributes: attrs('Account', ids.acme), Name: 'Acme' },
    ]);
  });
});
