import { expect } from 'chai';
import type { Connection } from 'jsforce';
import type { LocalOrg } from '../../local-org/src/index.js';
import { rejection, startTestOrg, tokenConnection } from './http-fixture.js';

type Row = Record<string, unknown>;

describe('local-org HTTP: Bulk API 2.0 (jsforce bulk2)', () => {
  let org: LocalOrg;
  let conn: Connection;

  before(async () => {
    org = await startTestOrg();
    conn = tokenConnection(org);
    conn.bulk2.pollInterval = 20;
  });
  after(async () => org.close());

  it('ingests with per-row successes and failures', async () => {
    const res = await conn.bulk2.loadAndWaitForResults({
      object: 'Account',
      operation: 'insert',
      input: [
        // jsforce takes the CSV columns from the first record.
        { Name: 'Bulk A', Industry: 'Retail', NumberOfEmployees: null },
        { Name: '', Industry: 'Retail', NumberOfEmployees: 3 },
        { Name: 'Bulk "C", Ltd', Industry: null, NumberOfEmployees: 12 },
      ],
    });
    expect(res.successfulResults.map((r) => (r as Row).Name)).to.deep.equal(['Bulk A', 'Bulk "C", Ltd']);
    expect(res.successfulResults.every((r) => r.sf__Created === 'true' && /^001/.test(String(r.sf__Id)))).to.equal(true);
    expect(res.failedResults).to.have.length(1);
    expect(res.failedResults[0].sf__Error).to.match(/^REQUIRED_FIELD_MISSING:Required fields are missing: \[Name\]:Name --$/);
    expect(res.failedResults[0].sf__Id).to.equal('');
    expect(res.unprocessedRecords).to.have.length(0);
    const check = await conn.query<Row>("SELECT Name, NumberOfEmployees FROM Account WHERE Name = 'Bulk \"C\", Ltd'");
    expect(check.records[0].NumberOfEmployees).to.equal(12);
  });

  it('updates (empty = unchanged, #N/A = null), upserts with a relationship column and deletes', async () => {
    const acc = await conn.sobject('Account').create({ Name: 'Upd', Industry: 'Retail', Phone: '123' });
    const upd = await conn.bulk2.loadAndWaitForResults({
      object: 'Account',
      operation: 'update',
      input: `Id,Industry,Phone\n${acc.id},,#N/A\n001000000000000AAA,Banking,\n`,
    });
    expect(upd.successfulResults.map((r) => [r.sf__Id, r.sf__Created])).to.deep.equal([[acc.id, 'false']]);
    expect(upd.failedResults.map((r) => r.sf__Id)).to.deep.equal(['001000000000000AAA']);
    const after = (await conn.sobject('Account').retrieve(acc.id as string)) as Row;
    expect([after.Industry, after.Phone]).to.deep.equal(['Retail', null]);

    await conn.sobject('Product2').create({ Name: 'Teapot', ExternalId: 'P-TEA' });
    const csv = [
      'External_Id__c,Account__c,Product__r.ExternalId,Score__c',
      `R-1,${acc.id},P-TEA,0.5`,
      `R-2,${acc.id},P-NONE,0.7`,
    ].join('\n');
    const ups = await conn.bulk2.loadAndWaitForResults({ object: 'Product_Recommendation__c', operation: 'upsert', externalIdFieldName: 'External_Id__c', input: csv });
    expect(ups.successfulResults.map((r) => [(r as Row).External_Id__c, r.sf__Created])).to.deep.equal([['R-1', 'true']]);
    expect(ups.failedResults.map((r) => (r as Row).External_Id__c)).to.deep.equal(['R-2']);
    expect(String(ups.failedResults[0].sf__Error)).to.contain('P-NONE');
    const again = await conn.bulk2.loadAndWaitForResults({
      object: 'Product_Recommendation__c',
      operation: 'upsert',
      externalIdFieldName: 'External_Id__c',
      input: `External_Id__c,Score__c\nR-1,0.9\n`,
    });
    expect(again.successfulResults.map((r) => r.sf__Created)).to.deep.equal(['false']);
    const rec = await conn.query<Row>("SELECT Score__c, Product__r.Name FROM Product_Recommendation__c WHERE External_Id__c = 'R-1'");
    expect(rec.records[0].Score__c).to.equal(0.9);
    expect((rec.records[0].Product__r as Row).Name).to.equal('Teapot');

    const del = await conn.bulk2.loadAndWaitForResults({ object: 'Account', operation: 'delete', input: [{ Id: acc.id }] });
    expect(del.successfulResults.map((r) => r.sf__Id)).to.deep.equal([acc.id]);
  });

  it('fails the whole job for an unknown column, as Salesforce does', async () => {
    const err = await rejection(() =>
      conn.bulk2.loadAndWaitForResults({ object: 'Account', operation: 'insert', input: 'Name,Nope__c\nA,1\n' }),
    );
    expect(err.message).to.contain('Field name not found : Nope__c');
  });

  it('streams query results across pages with Sforce-Locator', async () => {
    const rows = Array.from({ length: 450 }, (_, i) => ({ Name: `Q ${i}`, AccountNumber: 'BULKQ', NumberOfEmployees: i }));
    for (let i = 0; i < rows.length; i += 200) await conn.sobject('Account').create(rows.slice(i, i + 200));
    const records = (await (await conn.bulk2.query("SELECT Id, Name, NumberOfEmployees FROM Account WHERE AccountNumber = 'BULKQ'")).toArray()) as Row[];
    expect(records).to.have.length(450);
    expect(Object.keys(records[0])).to.deep.equal(['Id', 'Name', 'NumberOfEmployees']);
    expect(new Set(records.map((r) => r.Id)).size).to.equal(450);

    // Raw paging: maxRecords splits pages, every page has a locator and the last one is "null".
    const job = await conn.requestPost<{ id: string; state: string }>('/jobs/query', {
      operation: 'query',
      query: "SELECT Id FROM Account WHERE AccountNumber = 'BULKQ'",
    });
    expect(job.id).to.match(/^750/);
    const auth = { Authorization: `Bearer ${conn.accessToken}` };
    const base = `${org.url}/services/data/v62.0/jobs/query/${job.id}/results?maxRecords=200`;
    const locators: string[] = [];
    let total = 0;
    let url = base;
    for (;;) {
      const res = await fetch(url, { headers: auth });
      expect(res.headers.get('content-type')).to.equal('text/csv');
      const locator = res.headers.get('sforce-locator') as string;
      total += Number(res.headers.get('sforce-numberofrecords'));
      locators.push(locator);
      if (locator === 'null') break;
      url = `${base}&locator=${locator}`;
    }
    expect(locators).to.have.length(3);
    expect(total).to.equal(450);
  });

  it('aborts an open job, which then refuses data and reports Aborted', async () => {
    const job = conn.bulk2.createJob({ object: 'Account', operation: 'insert' });
    await job.open();
    await job.abort();
    const info = await job.check();
    expect(info.state).to.equal('Aborted');
    expect(info.id).to.match(/^750/);
    const res = await fetch(`${org.url}/services/data/v62.0/jobs/ingest/${info.id}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${conn.accessToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ state: 'UploadComplete' }),
    });
    expect(res.status).to.equal(400);
    expect(((await res.json()) as { errorCode: string }[])[0].errorCode).to.equal('INVALIDJOBSTATE');
  });

  it('counts ingest batches and query jobs against the /limits allocations', async () => {
    const before = await conn.limits();
    await conn.bulk2.loadAndWaitForResults({ object: 'Account', operation: 'insert', input: [{ Name: 'Counted' }] });
    await (await conn.bulk2.query('SELECT Id FROM Organization')).toArray();
    const after = await conn.limits();
    expect(before.DailyBulkApiBatches.Remaining - after.DailyBulkApiBatches.Remaining).to.equal(1);
    expect(before.DailyBulkV2QueryJobs.Remaining - after.DailyBulkV2QueryJobs.Remaining).to.equal(1);
  });

  it('rejects SOQL Bulk 2.0 does not support', async () => {
    const err = await rejection(async () => (await conn.bulk2.query('SELECT COUNT() FROM Account')).toArray());
    expect(err.message).to.match(/not supported|COUNT/i);
  });
});
