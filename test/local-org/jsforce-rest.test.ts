import { expect } from 'chai';
import type { Connection } from 'jsforce';
import type { LocalOrg } from '../../local-org/src/index.js';
import { rejection, startTestOrg, tokenConnection } from './http-fixture.js';

type Rec = Record<string, unknown> & { Id?: string };

describe('local-org HTTP: sObject REST, query and collections (jsforce)', () => {
  let org: LocalOrg;
  let conn: Connection;

  before(async () => {
    org = await startTestOrg();
    conn = tokenConnection(org);
  });
  after(async () => org.close());

  it('describes the org and its objects, with 304 for an unchanged describe', async () => {
    const global = await conn.describeGlobal();
    const names = global.sobjects.map((s) => s.name);
    expect(names).to.include.members(['Account', 'Opportunity', 'OpportunityLineItem', 'Product_Recommendation__c']);
    const d = await conn.sobject('Opportunity').describe();
    expect(d.name).to.equal('Opportunity');
    expect(d.keyPrefix).to.equal('006');
    expect(d.fields.find((f) => f.name === 'StageName')?.type).to.equal('picklist');
    expect(d.childRelationships.map((c) => c.relationshipName)).to.include('OpportunityLineItems');
    const url = `${org.url}/services/data/v62.0/sobjects/Account/describe`;
    const first = await fetch(url, { headers: { Authorization: `Bearer ${org.credentials.accessToken}` } });
    expect(first.status).to.equal(200);
    const lastModified = first.headers.get('last-modified') as string;
    const again = await fetch(url, { headers: { Authorization: `Bearer ${org.credentials.accessToken}`, 'If-Modified-Since': lastModified } });
    expect(again.status).to.equal(304);
    const basic = await conn.request<{ objectDescribe: { name: string }; recentItems: unknown[] }>('/sobjects/Account');
    expect(basic.objectDescribe.name).to.equal('Account');
    expect((await rejection(() => conn.sobject('Nope__c').describe())).errorCode).to.equal('NOT_FOUND');
  });

  it('creates, retrieves, updates and deletes a record', async () => {
    const created = await conn.sobject('Account').create({ Name: 'Acme', Industry: 'Retail' });
    expect(created.success).to.equal(true);
    const id = created.id as string;
    expect(id).to.match(/^001[A-Za-z0-9]{15}$/);
    const rec = (await conn.sobject('Account').retrieve(id)) as Rec;
    expect(rec.Name).to.equal('Acme');
    expect(rec.attributes).to.deep.equal({ type: 'Account', url: `/services/data/v62.0/sobjects/Account/${id}` });
    expect(rec.CreatedDate).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(rec.CreatedById).to.equal(org.store.identity.adminUserId);
    const some = (await conn.sobject('Account').retrieve(id, { fields: ['Name'] })) as Rec;
    expect(Object.keys(some)).to.deep.equal(['attributes', 'Id', 'Name']);
    const upd = await conn.sobject('Account').update({ Id: id, Name: 'Acme Ltd' });
    expect(upd).to.deep.equal({ id, success: true, errors: [] });
    expect(((await conn.sobject('Account').retrieve(id)) as Rec).Name).to.equal('Acme Ltd');
    const missing = await rejection(() => conn.sobject('Account').create({ Industry: 'Retail' }));
    expect(missing.errorCode).to.equal('REQUIRED_FIELD_MISSING');
    const badField = await rejection(() => conn.sobject('Account').create({ Name: 'x', Nope__c: 1 }));
    expect(badField.errorCode).to.equal('INVALID_FIELD');
    await conn.sobject('Account').destroy(id);
    const gone = await rejection(() => conn.sobject('Account').retrieve(id));
    expect(gone.errorCode).to.match(/^(NOT_FOUND|ENTITY_IS_DELETED)$/);
    const deleted = await conn.query(`SELECT Id, IsDeleted FROM Account WHERE Id = '${id}'`, { scanAll: true });
    expect(deleted.records.map((r) => (r as Rec).IsDeleted)).to.deep.equal([true]);
    expect((await rejection(() => conn.sobject('Account').retrieve('001000000000000AAA'))).errorCode).to.equal('NOT_FOUND');
  });

  it('upserts by external id: 201 created, 200 updated, 300 for several matches', async () => {
    const p = conn.sobject('Product2');
    const first = await p.upsert({ Name: 'Mug', ExternalId: 'SKU-1' }, 'ExternalId');
    expect(first).to.deep.include({ success: true, created: true });
    const second = await p.upsert({ Name: 'Blue mug', ExternalId: 'SKU-1' }, 'ExternalId');
    expect(second).to.deep.include({ id: first.id, success: true, created: false });
    expect(((await p.retrieve(first.id as string)) as Rec).Name).to.equal('Blue mug');
    await p.create([{ Name: 'Dup A', ExternalId: 'SKU-2' }, { Name: 'Dup B', ExternalId: 'SKU-2' }]);
    const multi = await rejection(() => p.upsert({ Name: 'Dup', ExternalId: 'SKU-2' }, 'ExternalId'));
    expect(multi.name).to.equal('MULTIPLE_CHOICES');
    expect(multi.data).to.be.an('array').with.length(2);
    expect((multi.data as string[])[0]).to.match(/^\/services\/data\/v62\.0\/sobjects\/Product2\/01t/);
    const notExt = await rejection(() => p.upsert({ Name: 'x', ProductCode: 'c' }, 'ProductCode'));
    expect(notExt.errorCode).to.equal('NOT_FOUND');
    const byExt = await conn.request<Rec>('/sobjects/Product2/ExternalId/SKU-1');
    expect(byExt.Id).to.equal(first.id);
  });

  it('answers 204 for upsert-update before API 46', async () => {
    const old = tokenConnection(org, '45.0');
    const created = await old.sobject('Product2').upsert({ Name: 'Plate', ExternalId: 'SKU-45' }, 'ExternalId');
    expect(created.success).to.equal(true);
    expect(created).not.to.have.property('created');
    const updated = await old.sobject('Product2').upsert({ Name: 'Plate 2', ExternalId: 'SKU-45' }, 'ExternalId');
    expect(updated).to.deep.equal({ success: true, errors: [] });
  });

  it('runs sObject Collections with partial failure and all-or-none rollback', async () => {
    const acc = conn.sobject('Account');
    const res = await acc.create([{ Name: 'C1' }, { Industry: 'Retail' }, { Name: 'C3' }]);
    expect(res.map((r) => r.success)).to.deep.equal([true, false, true]);
    const failed = res[1] as { errors: { statusCode?: string; errorCode?: string; fields?: string[] }[] };
    expect(failed.errors[0].statusCode ?? failed.errors[0].errorCode).to.equal('REQUIRED_FIELD_MISSING');

    const before = (await conn.query('SELECT COUNT() FROM Account')).totalSize;
    const all = (await acc.create([{ Name: 'A1' }, { Industry: 'Retail' }], { allOrNone: true })) as unknown as {
      success: boolean;
      errors: { statusCode: string }[];
    }[];
    expect(all.map((r) => [r.success, r.errors[0]?.statusCode])).to.deep.equal([
      [false, 'ALL_OR_NONE_OPERATION_ROLLED_BACK'],
      [false, 'REQUIRED_FIELD_MISSING'],
    ]);
    expect((await conn.query('SELECT COUNT() FROM Account')).totalSize).to.equal(before);

    const ids = res.filter((r) => r.success).map((r) => r.id as string);
    const upd = await acc.update(ids.map((Id) => ({ Id, Industry: 'Banking' })));
    expect(upd.every((r) => r.success)).to.equal(true);
    const got = (await acc.retrieve(ids, { fields: ['Industry'] })) as Rec[];
    expect(got.map((r) => r.Industry)).to.deep.equal(['Banking', 'Banking']);
    const ups = await conn.sobject('Product2').upsert(
      [{ Name: 'U1', ExternalId: 'COL-1' }, { Name: 'Mug again', ExternalId: 'SKU-1' }],
      'ExternalId',
    );
    expect(ups.map((r) => [r.success, r.created])).to.deep.equal([[true, true], [true, false]]);
    const dup = (await conn.sobject('Product2').upsert([{ Name: 'Dup', ExternalId: 'SKU-2' }], 'ExternalId')) as unknown as {
      success: boolean;
      errors: { statusCode: string }[];
    }[];
    expect(dup.map((r) => [r.success, r.errors[0]?.statusCode])).to.deep.equal([[false, 'DUPLICATE_EXTERNAL_ID']]);
    const del = await acc.destroy([...ids, '001000000000000AAA']);
    expect(del.map((r) => r.success)).to.deep.equal([true, true, false]);

    const tooMany = Array.from({ length: 201 }, (_, i) => ({ Name: `T${i}` }));
    const limit = await rejection(() => acc.create(tooMany));
    expect(limit.errorCode).to.equal('EXCEEDED_ID_LIMIT');
    const chunked = await acc.create(tooMany, { allowRecursive: true });
    expect(chunked.filter((r) => r.success)).to.have.length(201);
  });

  it('pages queries over 2,000 records and follows nextRecordsUrl with autoFetch', async () => {
    const many = Array.from({ length: 2300 }, (_, i) => ({ Name: `Bulk ${String(i).padStart(4, '0')}`, AccountNumber: 'PAGE' }));
    for (let i = 0; i < many.length; i += 200) await conn.sobject('Account').create(many.slice(i, i + 200));
    const first = await conn.query<Rec>("SELECT Id, Name FROM Account WHERE AccountNumber = 'PAGE'");
    expect(first.totalSize).to.equal(2300);
    expect(first.done).to.equal(false);
    expect(first.records).to.have.length(2000);
    expect(first.nextRecordsUrl).to.match(/\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]{15}-2000$/);
    const more = await conn.queryMore<Rec>(first.nextRecordsUrl as string);
    expect(more.records).to.have.length(300);
    expect(more.done).to.equal(true);
    const all = await conn.query<Rec>("SELECT Id FROM Account WHERE AccountNumber = 'PAGE'").run({ autoFetch: true, maxFetch: 5000 });
    expect(all.records).to.have.length(2300);
    expect(new Set(all.records.map((r) => r.Id)).size).to.equal(2300);
    const small = await conn.query<Rec>("SELECT Id FROM Account WHERE AccountNumber = 'PAGE'", { headers: { 'Sforce-Query-Options': 'batchSize=500' } } as never);
    expect(small.records.length).to.be.at.most(2000);
  });

  it('answers relationship, sub-query and aggregate queries', async () => {
    const acc = await conn.sobject('Account').create({ Name: 'Rel Co' });
    const opp = await conn.sobject('Opportunity').create({ Name: 'Deal', StageName: 'Prospecting', CloseDate: '2026-12-01', AccountId: acc.id, Amount: 100 });
    await conn.sobject('Opportunity').create({ Name: 'Deal 2', StageName: 'Prospecting', CloseDate: '2026-12-02', AccountId: acc.id, Amount: 50 });
    const child = await conn.query<Rec>(`SELECT Name, Account.Name FROM Opportunity WHERE Id = '${opp.id}'`);
    expect((child.records[0].Account as Rec).Name).to.equal('Rel Co');
    const parent = await conn.query<Rec>(`SELECT Name, (SELECT Name FROM Opportunities ORDER BY Name) FROM Account WHERE Id = '${acc.id}'`);
    const subs = parent.records[0].Opportunities as { records: Rec[] };
    expect(subs.records.map((r) => r.Name)).to.deep.equal(['Deal', 'Deal 2']);
    const agg = await conn.query<Rec>(`SELECT StageName, SUM(Amount) total, COUNT(Id) FROM Opportunity WHERE AccountId = '${acc.id}' GROUP BY StageName`);
    expect(agg.records).to.deep.equal([{ attributes: { type: 'AggregateResult' }, StageName: 'Prospecting', total: 150, expr0: 2 }]);
    expect(await conn.sobject('Opportunity').count({ AccountId: acc.id })).to.equal(2);
    const bad = await rejection(() => conn.query('SELECT FROM'));
    expect(bad.errorCode).to.equal('MALFORMED_QUERY');
    const plan = (await conn.query('SELECT Id FROM Account').explain()) as { plans: { sobjectType: string; leadingOperationType: string }[] };
    expect(plan.plans[0]).to.include({ sobjectType: 'Account', leadingOperationType: 'TableScan' });
  });

  it('lists updated and deleted ids for a window (jsforce sends +00:00 offsets)', async () => {
    const start = new Date(Date.now() - 60_000);
    const a = await conn.sobject('Account').create({ Name: 'Repl 1' });
    const b = await conn.sobject('Account').create({ Name: 'Repl 2' });
    await conn.sobject('Account').destroy(b.id as string);
    const end = new Date(Date.now() + 60_000);
    const updated = await conn.sobject('Account').updated(start, end);
    expect(updated.ids).to.include(a.id);
    expect(updated.ids).not.to.include(b.id);
    expect(updated.latestDateCovered).to.match(/\+0000$/);
    const deleted = await conn.sobject('Account').deleted(start, end);
    expect(deleted.deletedRecords.map((r) => r.id)).to.include(b.id);
  });

  it('runs /composite with references and all-or-none, and /composite/batch', async () => {
    const body = {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: '/services/data/v62.0/sobjects/Account', referenceId: 'acct', body: { Name: 'Composite Co' } },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Opportunity',
          referenceId: 'opp',
          body: { Name: 'Composite deal', AccountId: '@{acct.id}', StageName: 'Prospecting', CloseDate: '2026-12-01' },
        },
        { method: 'GET', url: '/services/data/v62.0/sobjects/Opportunity/@{opp.id}?fields=AccountId', referenceId: 'read' },
      ],
    };
    const ok = await conn.requestPost<{ compositeResponse: { httpStatusCode: number; body: Rec; referenceId: string }[] }>('/composite', body);
    expect(ok.compositeResponse.map((r) => r.httpStatusCode)).to.deep.equal([201, 201, 200]);
    expect(ok.compositeResponse[2].body.AccountId).to.equal(ok.compositeResponse[0].body.id);

    const failing = {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: '/services/data/v62.0/sobjects/Account', referenceId: 'a', body: { Name: 'Rolled back Co' } },
        { method: 'POST', url: '/services/data/v62.0/sobjects/Opportunity', referenceId: 'o', body: { Name: 'No stage', AccountId: '@{a.id}' } },
      ],
    };
    const rolled = await conn.requestPost<{ compositeResponse: { httpStatusCode: number }[] }>('/composite', failing);
    expect(rolled.compositeResponse.map((r) => r.httpStatusCode)).to.deep.equal([400, 400]);
    expect((await conn.query("SELECT Id FROM Account WHERE Name = 'Rolled back Co'")).totalSize).to.equal(0);

    const batch = await conn.requestPost<{ hasErrors: boolean; results: { statusCode: number }[] }>('/composite/batch', {
      batchRequests: [
        { method: 'POST', url: 'v62.0/sobjects/Account', richInput: { Name: 'Batch Co' } },
        { method: 'GET', url: 'v62.0/sobjects/Account/001000000000000AAA' },
      ],
    });
    expect(batch.hasErrors).to.equal(true);
    expect(batch.results.map((r) => r.statusCode)).to.deep.equal([201, 404]);
    const halted = await conn.requestPost<{ results: { statusCode: number }[] }>('/composite/batch', {
      haltOnError: true,
      batchRequests: [
        { method: 'GET', url: 'v62.0/sobjects/Account/001000000000000AAA' },
        { method: 'POST', url: 'v62.0/sobjects/Account', richInput: { Name: 'Never written' } },
      ],
    });
    expect(halted.results.map((r) => r.statusCode)).to.deep.equal([404, 412]);
    expect((await conn.query("SELECT Id FROM Account WHERE Name = 'Never written'")).totalSize).to.equal(0);
  });

  it('answers unknown routes and malformed JSON with Salesforce error arrays', async () => {
    const res = await fetch(`${org.url}/services/data/v62.0/nope`, { headers: { Authorization: `Bearer ${org.credentials.accessToken}` } });
    expect(res.status).to.equal(404);
    expect(res.headers.get('content-type')).to.equal('application/json;charset=UTF-8');
    expect(await res.json()).to.deep.equal([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
    const bad = await fetch(`${org.url}/services/data/v62.0/sobjects/Account`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${org.credentials.accessToken}`, 'Content-Type': 'application/json' },
      body: '{"Name": ',
    });
    expect(bad.status).to.equal(400);
    expect(((await bad.json()) as { errorCode: string }[])[0].errorCode).to.equal('JSON_PARSER_ERROR');
  });
});
