// The Metadata API deploy path over the wire, driven by unmodified jsforce as the sf CLI drives it: SOAP
// deploy + checkDeployStatus (the CLI's default) and the REST deployRequest (org-metadata-rest-deploy).
// A started org is blank; after a deploy of force-app it holds exactly the components in the source tree.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Connection } from 'jsforce';
import { convertSource, type DeployResult, type LocalOrg } from '../../local-org/src/index.js';
import { RECO_SOURCE } from '../support/reco-org.js';
import { sourceComponents, zipOf } from './deploy-fixture.js';
import { rejection, startTestOrg, tokenConnection } from './http-fixture.js';

/** What the org reports: custom objects and fields from describe, permission sets from SOQL, bundles from listMetadata. */
async function orgComponents(conn: Connection) {
  const global = await conn.describeGlobal();
  const objects = global.sobjects.filter((o) => o.custom).map((o) => o.name).sort();
  const fields: string[] = [];
  for (const o of objects) for (const f of (await conn.describe(o)).fields) if (f.custom) fields.push(`${o}.${f.name}`);
  const permissionSets = (await conn.query<{ Name: string }>('SELECT Name FROM PermissionSet ORDER BY Name')).records.map((r) => r.Name);
  const listed = await conn.metadata.list([{ type: 'LightningComponentBundle' }]);
  const bundles = (Array.isArray(listed) ? listed : [listed]).filter(Boolean).map((b) => b.fullName).sort();
  return { objects, fields: fields.sort(), permissionSets, bundles };
}

async function restStatus(conn: Connection, id: string): Promise<DeployResult> {
  for (let i = 0; i < 200; i++) {
    const r = (await conn.metadata.checkDeployStatus(id, true, true)) as unknown as DeployResult;
    if (r.done) return r;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`deploy ${id} did not finish`);
}

