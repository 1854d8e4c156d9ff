// The real `sf` (2.150.x) against local-org, as an admin types it: queries in every output form, single
// records, stored logins with permission-set assignment, sObject describe/list and the Bulk API 2.0
// commands. Each `it` groups several commands because every sf start costs seconds.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { lines, startSfSession, type SfSession } from './sf-cli-fixture.js';

type QueryResult = { totalSize: number; done: boolean; records: Record<string, unknown>[] };

describe('sf CLI against local-org', function () {
  this.timeout(180_000);
  let s: SfSession;
  let acme: string;

  before(async () => {
    s = await startSfSession();
    const store = s.org.store;
    const ids = store.insert('Account', [
      { Name: 'Acme', Industry: 'Energy', AnnualRevenue: 1000 },
      { Name: 'Globex', Industry: 'Energy', AnnualRevenue: 3000 },
      { Name: 'Initech', Industry: 'Retail', AnnualRevenue: 500 },
      { Name: 'Gone Ltd', Industry: 'Retail' },
    ]).map((r) => r.id as string);
    acme = ids[0];
    store.insert('Opportunity', [
      { Name: 'Acme Deal 1', StageName: 'Prospecting', CloseDate: '2026-12-01', AccountId: acme },
      { Name: 'Acme Deal 2', StageName: 'Prospecting', CloseDate: '2026-12-02', AccountId: acme },
    ]);
    expect(store.delete([ids[3]])[0].success).to.equal(true);
  });
  after(async () => {
    await s?.close();
  });

  describe('sf data query', () => {
    it('prints a table, JSON and CSV, with parents and sub-queries', async () => {
      const soql = 'SELECT Id, Name, Owner.Name, (SELECT Name FROM Opportunities ORDER BY Name) FROM Account ORDER BY Name';
      const [table, json, csv] = await Promise.all([
        s.sf(['data', 'query', '-q', soql, '-o', '@token']),
        s.sfJson<QueryResult>(['data', 'query', '-q', soql, '-o', '@token']),
        s.sf(['data', 'query', '-q', 'SELECT Id, Name, Owner.Name FROM Account ORDER BY Name', '--result-format', 'csv', '-o', '@token']),
      ]);
      expect(table.code, table.stderr).to.equal(0);
      const out = lines(table.stdout);
      const header = out.find((l) => l.includes('OWNER.NAME'));
      expect(header, table.stdout).to.match(/ID\s+│\s+NAME\s+│\s+OWNER\.NAME\s+│\s+OPPORTUNITIES\.NAME/);
      // The first child shares its parent's row; further children get rows of their own.
      expect(out.find((l) => l.includes('Acme ') && l.includes(acme))).to.match(/Admin User\s+│\s+Acme Deal 1/);
      expect(out.some((l) => l.includes('Acme Deal 2'))).to.equal(true);
      expect(out.some((l) => l.includes('Gone Ltd'))).to.equal(false);
      expect(out).to.include('Total number of records retrieved: 3.');

      expect(json.code).to.equal(0);
      expect(json.result.totalSize).to.equal(3);
      expect(json.result.records.map((r) => r.Name)).to.deep.equal(['Acme', 'Globex', 'Initech']);
      expect(json.result.records[0].Owner).to.deep.include({ Name: 'Admin User' });
      const opps = json.result.records[0].Opportunities as QueryResult;
      expect(opps.records.map((r) => r.Name)).to.deep.equal(['Acme Deal 1', 'Acme Deal 2']);

      expect(csv.code, csv.stderr).to.equal(0);
      expect(lines(csv.stdout).filter((l) => !l.startsWith('Querying'))).to.deep.equal([
        'Id,Name,Owner.Name',
        ...json.result.records.map((r) => `${String(r.Id)},${String(r.Name)},Admin User`),
      ]);
    });

    it('reads deleted rows with --all-rows, aggregates, COUNT() and empty results', async () => {
      const [all, agg, count, none] = await Promise.all([
        s.sfJson<QueryResult>(['data', 'query', '-q', 'SELECT Name, IsDeleted FROM Account ORDER BY Name', '--all-rows', '-o', '@token']),
        s.sf(['data', 'query', '-q', 'SELECT Industry, COUNT(Id), MAX(AnnualRevenue) FROM Account GROUP BY Industry ORDER BY Industry', '-o', '@token']),
        s.sf(['data', 'query', '-q', 'SELECT COUNT() FROM Account', '-o', '@token']),
        s.sf(['data', 'query', '-q', "SELECT Id FROM Account WHERE Name = 'Nobody'", '-o', '@token']),
      ]);
      expect(all.code).to.equal(0);
      expect(all.result.records.map((r) => [r.Name, r.IsDeleted])).to.deep.equal([
        ['Acme', false], ['Globex', false], ['Gone Ltd', true], ['Initech', false],
      ]);

      expect(agg.code, agg.stderr).to.equal(0);
      const aggOut = lines(agg.stdout);
      expect(aggOut.find((l) => l.includes('INDUSTRY'))).to.match(/INDUSTRY\s+│\s+COUNT\(ID\)\s+│\s+MAX\(ANNUALREVENUE\)/);
      expect(aggOut.find((l) => l.includes('Energy'))).to.match(/Energy\s+│\s+2\s+│\s+3000/);
      expect(aggOut.find((l) => l.includes('Retail'))).to.match(/Retail\s+│\s+1\s+│\s+500/);

      expect(count.code, count.stderr).to.equal(0);
      expect(lines(count.stdout)).to.include('Total number of records retrieved: 3.');
      expect(none.code, none.stderr).to.equal(0);
      expect(lines(none.stdout)).to.include('Total number of records retrieved: 0.');
    });

    it('reports Salesforce query errors, and tooling queries as unsupported types', async () => {
      const [badField, tooling] = await Promise.all([
        s.sfJson(['data', 'query', '-q', 'SELECT Nope__c FROM Account', '-o', '@token']),
        s.sfJson(['data', 'query', '-q', 'SELECT Id, Name FROM ApexClass', '--use-tooling-api', '-o', '@token']),
      ]);
      expect(badField.code).to.equal(1);
      expect(badField.name).to.equal('INVALID_FIELD');
      expect(badField.message).to.include("No such column 'Nope__c' on entity 'Account'");
      expect(tooling.code).to.equal(1);
      expect(tooling.name).to.equal('INVALID_TYPE');
      expect(tooling.message).to.include("sObject type 'ApexClass' is not supported");
    });
  });

  describe('single records', () => {
    it('creates, gets, updates (by --where) and deletes a record', async () => {
      const created = await s.sfJson<{ id: string; success: boolean }>(['data', 'create', 'record', '-s', 'Account', '-v', "Name='Umbrella Corp' Industry=Biotechnology", '-o', '@token']);
      expect(created.code).to.equal(0);
      expect(created.result.success).to.equal(true);
      const id = created.result.id;
      expect(s.org.store.retrieve('Account', id)).to.include({ Name: 'Umbrella Corp', Industry: 'Biotechnology' });

      const updated = await s.sf(['data', 'update', 'record', '-s', 'Account', '-w', "Name='Umbrella Corp'", '-v', 'Industry=Chemicals AnnualRevenue=42', '-o', '@token']);
      expect(updated.code, updated.stderr).to.equal(0);
      expect(updated.stdout).to.include(`Successfully updated record: ${id}.`);
      const got = await s.sfJson<Record<string, unknown>>(['data', 'get', 'record', '-s', 'Account', '-i', id, '-o', '@token']);
      expect(got.result).to.include({ Id: id, Name: 'Umbrella Corp', Industry: 'Chemicals', AnnualRevenue: 42 });

      const deleted = await s.sf(['data', 'delete', 'record', '-s', 'Account', '-w', "Name='Umbrella Corp' Industry=Chemicals", '-o', '@token']);
      expect(deleted.code, deleted.stderr).to.equal(0);
      expect(deleted.stdout).to.include(`Successfully deleted record: ${id}.`);
      expect(s.org.store.retrieve('Account', id)).to.equal(undefined);
      const [gone, again] = await Promise.all([
        s.sfJson(['data', 'get', 'record', '-s', 'Account', '-i', id, '-o', '@token']),
        s.sfJson(['data', 'delete', 'record', '-s', 'Account', '-i', id, '-o', '@token']),
      ]);
      expect(gone.code).to.equal(1);
      expect(gone.name).to.equal('ENTITY_IS_DELETED');
      expect(again.code).to.equal(1);
      expect(again.name).to.equal('ENTITY_IS_DELETED');
    });
  });

  describe('a stored login (sf org login access-token)', () => {
    it('logs in, assigns a permission set once, refuses a duplicate, and displays and lists the org', async () => {
      const store = s.org.store;
      const [ps] = store.insert('PermissionSet', [{ Name: 'Sf_Cli_Test', Label: 'Sf CLI Test' }]);
      const login = await s.sfJson<{ username: string; orgId: string }>(
        ['org', 'login', 'access-token', '--instance-url', s.org.url, '--no-prompt', '--alias', 'local'],
        { env: { SF_ACCESS_TOKEN: s.org.credentials.accessToken } },
      );
      expect(login.code, JSON.stringify(login)).to.equal(0);
      expect(login.result.username).to.equal('admin@reco.local');
      expect(login.result.orgId).to.equal(store.identity.organizationId);

      const first = await s.sfJson<{ successes: { name: string; value: string }[]; failures: unknown[] }>(['org', 'assign', 'permset', '-n', 'Sf_Cli_Test', '-o', 'local']);
      expect(first.code).to.equal(0);
      expect(first.result.successes).to.deep.equal([{ name: 'admin@reco.local', value: 'Sf_Cli_Test' }]);
      const again = await s.sfJson<{ successes: unknown[]; failures: { name: string; message: string }[] }>(['org', 'assign', 'permset', '-n', 'Sf_Cli_Test', '-o', 'local']);
      expect(again.code).to.equal(1);
      expect(again.result.successes).to.deep.equal([]);
      expect(again.result.failures).to.deep.equal([
        { name: 'admin@reco.local', message: `Duplicate PermissionSetAssignment. Assignee: ${store.identity.adminUserId}; Permission Set: ${ps.id}` },
      ]);
      const held = store.db.prepare('SELECT COUNT(*) AS n FROM PermissionSetAssignment WHERE PermissionSetId = ? AND IsDeleted = 0').get(ps.id) as { n: number };
      expect(held.n).to.equal(1);

      const [display, list] = await Promise.all([
        s.sf(['org', 'display', '-o', 'local', '--verbose']),
        s.sfJson<{ nonScratchOrgs: { alias: string; orgId: string; username: string; connectedStatus: string }[] }>(['org', 'list']),
      ]);
      expect(display.code, display.stderr).to.equal(0);
      const rows = lines(display.stdout);
      expect(rows.find((l) => l.includes('│ Id '))).to.include(store.identity.organizationId);
      expect(rows.find((l) => l.includes('│ Username '))).to.include('admin@reco.local');
      expect(rows.find((l) => l.includes('│ Connected Status '))).to.include('Connected');
      expect(list.code).to.equal(0);
      expect(list.result.nonScratchOrgs.map((o) => ({ alias: o.alias, orgId: o.orgId, username: o.username, connectedStatus: o.connectedStatus }))).to.deep.equal([
        { alias: 'local', orgId: store.identity.organizationId, username: 'admin@reco.local', connectedStatus: 'Connected' },
      ]);
      // sf keeps its own logs under HOME: the token must not be in them.
      const token = s.org.credentials.accessToken;
      const logs = readSfLogs(s.home);
      expect(logs.length).to.be.greaterThan(0);
      expect(logs.join('\n')).to.not.include(token.slice(16));
    });
  });

  describe('sf sobject', () => {
    it('describes one object, lists them all, and answers NOT_FOUND for an unknown one', async () => {
      const [describe, list, unknown] = await Promise.all([
        s.sfJson<{ name: string; keyPrefix: string; fields: { name: string; type: string }[] }>(['sobject', 'describe', '--sobject', 'Account', '-o', '@token']),
        s.sf(['sobject', 'list', '-o', '@token']),
        s.sfJson(['sobject', 'describe', '--sobject', 'NoSuch__c', '-o', '@token']),
      ]);
      expect(describe.result).to.include({ name: 'Account', keyPrefix: '001' });
      expect(describe.result.fields.find((f) => f.name === 'Name')?.type).to.equal('string');
      expect(list.code, list.stderr).to.equal(0);
      const names = lines(list.stdout);
      for (const o of ['Account', 'Opportunity', 'PermissionSetAssignment', 'User']) expect(names).to.include(o);
      expect(unknown.code).to.equal(1);
      expect(unknown.name).to.equal('NOT_FOUND');
    });
  });

  describe('Bulk API 2.0 commands', () => {
    it('imports, exports, upserts and deletes through sf data … bulk', async () => {
      const dir = s.home;
      const input = path.join(dir, 'accounts.csv');
      writeFileSync(input, 'Name,Industry,AnnualRevenue\nBulk One,Energy,10\nBulk Two,Retail,20\n');
      const imported = await s.sfJson<{ jobId: string; processedRecords: number; successfulRecords: number; failedRecords: number }>(
        ['data', 'import', 'bulk', '--file', input, '--sobject', 'Account', '--wait', '2', '-o', '@token'],
      );
      expect(imported.code, JSON.stringify(imported)).to.equal(0);
      expect(imported.result).to.include({ processedRecords: 2, successfulRecords: 2, failedRecords: 0 });

      const exported = path.join(dir, 'export.csv');
      const exp = await s.sfJson<{ totalSize: number; filePath: string }>(
        ['data', 'export', 'bulk', '-q', "SELECT Id, Name, Owner.Name FROM Account WHERE Name LIKE 'Bulk%' ORDER BY Name", '--output-file', exported, '--wait', '2', '-o', '@token'],
      );
      expect(exp.code, JSON.stringify(exp)).to.equal(0);
      expect(exp.result.totalSize).to.equal(2);
      const rows = readFileSync(exported, 'utf8').trim().split('\n');
      expect(rows[0]).to.equal('"Id","Name","Owner.Name"');
      const ids = rows.slice(1).map((r) => JSON.parse(`[${r}]`) as string[]);
      expect(ids.map((r) => r.slice(1))).to.deep.equal([['Bulk One', 'Admin User'], ['Bulk Two', 'Admin User']]);

      const upsertFile = path.join(dir, 'upsert.csv');
      writeFileSync(upsertFile, `Id,Industry\n${ids[0][0]},Chemicals\n`);
      const upserted = await s.sfJson<{ jobInfo: { state: string; numberRecordsProcessed: number; numberRecordsFailed: number } }>(
        ['data', 'upsert', 'bulk', '--file', upsertFile, '--sobject', 'Account', '--external-id', 'Id', '--wait', '2', '-o', '@token'],
      );
      expect(upserted.code, JSON.stringify(upserted)).to.equal(0);
      expect(upserted.result.jobInfo).to.include({ state: 'JobComplete', numberRecordsProcessed: 1, numberRecordsFailed: 0 });
      expect(s.org.store.retrieve('Account', ids[0][0])).to.include({ Industry: 'Chemicals' });

      const deleteFile = path.join(dir, 'delete.csv');
      writeFileSync(deleteFile, `Id\n${ids.map((r) => r[0]).join('\n')}\n`);
      const deleted = await s.sfJson<{ jobInfo: { state: string; numberRecordsProcessed: number } }>(
        ['data', 'delete', 'bulk', '--file', deleteFile, '--sobject', 'Account', '--wait', '2', '-o', '@token'],
      );
      expect(deleted.code, JSON.stringify(deleted)).to.equal(0);
      expect(deleted.result.jobInfo).to.include({ state: 'JobComplete', numberRecordsProcessed: 2 });
      for (const [id] of ids) expect(s.org.store.retrieve('Account', id)).to.equal(undefined);
    });

    it('reports the rows a bulk import refused', async () => {
      const input = path.join(s.home, 'bad.csv');
      writeFileSync(input, 'Name,Industry\nBulk Good,Energy\n,Retail\n');
      const run = await s.sfJson<unknown>(['data', 'import', 'bulk', '--file', input, '--sobject', 'Account', '--wait', '2', '-o', '@token']);
      expect(run.code).to.equal(1);
      expect(run.message).to.match(/1 (record|row)s? failed|failed/i);
      expect(s.org.store.findByExternalId('Account', 'Name', 'Bulk Good')).to.have.length(1);
    });
  });

  it('answers resources it does not serve with Salesforce NOT_FOUND arrays, never HTML', async () => {
    const auth = { Authorization: `Bearer ${s.org.credentials.accessToken}` };
    for (const p of ['/services/data/v67.0/tooling/sobjects', '/services/data/v67.0/sobjects/Account/describe/layouts', '/services/data/v67.0/sobjects/Account/listviews', '/services/apexrest/reco', '/services/data/v67.0/wave']) {
      const res = await fetch(`${s.org.url}${p}`, { headers: auth });
      expect(res.status, p).to.equal(404);
      expect(res.headers.get('content-type')).to.match(/^application\/json/);
      expect(await res.json()).to.deep.equal([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    }
  });
});

function readSfLogs(home: string): string[] {
  const dir = path.join(home, '.sf');
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => readFileSync(path.join(dir, f), 'utf8'));
  } catch {
    return [];
  }
}
