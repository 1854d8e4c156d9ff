import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { deploySource } from '../../local-org/src/metadata-api/fast-path.js';
import { openOrgStore, type LocalOrgStore } from '../../local-org/src/store/org-store.js';
import { SfApiError, SfMultipleChoicesError, type SaveResult, type SfRecord } from '../../local-org/src/types.js';
import { installReco, RECO_SOURCE } from '../support/reco-org.js';

/** A clock tests move by hand, so timestamps are exact. */
function manualClock(start = '2024-03-01T09:00:00.000Z') {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

function ok(results: SaveResult[]): string[] {
  for (const r of results) expect(r.success, JSON.stringify(r.errors)).to.equal(true);
  return results.map((r) => r.id!);
}

function one(results: SaveResult[]): string {
  return ok(results)[0];
}

function errorOf(results: SaveResult[], i = 0) {
  expect(results[i].success).to.equal(false);
  return results[i].errors[0];
}

describe('local-org store', () => {
  let clock: ReturnType<typeof manualClock>;
  let store: LocalOrgStore;
  let pricebook: string;

  beforeEach(() => {
    clock = manualClock();
    store = openOrgStore({ clock: clock.now });
    installReco(store);
    pricebook = store.identity.standardPricebookId;
  });
  afterEach(() => store.close());

  /** Account, product with an active standard entry, and an open opportunity. */
  function basics() {
    const account = one(store.insert('Account', [{ Name: 'Acme' }]));
    const product = one(store.insert('Product2', [{ Name: 'Widget', ProductCode: 'W-1', IsActive: true }]));
    const entry = one(store.insert('PricebookEntry', [{ Pricebook2Id: pricebook, Product2Id: product, UnitPrice: 10, IsActive: true }]));
    const opp = one(store.insert('Opportunity', [{ Name: 'Deal', StageName: 'Prospecting', CloseDate: '2024-05-20', AccountId: account }]));
    return { account, product, entry, opp };
  }

  describe('bootstrap and persistence', () => {
    it('creates the organization, users and the standard price book', () => {
      const org = store.retrieve('Organization', store.identity.organizationId)!;
      expect(org).to.include({ InstanceName: 'LOCAL', IsSandbox: false, NamespacePrefix: null, OrganizationType: 'Developer Edition' });
      expect(store.identity.organizationId.startsWith('00D')).to.equal(true);
      const admin = store.retrieve('User', store.identity.adminUserId)!;
      expect(admin).to.include({ Username: 'admin@reco.local', Name: 'Admin User', IsActive: true, UserType: 'Standard', ProfileId: store.identity.profileId });
      expect(store.retrieve('User', store.identity.integrationUserId)!.Username).to.equal('integration@reco.local');
      expect(store.retrieve('Pricebook2', pricebook)).to.include({ Name: 'Standard Price Book', IsStandard: true, IsActive: true });
    });

    it('says which file it cannot open', () => {
      expect(() => openOrgStore({ file: path.join(os.tmpdir(), 'no-such-dir-reco', 'org.db') })).to.throw(/cannot open the org database .*no-such-dir-reco/);
    });

    it('reopens a file without bootstrapping again, with its deployed schema, and never reuses ids', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reco-store-'));
      try {
        const file = path.join(dir, 'org.db');
        const a = openOrgStore({ file });
        deploySource(a, RECO_SOURCE);
        const run = one(a.insert('Reco_Run__c', [{ Kind__c: 'Full', Status__c: 'Running', Started_At__c: '2024-03-01T09:00:00.000Z', External_Id__c: 'run-1' }]));
        const first = one(a.insert('Account', [{ Name: 'One' }]));
        const identity = a.identity;
        a.close();
        const b = openOrgStore({ file });
        expect(b.identity).to.deep.equal(identity);
        expect(b.retrieve('Organization', identity.organizationId)).to.not.equal(undefined);
        // Another new org is another org: its own id (clients key local state by it).
        const other = openOrgStore({});
        expect(other.identity.organizationId).to.not.equal(identity.organizationId);
        other.close();
        expect(b.schema.get('Reco_Run__c')?.keyPrefix).to.equal('a03');
        expect(b.retrieve('Reco_Run__c', run)!.External_Id__c).to.equal('run-1');
        expect(b.retrieve('Account', first)!.Name).to.equal('One');
        expect(b.db.prepare('SELECT COUNT(*) AS n FROM "User"').get()).to.deep.include({ n: 3 }); // admin, integration, sales rep
        const second = one(b.insert('Account', [{ Name: 'Two' }]));
        expect(second > first).to.equal(true);
        // An object deployed later takes the next free prefix, even when its name sorts first: stored ids
        // keep naming the object they were issued for.
        const meta = path.join(dir, 'meta');
        fs.mkdirSync(path.join(meta, 'objects/Aardvark__c'), { recursive: true });
        fs.writeFileSync(
          path.join(meta, 'objects/Aardvark__c/Aardvark__c.object-meta.xml'),
          '<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata"><deploymentStatus>Deployed</deploymentStatus><label>A</label><pluralLabel>As</pluralLabel><nameField><label>N</label><type>Text</type></nameField><sharingModel>ReadWrite</sharingModel></CustomObject>',
        );
        deploySource(b, meta);
        expect(b.schema.get('Aardvark__c')?.keyPrefix).to.equal('a05'); // a04: Recommendation_Reaction__c
        expect(b.schema.get('Account_Insight__c')?.keyPrefix).to.equal('a00');
        b.close();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('insert, update, retrieve', () => {
    it('applies defaults and audit fields from the clock', () => {
      const { account, product } = basics();
      const rec = one(store.insert('Product_Recommendation__c', [{ Account__c: account, Product__c: product }]));
      const r = store.retrieve('product_recommendation__c', rec)!;
      expect(r).to.include({ Name: 'REC-000001', Status__c: 'New', IsDeleted: false, CreatedDate: '2024-03-01T09:00:00.000Z', SystemModstamp: '2024-03-01T09:00:00.000Z', CreatedById: store.identity.adminUserId });
      expect(store.retrieve('Account', account)!.OwnerId).to.equal(store.identity.adminUserId);
      expect(store.retrieve('Account_Insight__c', one(store.insert('Account_Insight__c', [{ Account__c: account }])))!.Holdout__c).to.equal(false);
      expect(store.retrieve('Product_Recommendation__c', one(store.insert('Product_Recommendation__c', [{ Account__c: account, Product__c: product }])))!.Name).to.equal('REC-000002');
    });

    it('updates fields, stamps LastModifiedDate/SystemModstamp and keeps CreatedDate', () => {
      const account = one(store.insert('Account', [{ Name: 'Acme' }]));
      clock.advance(60_000);
      ok(store.update('Account', [{ Id: account.slice(0, 15), Industry: 'Retail', NumberOfEmployees: '12' }]));
      expect(store.retrieve('Account', account)).to.include({ Industry: 'Retail', NumberOfEmployees: 12, CreatedDate: '2024-03-01T09:00:00.000Z', LastModifiedDate: '2024-03-01T09:01:00.000Z', SystemModstamp: '2024-03-01T09:01:00.000Z' });
    });

    it('acts as the given user', () => {
      const id = store.asUser(store.identity.integrationUserId, () => one(store.insert('Account', [{ Name: 'Acme' }])));
      expect(store.retrieve('Account', id)).to.include({ OwnerId: store.identity.integrationUserId, CreatedById: store.identity.integrationUserId });
    });

    it('lets an insert set audit fields only with setAuditFields', () => {
      const rec = { Name: 'Old', CreatedDate: '2010-12-01T08:26:00+01:00' };
      expect(errorOf(store.insert('Account', [rec])).errorCode).to.equal('INVALID_FIELD_FOR_INSERT_UPDATE');
      const id = one(store.insert('Account', [rec], { setAuditFields: true }));
      expect(store.retrieve('Account', id)).to.include({ CreatedDate: '2010-12-01T07:26:00.000Z', LastModifiedDate: '2010-12-01T07:26:00.000Z', SystemModstamp: '2024-03-01T09:00:00.000Z' });
    });

    it('coerces numbers, booleans, dates and datetimes (offsets to UTC)', () => {
      const run = one(store.insert('Reco_Run__c', [{ Api_Calls__c: '42', Started_At__c: '2024-02-29T23:30:00-02:00', Finished_At__c: '2024-03-01T01:00:00Z' }]));
      expect(store.retrieve('Reco_Run__c', run)).to.include({ Api_Calls__c: 42, Started_At__c: '2024-03-01T01:30:00.000Z', Finished_At__c: '2024-03-01T01:00:00.000Z', Status__c: 'Running', Kind__c: 'Incremental' });
      const { account } = basics();
      const ins = one(store.insert('Account_Insight__c', [{ Account__c: account, Holdout__c: 'true', Segment_Changed_On__c: '2024-02-29', Churn_Risk__c: 12.345 }]));
      expect(store.retrieve('Account_Insight__c', ins)).to.include({ Holdout__c: true, Segment_Changed_On__c: '2024-02-29', Churn_Risk__c: 12.3 });
      expect(errorOf(store.insert('Account_Insight__c', [{ Account__c: account, Segment_Changed_On__c: '2023-02-29' }]))).to.include({ errorCode: 'JSON_PARSER_ERROR' });
      expect(errorOf(store.insert('Reco_Run__c', [{ Api_Calls__c: 'many' }]))).to.include({ errorCode: 'JSON_PARSER_ERROR' });
      expect(errorOf(store.insert('Account_Insight__c', [{ Account__c: account, Churn_Risk__c: 123456 }]))).to.include({ errorCode: 'NUMBER_OUTSIDE_VALID_RANGE' });
    });
  });

  describe('field rules', () => {
    it('INVALID_FIELD for an unknown field', () => {
      expect(errorOf(store.insert('Account', [{ Name: 'A', Foo__c: 1 }]))).to.include({ errorCode: 'INVALID_FIELD', message: "No such column 'Foo__c' on sobject of type Account" });
    });

    it('INVALID_FIELD_FOR_INSERT_UPDATE for read-only and create-only fields', () => {
      const { opp, entry } = basics();
      const e = errorOf(store.insert('Opportunity', [{ Name: 'X', StageName: 'Prospecting', CloseDate: '2024-01-01', IsWon: true }]));
      expect(e.errorCode).to.equal('INVALID_FIELD_FOR_INSERT_UPDATE');
      expect(e.message).to.match(/^Unable to create\/update fields: IsWon\./);
      expect(e.fields).to.deep.equal(['IsWon']);
      expect(errorOf(store.insert('Account', [{ Id: '001000000000001AAA', Name: 'A' }])).errorCode).to.equal('INVALID_FIELD_FOR_INSERT_UPDATE');
      const line = one(store.insert('OpportunityLineItem', [{ OpportunityId: opp, PricebookEntryId: entry, Quantity: 1, UnitPrice: 5 }]));
      const other = one(store.insert('Opportunity', [{ Name: 'Y', StageName: 'Prospecting', CloseDate: '2024-01-01' }]));
      expect(errorOf(store.update('OpportunityLineItem', [{ Id: line, OpportunityId: other }])).errorCode).to.equal('INVALID_FIELD_FOR_INSERT_UPDATE');
      ok(store.update('OpportunityLineItem', [{ Id: line, OpportunityId: opp, Quantity: 2 }])); // unchanged create-only value is accepted
    });

    it('REQUIRED_FIELD_MISSING lists every missing field, on insert and when nulling on update', () => {
      const e = errorOf(store.insert('Opportunity', [{ Name: 'X' }]));
      expect(e).to.deep.equal({ errorCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [StageName, CloseDate]', fields: ['StageName', 'CloseDate'] });
      const account = one(store.insert('Account', [{ Name: 'A' }]));
      expect(errorOf(store.update('Account', [{ Id: account, Name: '' }])).errorCode).to.equal('REQUIRED_FIELD_MISSING');
      expect(errorOf(store.insert('Product_Recommendation__c', [{ Account__c: account }])).fields).to.deep.equal(['Product__c']);
    });

    it('STRING_TOO_LONG and restricted picklists', () => {
      expect(errorOf(store.insert('Account', [{ Name: 'x'.repeat(256) }]))).to.include({ errorCode: 'STRING_TOO_LONG' });
      const { account, product } = basics();
      const e = errorOf(store.insert('Product_Recommendation__c', [{ Account__c: account, Product__c: product, Status__c: 'Maybe' }]));
      expect(e).to.deep.equal({ errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', message: 'Status: bad value for restricted picklist field: Maybe', fields: ['Status__c'] });
      expect(errorOf(store.insert('Opportunity', [{ Name: 'X', StageName: 'Dreaming', CloseDate: '2024-01-01' }])).errorCode).to.equal('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
      ok(store.insert('Account', [{ Name: 'A', Industry: 'Space Mining' }])); // unrestricted picklist
      expect(errorOf(store.insert('Contact', [{ LastName: 'L', Email: 'not an email' }]))).to.include({ errorCode: 'INVALID_EMAIL_ADDRESS' });
      ok(store.insert('Contact', [{ LastName: 'L', Email: 'ada@example.org' }]));
    });

    it('MALFORMED_ID, INVALID_CROSS_REFERENCE_KEY and wrong-type references', () => {
      expect(errorOf(store.insert('Account', [{ Name: 'A', OwnerId: 'INVALID_OWNER' }]))).to.deep.equal({ errorCode: 'MALFORMED_ID', message: 'Owner ID: id value of incorrect type: INVALID_OWNER', fields: ['OwnerId'] });
      expect(errorOf(store.insert('Opportunity', [{ Name: 'X', StageName: 'Prospecting', CloseDate: '2024-01-01', AccountId: '0015g00000000zzAAA'.slice(0, 15) }]))).to.include({ errorCode: 'INVALID_CROSS_REFERENCE_KEY' });
      const { opp, account } = basics();
      expect(errorOf(store.insert('Contact', [{ LastName: 'L', AccountId: opp }]))).to.deep.equal({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', message: `Account ID: id value of incorrect type: ${opp}`, fields: ['AccountId'] });
      const product = one(store.insert('Product2', [{ Name: 'P' }]));
      expect(errorOf(store.insert('Task', [{ Subject: 'x', WhatId: product }])).message).to.equal(`Related To ID: id value of incorrect type: ${product}`);
      ok(store.delete([account]));
      expect(errorOf(store.insert('Contact', [{ LastName: 'L', AccountId: account }]))).to.include({ errorCode: 'INVALID_CROSS_REFERENCE_KEY' });
      expect(errorOf(store.update('Account', [{ Id: 'nope', Name: 'x' }])).errorCode).to.equal('MALFORMED_ID');
      expect(errorOf(store.update('Account', [{ Name: 'x' }])).errorCode).to.equal('MISSING_ARGUMENT');
    });

    it('DUPLICATE_VALUE on unique fields, case-insensitively unless caseSensitive', () => {
      const first = one(store.insert('Reco_Run__c', [{ External_Id__c: 'run-1' }]));
      const e = errorOf(store.insert('Reco_Run__c', [{ External_Id__c: 'RUN-1' }]));
      expect(e).to.deep.equal({ errorCode: 'DUPLICATE_VALUE', message: `duplicate value found: External_Id__c duplicates value on record with id: ${first}`, fields: ['External_Id__c'] });
      const second = one(store.insert('Reco_Run__c', [{ External_Id__c: 'run-2' }]));
      expect(errorOf(store.update('Reco_Run__c', [{ Id: second, External_Id__c: 'Run-1' }])).errorCode).to.equal('DUPLICATE_VALUE');
      ok(store.update('Reco_Run__c', [{ Id: first, External_Id__c: 'RUN-1' }])); // itself
    });

    it('ENTITY_IS_DELETED when updating or deleting a deleted record', () => {
      const id = one(store.insert('Account', [{ Name: 'A' }]));
      ok(store.delete([id]));
      expect(errorOf(store.update('Account', [{ Id: id, Name: 'B' }]))).to.include({ errorCode: 'ENTITY_IS_DELETED' });
      expect(errorOf(store.delete([id]))).to.include({ errorCode: 'ENTITY_IS_DELETED' });
      expect(store.retrieve('Account', id)).to.equal(undefined);
    });

    it('rejects unknown objects and non-createable objects', () => {
      expect(() => store.insert('Nope__c', [{}])).to.throw(SfApiError, /NOT_FOUND/);
      expect(errorOf(store.insert('Organization', [{ Name: 'X' }])).errorCode).to.equal('INSUFFICIENT_ACCESS_OR_READONLY');
    });
  });

  describe('opportunities, line items and price books', () => {
    it('derives stage fields, probability, forecast and fiscal period', () => {
      const id = one(store.insert('Opportunity', [{ Name: 'D', StageName: 'Value Proposition', CloseDate: '2024-08-15', Amount: 1000 }]));
      expect(store.retrieve('Opportunity', id)).to.include({ Probability: 50, IsClosed: false, IsWon: false, ForecastCategory: 'Pipeline', ForecastCategoryName: 'Pipeline', FiscalYear: 2024, FiscalQuarter: 3, Fiscal: '2024 3', ExpectedRevenue: 500, HasOpportunityLineItem: false });
      ok(store.update('Opportunity', [{ Id: id, StageName: 'Closed Won' }]));
      expect(store.retrieve('Opportunity', id)).to.include({ Probability: 100, IsClosed: true, IsWon: true, ForecastCategory: 'Closed', ExpectedRevenue: 1000 });
      ok(store.update('Opportunity', [{ Id: id, StageName: 'Closed Lost' }]));
      expect(store.retrieve('Opportunity', id)).to.include({ Probability: 0, IsClosed: true, IsWon: false, ForecastCategory: 'Omitted' });
      const kept = one(store.insert('Opportunity', [{ Name: 'D', StageName: 'Prospecting', CloseDate: '2024-01-15', Probability: 35 }]));
      expect(store.retrieve('Opportunity', kept)!.Probability).to.equal(35);
    });

    it('prices line items and rolls them up into the opportunity', () => {
      const { opp, entry, product } = basics();
      clock.advance(1000);
      const [a, b] = ok(store.insert('OpportunityLineItem', [
        { OpportunityId: opp, PricebookEntryId: entry, Quantity: 3, UnitPrice: 9, Discount: 10 },
        { OpportunityId: opp, PricebookEntryId: entry, Quantity: 2, TotalPrice: 30 },
      ]));
      expect(store.retrieve('OpportunityLineItem', a)).to.include({ Product2Id: product, ProductCode: 'W-1', ListPrice: 10, Name: 'Deal Widget', Subtotal: 27, TotalPrice: 24.3, UnitPrice: 9 });
      expect(store.retrieve('OpportunityLineItem', b)).to.include({ UnitPrice: 15, TotalPrice: 30 });
      const o = store.retrieve('Opportunity', opp)!;
      expect(o).to.include({ Amount: 54.3, HasOpportunityLineItem: true, Pricebook2Id: pricebook, TotalOpportunityQuantity: 5, ExpectedRevenue: 5.43, LastModifiedDate: '2024-03-01T09:00:01.000Z', SystemModstamp: '2024-03-01T09:00:01.000Z' });

      clock.advance(1000);
      ok(store.update('OpportunityLineItem', [{ Id: b, Quantity: 4 }]));
      expect(store.retrieve('OpportunityLineItem', b)).to.include({ UnitPrice: 15, TotalPrice: 60 });
      expect(store.retrieve('Opportunity', opp)).to.include({ Amount: 84.3, SystemModstamp: '2024-03-01T09:00:02.000Z' });

      ok(store.update('Opportunity', [{ Id: opp, Amount: 1 }])); // a roll-up: the written value does not stick
      expect(store.retrieve('Opportunity', opp)!.Amount).to.equal(84.3);

      ok(store.delete([a]));
      expect(store.retrieve('Opportunity', opp)!.Amount).to.equal(60);
      ok(store.delete([b]));
      expect(store.retrieve('Opportunity', opp)).to.include({ Amount: 0, HasOpportunityLineItem: false });
    });

    it('requires UnitPrice xor TotalPrice and an active entry from the opportunity price book', () => {
      const { opp, entry, product } = basics();
      expect(errorOf(store.insert('OpportunityLineItem', [{ OpportunityId: opp, PricebookEntryId: entry, Quantity: 1, UnitPrice: 1, TotalPrice: 1 }])).errorCode).to.equal('FIELD_INTEGRITY_EXCEPTION');
      expect(errorOf(store.insert('OpportunityLineItem', [{ OpportunityId: opp, PricebookEntryId: entry, Quantity: 1 }])).errorCode).to.equal('FIELD_INTEGRITY_EXCEPTION');
      const book = one(store.insert('Pricebook2', [{ Name: 'Wholesale', IsActive: true }]));
      const custom = one(store.insert('PricebookEntry', [{ Pricebook2Id: book, Product2Id: product, UnitPrice: 8, IsActive: true }]));
      ok(store.insert('OpportunityLineItem', [{ OpportunityId: opp, PricebookEntryId: entry, Quantity: 1, UnitPrice: 1 }]));
      const e = errorOf(store.insert('OpportunityLineItem', [{ OpportunityId: opp, PricebookEntryId: custom, Quantity: 1, UnitPrice: 1 }]));
      expect(e).to.include({ errorCode: 'FIELD_INTEGRITY_EXCEPTION' });
      expect(e.fields).to.deep.equal(['PricebookEntryId']);
      const p2 = one(store.insert('Product2', [{ Name: 'Gadget' }]));
      const inactive = one(store.insert('PricebookEntry', [{ Pricebook2Id: pricebook, Product2Id: p2, UnitPrice: 3 }]));
      expect(errorOf(store.insert('OpportunityLineItem', [{ OpportunityId: opp, PricebookEntryId: inactive, Quantity: 1, UnitPrice: 1 }])).errorCode).to.equal('FIELD_INTEGRITY_EXCEPTION');
    });

    it('price book entries: standard price first, one per book and product, names from the product', () => {
      const product = one(store.insert('Product2', [{ Name: 'Widget', ProductCode: 'W' }]));
      const book = one(store.insert('Pricebook2', [{ Name: 'Wholesale', IsActive: true }]));
      expect(errorOf(store.insert('PricebookEntry', [{ Pricebook2Id: book, Product2Id: product, UnitPrice: 8 }]))).to.include({ errorCode: 'STANDARD_PRICE_NOT_DEFINED' });
      const std = one(store.insert('PricebookEntry', [{ Pricebook2Id: pricebook, Product2Id: product, UnitPrice: 10 }]));
      expect(store.retrieve('PricebookEntry', std)).to.include({ Name: 'Widget', ProductCode: 'W', IsActive: false });
      expect(errorOf(store.insert('PricebookEntry', [{ Pricebook2Id: pricebook, Product2Id: product, UnitPrice: 11 }])).errorCode).to.equal('DUPLICATE_VALUE');
      const custom = one(store.insert('PricebookEntry', [{ Pricebook2Id: book, Product2Id: product, UseStandardPrice: true }]));
      expect(store.retrieve('PricebookEntry', custom)!.UnitPrice).to.equal(10);
      ok(store.update('Product2', [{ Id: product, Name: 'Widget Pro' }]));
      expect(store.retrieve('PricebookEntry', std)!.Name).to.equal('Widget Pro');
      expect(errorOf(store.insert('PricebookEntry', [{ Pricebook2Id: pricebook, Product2Id: product, UnitPrice: 1, Name: 'x' }])).errorCode).to.equal('INVALID_FIELD_FOR_INSERT_UPDATE');
    });
  });

  describe('activities', () => {
    it('derives Task AccountId from WhatId or the WhoId contact, and IsClosed from Status', () => {
      const { account, opp } = basics();
      const contact = one(store.insert('Contact', [{ FirstName: 'Ada', LastName: 'Lovelace', AccountId: account }]));
      expect(store.retrieve('Contact', contact)!.Name).to.equal('Ada Lovelace');
      const [t1, t2] = ok(store.insert('Task', [{ Subject: 'Call', WhatId: opp }, { Subject: 'Email', WhoId: contact, Status: 'Completed', Priority: 'High' }]));
      expect(store.retrieve('Task', t1)).to.include({ AccountId: account, Status: 'Not Started', Priority: 'Normal', IsClosed: false, TaskSubtype: 'Task' });
      expect(store.retrieve('Task', t2)).to.include({ AccountId: account, IsClosed: true, IsHighPriority: true, CompletedDateTime: '2024-03-01T09:00:00.000Z' });
      ok(store.update('Task', [{ Id: t1, Status: 'Completed', WhatId: null }]));
      expect(store.retrieve('Task', t1)).to.include({ IsClosed: true, AccountId: null });
      expect(errorOf(store.update('Task', [{ Id: t1, TaskSubtype: 'Call' }])).errorCode).to.equal('INVALID_FIELD_FOR_INSERT_UPDATE');
    });

    it('keeps Event start, end and duration consistent', () => {
      const { account } = basics();
      const e1 = one(store.insert('Event', [{ Subject: 'Meet', WhatId: account, StartDateTime: '2024-03-02T10:00:00Z', DurationInMinutes: 90 }]));
      expect(store.retrieve('Event', e1)).to.include({ EndDateTime: '2024-03-02T11:30:00.000Z', ActivityDateTime: '2024-03-02T10:00:00.000Z', ActivityDate: '2024-03-02', AccountId: account, ShowAs: 'Busy' });
      const e2 = one(store.insert('Event', [{ Subject: 'Lunch', ActivityDateTime: '2024-03-02T12:00:00Z', EndDateTime: '2024-03-02T12:45:00Z' }]));
      expect(store.retrieve('Event', e2)!.DurationInMinutes).to.equal(45);
      ok(store.update('Event', [{ Id: e2, DurationInMinutes: 60 }]));
      expect(store.retrieve('Event', e2)!.EndDateTime).to.equal('2024-03-02T13:00:00.000Z');
      expect(errorOf(store.insert('Event', [{ StartDateTime: '2024-03-02T10:00:00Z', DurationInMinutes: 30, EndDateTime: '2024-03-02T12:00:00Z' }])).errorCode).to.equal('FIELD_INTEGRITY_EXCEPTION');
      expect(errorOf(store.insert('Event', [{ StartDateTime: '2024-03-02T10:00:00Z' }])).errorCode).to.equal('REQUIRED_FIELD_MISSING');
    });
  });

  describe('permission set assignments', () => {
    it('refuses assigning the same permission set to the same user twice, as Salesforce does', () => {
      const ps = one(store.insert('PermissionSet', [{ Name: 'Dup_Test', Label: 'Dup Test' }]));
      const user = store.identity.adminUserId;
      const first = one(store.insert('PermissionSetAssignment', [{ AssigneeId: user, PermissionSetId: ps }]));
      expect(store.insert('PermissionSetAssignment', [{ AssigneeId: user, PermissionSetId: ps }])[0]).to.deep.equal({
        id: null,
        success: false,
        errors: [{ errorCode: 'DUPLICATE_VALUE', message: `Duplicate PermissionSetAssignment. Assignee: ${user}; Permission Set: ${ps}`, fields: [] }],
      });
      // Another user may hold it, and once the first assignment is gone the user may be given it again.
      one(store.insert('PermissionSetAssignment', [{ AssigneeId: store.identity.integrationUserId, PermissionSetId: ps }]));
      one(store.delete([first]));
      one(store.insert('PermissionSetAssignment', [{ AssigneeId: user, PermissionSetId: ps }]));
    });
  });

  describe('delete', () => {
    it('soft-deletes and cascades to opportunities, line items and master-detail children', () => {
      const { account, opp, entry, product } = basics();
      const line = one(store.insert('OpportunityLineItem', [{ OpportunityId: opp, PricebookEntryId: entry, Quantity: 1, UnitPrice: 5 }]));
      const rec = one(store.insert('Product_Recommendation__c', [{ Account__c: account, Product__c: product, Opportunity__c: opp }]));
      clock.advance(5000);
      ok(store.delete([account]));
      for (const [table, id] of [['Account', account], ['Opportunity', opp], ['OpportunityLineItem', line], ['Product_Recommendation__c', rec]]) {
        expect(store.retrieve(table, id), table).to.equal(undefined);
        expect(store.db.prepare(`SELECT "IsDeleted", "SystemModstamp" FROM "${table}" WHERE "Id" = ?`).get(id), table).to.deep.include({ IsDeleted: 1, SystemModstamp: '2024-03-01T09:00:05.000Z' });
      }
    });

    it('nulls SetNull lookups and blocks Restrict lookups and used price book entries', () => {
      const { account, opp, entry, product } = basics();
      const rec = one(store.insert('Product_Recommendation__c', [{ Account__c: account, Product__c: product, Opportunity__c: opp }]));
      const e = errorOf(store.delete([product]));
      expect(e.errorCode).to.equal('DELETE_FAILED');
      expect(e.message).to.match(/associated with the following product recommendations/);
      ok(store.delete([opp]));
      expect(store.retrieve('Product_Recommendation__c', rec)).to.include({ Opportunity__c: null });
      ok(store.delete([rec]));
      const opp2 = one(store.insert('Opportunity', [{ Name: 'D2', StageName: 'Prospecting', CloseDate: '2024-05-20' }]));
      ok(store.insert('OpportunityLineItem', [{ OpportunityId: opp2, PricebookEntryId: entry, Quantity: 1, UnitPrice: 5 }]));
      expect(errorOf(store.delete([entry])).errorCode).to.equal('DELETE_FAILED');
      expect(errorOf(store.delete([pricebook])).errorCode).to.equal('DELETE_FAILED');
      expect(errorOf(store.delete(['garbage'])).errorCode).to.equal('MALFORMED_ID');
    });
  });

  describe('allOrNone and transactions', () => {
    it('allOrNone rolls back every record when one fails', () => {
      const results = store.insert('Account', [{ Name: 'A' }, { Name: '' }, { Name: 'C' }], { allOrNone: true });
      expect(results.map((r) => r.success)).to.deep.equal([false, false, false]);
      expect(results[0].errors[0]).to.deep.equal({ errorCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: 'Record rolled back because not all records were valid and the request was using AllOrNone header', fields: [] });
      expect(results[1].errors[0].errorCode).to.equal('REQUIRED_FIELD_MISSING');
      expect(results.every((r) => r.id === null)).to.equal(true);
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM "Account"').get()).to.deep.include({ n: 0 });
    });

    it('without allOrNone each record stands alone', () => {
      const results = store.insert('Account', [{ Name: 'A' }, { Name: '' }, { Name: 'C' }]);
      expect(results.map((r) => r.success)).to.deep.equal([true, false, true]);
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM "Account"').get()).to.deep.include({ n: 2 });
    });

    it('transaction() rolls back nested work when fn throws', () => {
      expect(() => store.transaction(() => {
        ok(store.insert('Account', [{ Name: 'A' }]));
        store.transaction(() => ok(store.insert('Account', [{ Name: 'B' }])));
        throw new Error('boom');
      })).to.throw('boom');
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM "Account"').get()).to.deep.include({ n: 0 });
      const id = store.transaction(() => one(store.insert('Account', [{ Name: 'Kept' }])));
      expect(store.retrieve('Account', id)!.Name).to.equal('Kept');
    });
  });

  describe('upsert', () => {
    it('inserts on no match and updates on one (case-insensitive)', () => {
      const [created] = store.upsert('Reco_Run__c', 'External_Id__c', [{ External_Id__c: 'run-7', Api_Calls__c: 1 }]);
      expect(created).to.include({ success: true, created: true });
      const [updated] = store.upsert('Reco_Run__c', 'external_id__c', [{ External_Id__c: 'RUN-7', Api_Calls__c: 2 }]);
      expect(updated).to.deep.equal({ id: created.id, success: true, errors: [], created: false });
      expect(store.retrieve('Reco_Run__c', created.id!)!.Api_Calls__c).to.equal(2);
      expect(store.findByExternalId('Reco_Run__c', 'External_Id__c', 'Run-7')).to.deep.equal([created.id]);
      const dup = store.upsert('Reco_Run__c', 'External_Id__c', [{ External_Id__c: 'x' }, { External_Id__c: 'X' }]);
      expect(dup[1].errors[0].errorCode).to.equal('DUPLICATE_VALUE');
      expect(errorOf(store.upsert('Reco_Run__c', 'External_Id__c', [{ Api_Calls__c: 3 }, { Api_Calls__c: 4 }])).errorCode).to.equal('MISSING_ARGUMENT');
    });

    it('keeps the master-detail parent on update (re-sent unchanged)', () => {
      const { account, product } = basics();
      const body: SfRecord = { External_Id__c: 'acme|widget', Account__c: account, Product__c: product, Score__c: 0.5 };
      expect(store.upsert('Product_Recommendation__c', 'External_Id__c', [body])[0].created).to.equal(true);
      const again = store.upsert('Product_Recommendation__c', 'External_Id__c', [{ ...body, Score__c: 0.7 }]);
      expect(again[0]).to.include({ success: true, created: false });
    });

    it('reports several matches: 300 for one record, DUPLICATE_EXTERNAL_ID in collections', () => {
      const ids = ok(store.insert('Product2', [{ Name: 'A', ExternalId: 'SKU-1' }, { Name: 'B', ExternalId: 'sku-1' }]));
      try {
        store.upsert('Product2', 'ExternalId', [{ ExternalId: 'SKU-1', Name: 'C' }], { throwOnMultipleMatches: true });
        expect.fail('expected a 300');
      } catch (err) {
        expect(err).to.be.instanceOf(SfMultipleChoicesError);
        expect((err as SfMultipleChoicesError).status).to.equal(300);
        expect((err as SfMultipleChoicesError).ids).to.deep.equal(ids);
      }
      const r = store.upsert('Product2', 'ExternalId', [{ ExternalId: 'SKU-1', Name: 'C' }]);
      expect(r[0].errors[0].errorCode).to.equal('DUPLICATE_EXTERNAL_ID');
    });

    it('rejects upsert keys that are not external ids; upserts by Id', () => {
      expect(() => store.upsert('Account', 'Nope__c', [{ Name: 'A' }])).to.throw(SfApiError).with.property('status', 404);
      expect(() => store.upsert('Account', 'Name', [{ Name: 'A' }])).to.throw(SfApiError, /INVALID_FIELD/);
      const [ins] = store.upsert('Account', 'Id', [{ Name: 'A' }]);
      expect(ins.created).to.equal(true);
      const [upd] = store.upsert('Account', 'Id', [{ Id: ins.id, Name: 'B' }]);
      expect(upd).to.include({ created: false, id: ins.id });
    });
  });

  it('loads line items in bulk quickly (performance smoke)', () => {
    const { entry } = basics();
    const opps = ok(store.insert('Opportunity', Array.from({ length: 200 }, (_, i) => ({ Name: `O${i}`, StageName: 'Closed Won', CloseDate: '2011-01-01' }))));
    const lines = Array.from({ length: 5000 }, (_, i) => ({ OpportunityId: opps[i % 200], PricebookEntryId: entry, Quantity: 2, UnitPrice: 1.5 }));
    const cpu = process.cpuUsage();
    ok(store.insert('OpportunityLineItem', lines, { allOrNone: true }));
    const used = process.cpuUsage(cpu);
    expect((used.user + used.system) / 1000).to.be.lessThan(3000);
    expect(store.retrieve('Opportunity', opps[0])!.Amount).to.equal(75);
  });
});