describe('local-org Metadata API deploy (jsforce)', function () {
  this.timeout(60_000);
  let org: LocalOrg;
  let conn: Connection;
  let zip: Buffer;

  beforeEach(async () => {
    org = await startTestOrg({}, { blank: true });
    conn = tokenConnection(org, '66.0');
    zip ??= await zipOf(convertSource(RECO_SOURCE));
  });
  afterEach(() => org.close());

  it('starts blank: standard objects only, no permission sets', async () => {
    const global = await conn.describeGlobal();
    expect(global.sobjects.filter((o) => o.custom)).to.deep.equal([]);
    expect(global.sobjects.map((o) => o.name)).to.include.members(['Account', 'Opportunity', 'PermissionSet', 'ObjectPermissions', 'FieldPermissions']);
    expect((await conn.query('SELECT Id FROM PermissionSet')).totalSize).to.equal(0);
    await rejection(() => conn.describe('Product_Recommendation__c'));
  });

  it('deploys force-app over SOAP; the org then reports exactly the components of the source tree', async () => {
    const result = (await conn.metadata.deploy(zip, { rollbackOnError: true, singlePackage: true }).complete(true)) as unknown as DeployResult;
    expect(result).to.include({ done: true, status: 'Succeeded', success: true, checkOnly: false, numberComponentErrors: 0 });
    const expected = sourceComponents();
    expect(await orgComponents(conn)).to.deep.equal(expected);
    // jsforce casts SOAP values with its schema: every row carries a componentType string (package.xml: '').
    const rows = result.details.componentSuccesses as unknown as { componentType: string; fullName: string; created: boolean | string }[];
    expect(rows.find((r) => r.fullName === 'package.xml')?.componentType).to.equal('');
    const deployed = rows.filter((r) => r.fullName !== 'package.xml');
    expect(deployed).to.have.lengthOf(expected.objects.length + expected.fields.length + expected.permissionSets.length + expected.bundles.length);
    expect(result.numberComponentsDeployed).to.equal(deployed.length);
    expect(deployed.every((r) => String(r.created) === 'true')).to.equal(true);

    // Permission sets are rows of the real sObjects: PermissionSet, ObjectPermissions, FieldPermissions.
    const admin = (await conn.query<{ Id: string }>("SELECT Id FROM PermissionSet WHERE Name = 'Reco_Admin'")).records[0];
    const objectPerms = await conn.query<Record<string, unknown>>(
      `SELECT SobjectType, PermissionsRead, PermissionsCreate, PermissionsEdit, PermissionsDelete, PermissionsViewAllRecords, PermissionsModifyAllRecords FROM ObjectPermissions WHERE ParentId = '${admin.Id}' ORDER BY SobjectType`,
    );
    expect(objectPerms.records.map((r) => r.SobjectType)).to.deep.equal(['Account_Insight__c', 'Customer_Segment__c', 'Product_Recommendation__c', 'Reco_Run__c', 'Recommendation_Reaction__c']);
    const bySobject = new Map(objectPerms.records.map((r) => [r.SobjectType, r]));
    for (const o of ['Account_Insight__c', 'Customer_Segment__c', 'Product_Recommendation__c', 'Reco_Run__c']) {
      expect(bySobject.get(o)).to.include({ PermissionsRead: true, PermissionsEdit: true, PermissionsDelete: true, PermissionsViewAllRecords: true, PermissionsModifyAllRecords: true });
    }
    // Reactions are reps' decisions: Reco_Admin reads them all (View All) and grants no way to rewrite them.
    expect(bySobject.get('Recommendation_Reaction__c')).to.include({ PermissionsRead: true, PermissionsCreate: false, PermissionsEdit: false, PermissionsDelete: false, PermissionsViewAllRecords: true, PermissionsModifyAllRecords: false });
    const rep = (await conn.query<{ Id: string }>("SELECT Id FROM PermissionSet WHERE Name = 'Reco_Sales_Rep'")).records[0];
    const editable = await conn.query<{ Field: string }>(`SELECT Field FROM FieldPermissions WHERE ParentId = '${rep.Id}' AND PermissionsEdit = true ORDER BY Field`);
    // A rep edits no recommendation field (Reco derives Status__c); they fill in the reactions they create.
    expect(editable.records.map((r) => r.Field)).to.deep.equal([
      'Recommendation_Reaction__c.Account__c',
      'Recommendation_Reaction__c.Comment__c',
      'Recommendation_Reaction__c.Dismiss_Reason__c',
      'Recommendation_Reaction__c.Product__c',
      'Recommendation_Reaction__c.Recommendation__c',
    ]);

    // Redeploying the same source changes nothing, and says so.
    const again = (await conn.metadata.deploy(zip, { rollbackOnError: true }).complete(true)) as unknown as DeployResult;
    const states = (again.details.componentSuccesses as unknown as { fullName: string; created: unknown; changed: unknown }[]).filter((r) => r.fullName !== 'package.xml');
    expect(states.every((r) => String(r.created) === 'false' && String(r.changed) === 'false')).to.equal(true);
  });

  it('deploys force-app over REST (multipart file + entity_content) with a real boolean done and details', async () => {
    const locator = await conn.metadata.deployRest(zip, { rollbackOnError: true, singlePackage: true });
    expect(locator.id).to.match(/^0Af/);
    const raw = await conn.requestGet<{ id: string; deployResult: DeployResult }>(`/metadata/deployRequest/${locator.id}`);
    expect(raw.id).to.equal(locator.id);
    expect(typeof raw.deployResult.done).to.equal('boolean');
    expect(raw.deployResult.details).to.be.an('object');
    const result = await restStatus(conn, locator.id);
    expect(result).to.include({ done: true, status: 'Succeeded', success: true });
    expect(result.details.componentSuccesses.map((r) => r.componentType)).to.include.members(['', 'CustomObject', 'CustomField', 'PermissionSet', 'LightningComponentBundle']);
    expect(await orgComponents(conn)).to.deep.equal(sourceComponents());
  });

  it('accepts the docs\' multipart part name json and a zip with everything under one top folder', async () => {
    const form = new FormData();
    form.append('json', new Blob([JSON.stringify({ deployOptions: { rollbackOnError: true, singlePackage: false } })], { type: 'application/json' }));
    form.append('file', new Blob([new Uint8Array(await zipOf(convertSource(RECO_SOURCE), 'zip/'))], { type: 'application/zip' }), 'deploy.zip');
    const res = await fetch(`${org.url}/services/data/v66.0/metadata/deployRequest`, { method: 'POST', headers: { Authorization: `Bearer ${org.credentials.accessToken}` }, body: form });
    expect(res.status).to.equal(201);
    const { id } = (await res.json()) as { id: string };
    expect(await restStatus(conn, id)).to.include({ status: 'Succeeded' });
    expect((await orgComponents(conn)).objects).to.deep.equal(sourceComponents().objects);
  });

  it('a dry run (checkOnly) validates and changes nothing', async () => {
    const result = (await conn.metadata.deploy(zip, { checkOnly: true, rollbackOnError: true }).complete(true)) as unknown as DeployResult;
    expect(result).to.include({ status: 'Succeeded', success: true, checkOnly: true });
    expect(result.numberComponentsDeployed).to.be.greaterThan(60);
    expect(await orgComponents(conn)).to.deep.equal({ objects: [], fields: [], permissionSets: [], bundles: [] });
  });

  it('answers an unknown deploy id and a bad session as Salesforce does', async () => {
    const soap = await rejection(() => conn.metadata.checkDeployStatus('0Af5g0000000999AAA', true));
    expect(soap.message).to.match(/INVALID_ID_FIELD/);
    const rest = await rejection(() => conn.requestGet('/metadata/deployRequest/0Af5g0000000999AAA'));
    expect(rest.errorCode).to.equal('NOT_FOUND');
    const res = await fetch(`${org.url}/services/Soap/m/66.0`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml', SOAPAction: '""' },
      body: '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header xmlns="http://soap.sforce.com/2006/04/metadata"><SessionHeader><sessionId>nope</sessionId></SessionHeader></soapenv:Header><soapenv:Body xmlns="http://soap.sforce.com/2006/04/metadata"><checkDeployStatus><asyncProcessId>0Af5g0000000999AAA</asyncProcessId></checkDeployStatus></soapenv:Body></soapenv:Envelope>',
    });
    expect(res.status).to.equal(500);
    expect(await res.text()).to.include('<faultcode>sf:INVALID_SESSION_ID</faultcode>');
  });

  it('counts Metadata API SOAP calls against the daily API allocation', async () => {
    const small = await startTestOrg({ dailyApiLimit: 2 }, { blank: true });
    try {
      const c = tokenConnection(small, '66.0');
      const id = (await c.metadata.deploy(zip, { rollbackOnError: true })).id; // 1
      await c.metadata.checkDeployStatus(id); // 2
      const spent = await rejection(() => c.metadata.checkDeployStatus(id));
      expect(spent.message).to.match(/REQUEST_LIMIT_EXCEEDED/);
      expect(small.apiUsage().used).to.equal(2);
    } finally {
      await small.close();
    }
  });

  it('a zip without package.xml fails with a componentFailure on package.xml', async () => {
    const files = convertSource(RECO_SOURCE);
    files.delete('package.xml');
    const result = (await conn.metadata.deploy(await zipOf(files), { rollbackOnError: true }).complete(true)) as unknown as DeployResult;
    expect(result).to.include({ status: 'Failed', success: false });
    const failures = result.details.componentFailures as unknown as Record<string, unknown>[];
    expect(failures[0]).to.include({ fileName: 'package.xml', problem: 'No package.xml found', problemType: 'Error' });
  });

  it('the schema a deploy creates persists with the org file', async () => {
    const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'reco-deploy-db-'));
    try {
      const db = path.join(dir, 'org.db');
      const first = await startTestOrg({ db }, { blank: true });
      const c1 = tokenConnection(first, '66.0');
      await c1.metadata.deploy(zip, { rollbackOnError: true }).complete(true);
      await first.close();
      const second = await startTestOrg({ db }, { blank: true });
      try {
        expect(await orgComponents(tokenConnection(second, '66.0'))).to.deep.equal(sourceComponents());
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
