// Every write path stamps CreatedById / LastModifiedById with the session's user, and SOQL filters on them,
// as Reco's incremental read of reps' feedback (LastModifiedById != its own user, deletions included) needs.
import { expect } from 'chai';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { Connection } from 'jsforce';
import type { LocalOrg } from '../../local-org/src/index.js';
import { startTestOrg, tokenConnection } from './http-fixture.js';

const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('local-org: audit user fields follow the session user', function () {
  this.timeout(30_000);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let org: LocalOrg;
  let admin: Connection;
  let rep: Connection;
  let adminId: string;
  let repId: string;

  before(async () => {
    org = await startTestOrg({ jwtPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    admin = tokenConnection(org);
    adminId = org.store.identity.adminUserId;
    const [u] = org.store.insert('User', [{
      Username: 'rep@reco.local', LastName: 'Rep', Email: 'rep@reco.local', Alias: 'rep', ProfileId: org.store.identity.profileId,
      TimeZoneSidKey: 'GMT', LocaleSidKey: 'en_US', EmailEncodingKey: 'UTF-8', LanguageLocaleKey: 'en_US',
    }]);
    repId = u.id as string;
    // A session of the rep's own, through the JWT bearer flow.
    const body = `${b64url({ alg: 'RS256' })}.${b64url({ iss: org.credentials.clientId, sub: 'rep@reco.local', aud: org.url, exp: Math.floor(Date.now() / 1000) + 300 })}`;
    const assertion = `${body}.${createSign('RSA-SHA256').update(body).sign(privateKey).toString('base64url')}`;
    const res = await fetch(`${org.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
    });
    const token = (await res.json()) as { access_token: string; instance_url: string };
    rep = new Connection({ instanceUrl: token.instance_url, accessToken: token.access_token, version: '62.0' });
  });
  after(() => org.close());

  type Seg = { Id: string; Key__c: string; CreatedById: string; LastModifiedById: string; IsDeleted: boolean };
  const audit = async (): Promise<Map<string, Seg>> =>
    new Map((await admin.query<Seg>('SELECT Id, Key__c, CreatedById, LastModifiedById, IsDeleted FROM Customer_Segment__c', { scanAll: true })).records.map((r) => [r.Key__c, r]));

  it('stamps the acting user on REST, sObject Collections, composite, Bulk 2.0 ingest and delete', async () => {
    const a = (await rep.sobject('Customer_Segment__c').create({ Name: 'A', Key__c: 'a' } as never)) as unknown as { id: string };
    await admin.sobject('Customer_Segment__c').create([{ Name: 'B', Key__c: 'b' }, { Name: 'C', Key__c: 'c' }, { Name: 'D', Key__c: 'd' }] as never[]);
    let s = await audit();
    expect(s.get('a')).to.include({ CreatedById: repId, LastModifiedById: repId });
    expect(s.get('b')).to.include({ CreatedById: adminId, LastModifiedById: adminId });

    await admin.sobject('Customer_Segment__c').update([{ Id: a.id, Name: 'A2' }] as never[]); // collections
    expect((await audit()).get('a')).to.include({ CreatedById: repId, LastModifiedById: adminId });
    await rep.requestPost('/composite', { allOrNone: true, compositeRequest: [
      { method: 'PATCH', url: `/services/data/v62.0/sobjects/Customer_Segment__c/${s.get('b')!.Id}`, referenceId: 'b', body: { Name: 'B2' } },
    ] });
    expect((await audit()).get('b')).to.include({ CreatedById: adminId, LastModifiedById: repId });
    const bulk = await rep.bulk2.loadAndWaitForResults({ object: 'Customer_Segment__c', operation: 'upsert', externalIdFieldName: 'Key__c', input: [{ Key__c: 'c', Name: 'C2' }, { Key__c: 'e', Name: 'E' }] as never[], pollInterval: 50 });
    expect(bulk.failedResults).to.have.length(0);
    await rep.sobject('Customer_Segment__c').destroy(s.get('d')!.Id);
    s = await audit();
    expect(s.get('c')).to.include({ CreatedById: adminId, LastModifiedById: repId });
    expect(s.get('e')).to.include({ CreatedById: repId, LastModifiedById: repId });
    expect(s.get('d')).to.include({ IsDeleted: true, LastModifiedById: repId });
  });

  it("filters on LastModifiedById with != and OR IsDeleted, on REST queryAll and Bulk 2.0 queryAll", async () => {
    // after the test above: a and b were last changed by admin / rep, c and e by the rep, d deleted by the rep
    const where = `(LastModifiedById != '${repId}' OR IsDeleted = true)`;
    const rest = await admin.query<Seg>(`SELECT Key__c FROM Customer_Segment__c WHERE ${where} ORDER BY Key__c`, { scanAll: true });
    expect(rest.records.map((r) => r.Key__c)).to.deep.equal(['a', 'd']);
    const notAdmin = await admin.query<Seg>(`SELECT Key__c FROM Customer_Segment__c WHERE LastModifiedById != '${adminId}' ORDER BY Key__c`);
    expect(notAdmin.records.map((r) => r.Key__c)).to.deep.equal(['b', 'c', 'e']);
    const short = await admin.query<Seg>(`SELECT Key__c FROM Customer_Segment__c WHERE LastModifiedById = '${adminId.slice(0, 15)}'`);
    expect(short.records.map((r) => r.Key__c)).to.deep.equal(['a']);
    const rows = (await (await admin.bulk2.query(`SELECT Key__c FROM Customer_Segment__c WHERE ${where}`, { scanAll: true, pollInterval: 50 })).toArray()) as Array<{ Key__c: string }>;
    expect(rows.map((r) => r.Key__c).sort()).to.deep.equal(['a', 'd']);
  });
});
