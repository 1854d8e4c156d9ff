import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { describeGlobal, describeSObject } from '../../local-org/src/schema/describe.js';
import { DeployFailedError, deploySource } from '../../local-org/src/metadata-api/fast-path.js';
import { SourceConversionError } from '../../local-org/src/metadata-api/source.js';
import { customKeyPrefix } from '../../local-org/src/schema/metadata.js';
import { createSchema } from '../../local-org/src/schema/registry.js';
import { openOrgStore } from '../../local-org/src/store/org-store.js';
import { RECO_SOURCE } from '../support/reco-org.js';

/** The parts of a describe answer these tests read. */
type SObjectDescribe = {
  name: string;
  recordTypeInfos: object[];
  fields: Array<{ name: string; picklistValues?: unknown[] }>;
  childRelationships: Array<{ relationshipName: string | null }>;
};

describe('local-org schema', () => {
  const deployed = openOrgStore({});
  deploySource(deployed, RECO_SOURCE);
  const schema = deployed.schema;
  after(() => deployed.close());

  it('is standard objects only in a blank org, permission objects included', () => {
    const blank = createSchema();
    expect(blank.objects().filter((o) => o.custom)).to.deep.equal([]);
    for (const o of ['Account', 'PermissionSet', 'PermissionSetAssignment', 'ObjectPermissions', 'FieldPermissions']) expect(blank.get(o), o).to.not.equal(undefined);
    const op = blank.get('ObjectPermissions')!.fieldMap;
    for (const f of ['ParentId', 'SobjectType', 'PermissionsRead', 'PermissionsCreate', 'PermissionsEdit', 'PermissionsDelete', 'PermissionsViewAllRecords', 'PermissionsModifyAllRecords']) expect(op.has(f.toLowerCase()), f).to.equal(true);
    const fp = blank.get('FieldPermissions')!.fieldMap;
    for (const f of ['ParentId', 'SobjectType', 'Field', 'PermissionsRead', 'PermissionsEdit']) expect(fp.has(f.toLowerCase()), f).to.equal(true);
  });

  it("serves Reco's five custom objects once deployed, key prefixes in deploy order", () => {
    const custom = schema.objects().filter((o) => o.custom).map((o) => `${o.name}:${o.keyPrefix}`);
    expect(custom).to.deep.equal(['Account_Insight__c:a00', 'Customer_Segment__c:a01', 'Product_Recommendation__c:a02', 'Reco_Run__c:a03', 'Recommendation_Reaction__c:a04']);
    expect(schema.byKeyPrefix('a02')?.name).to.equal('Product_Recommendation__c');
    expect(customKeyPrefix(61)).to.equal('a0z');
    expect(customKeyPrefix(62)).to.equal('a10');
  });

  it('maps field types, lengths, picklists and external ids from the field metadata', () => {
    const rec = schema.get('product_recommendation__C')!;
    const f = (n: string) => rec.fieldMap.get(n.toLowerCase())!;
    expect(f('External_Id__c')).to.include({ type: 'string', length: 80, externalId: true, unique: true, caseSensitive: false, idLookup: true });
    expect(f('Evidence__c')).to.include({ type: 'textarea', length: 131072 });
    expect(f('Score__c')).to.include({ type: 'double', precision: 8, scale: 4 });
    expect(f('Expected_Revenue__c')).to.include({ type: 'currency', precision: 16, scale: 2 });
    expect(f('Status__c')).to.include({ type: 'picklist', restrictedPicklist: true, defaultValue: 'New' });
    expect(f('Status__c').picklistValues.map((p) => p.value)).to.deep.equal(['New', 'Accepted', 'Dismissed', 'Converted', 'Expired']);
    expect(f('Name')).to.include({ autoNumber: true, autoNumberFormat: 'REC-{000000}', createable: false, nameField: true });
    expect(schema.get('Account_Insight__c')!.fieldMap.get('holdout__c')).to.include({ type: 'boolean', defaultValue: false, nillable: false });
    expect(schema.get('Account_Insight__c')!.fieldMap.get('segment_changed_on__c')?.type).to.equal('date');
    expect(schema.get('Reco_Run__c')!.fieldMap.get('started_at__c')?.type).to.equal('datetime');
  });

  it('models master-detail (cascade, required, no owner) and lookups (SetNull, Restrict)', () => {
    const rec = schema.get('Product_Recommendation__c')!;
    expect(rec.fieldMap.get('account__c')).to.include({ type: 'reference', relationshipName: 'Account__r', cascadeDelete: true, nillable: false, updateable: false });
    expect(rec.fieldMap.get('account__c')!.referenceTo).to.deep.equal(['Account']);
    expect(rec.fieldMap.get('product__c')).to.include({ restrictedDelete: true, cascadeDelete: false, nillable: false });
    expect(rec.fieldMap.get('opportunity__c')).to.include({ restrictedDelete: false, cascadeDelete: false, nillable: true });
    expect(rec.fieldMap.has('ownerid')).to.equal(false); // ControlledByParent
    expect(schema.get('Reco_Run__c')!.fieldMap.has('ownerid')).to.equal(true);
  });

  it('adds child relationships onto parents, standard and custom', () => {
    const names = (o: string) => schema.get(o)!.childRelationships.map((r) => r.relationshipName).filter((n) => n !== null);
    expect(names('Account')).to.include.members(['Opportunities', 'Contacts', 'Tasks', 'Events', 'ChildAccounts', 'Product_Recommendations__r', 'Account_Insights__r']);
    expect(names('Opportunity')).to.include.members(['OpportunityLineItems', 'Tasks', 'Events', 'Product_Recommendations__r']);
    expect(names('Product2')).to.include.members(['PricebookEntries', 'Product_Recommendations__r']);
    expect(names('Reco_Run__c')).to.include.members(['Product_Recommendations__r', 'Account_Insights__r', 'Customer_Segments__r']);
    const rel = schema.get('Account')!.childRelationships.find((r) => r.relationshipName === 'Product_Recommendations__r')!;
    expect(rel).to.include({ childSObject: 'Product_Recommendation__c', field: 'Account__c', cascadeDelete: true });
  });

  it('defines the standard objects with their real keys and rules', () => {
    expect(schema.get('Opportunity')!.keyPrefix).to.equal('006');
    const opp = schema.get('Opportunity')!.fieldMap;
    expect(opp.get('stagename')!.picklistValues.map((p) => p.value)).to.include('Id. Decision Makers');
    expect(opp.get('iswon')).to.include({ createable: false, updateable: false });
    expect(opp.get('closedate')).to.include({ type: 'date', nillable: false });
    const task = schema.get('Task')!.fieldMap;
    expect(task.get('whatid')!.referenceTo).to.deep.equal(['Account', 'Opportunity']);
    expect(task.get('whatid')!.relationshipName).to.equal('What');
    expect(task.get('tasksubtype')).to.include({ createable: true, updateable: false });
    const org = schema.get('Organization')!.fieldMap;
    for (const f of ['Id', 'Name', 'InstanceName', 'IsSandbox', 'TrialExpirationDate', 'NamespacePrefix', 'OrganizationType']) expect(org.has(f.toLowerCase()), f).to.equal(true);
    const user = schema.get('User')!.fieldMap;
    for (const f of ['Username', 'Name', 'FirstName', 'LastName', 'Email', 'IsActive', 'ProfileId', 'TimeZoneSidKey', 'LanguageLocaleKey', 'UserType']) expect(user.has(f.toLowerCase()), f).to.equal(true);
  });

  it('describes objects with the keys jsforce reads', () => {
    const global = describeGlobal(schema, '60.0') as { sobjects: Record<string, unknown>[] };
    const acct = global.sobjects.find((o) => o.name === 'Account')!;
    expect(acct).to.include({ keyPrefix: '001', queryable: true, custom: false });
    expect((acct.urls as Record<string, string>).describe).to.equal('/services/data/v60.0/sobjects/Account/describe');
    const d = describeSObject(schema, 'product_recommendation__c', 'v60.0') as SObjectDescribe;
    expect(d.name).to.equal('Product_Recommendation__c');
    expect(d.recordTypeInfos[0]).to.include({ master: true, recordTypeId: '012000000000000AAA' });
    const ext = d.fields.find((f) => f.name === 'External_Id__c');
    expect(ext).to.include({ soapType: 'xsd:string', byteLength: 240, externalId: true, idLookup: true });
    const status = d.fields.find((f) => f.name === 'Status__c');
    expect(status?.picklistValues?.[0]).to.deep.equal({ active: true, defaultValue: true, label: 'New', validFor: null, value: 'New' });
    const a = describeSObject(schema, 'Account', '60.0') as SObjectDescribe;
    expect(a.childRelationships.find((r) => r.relationshipName === 'Opportunities')).to.deep.include({ childSObject: 'Opportunity', field: 'AccountId', junctionIdListNames: [] });
    expect(describeSObject(schema, 'Nope__c', '60.0')).to.equal(undefined);
  });

  describe('deployed metadata becomes the schema', () => {
    let dir: string;
    let store: ReturnType<typeof openOrgStore>;
    const NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"';
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reco-meta-'));
      fs.mkdirSync(path.join(dir, 'objects/Thing__c/fields'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'objects/Thing__c/Thing__c.object-meta.xml'), `<?xml version="1.0"?><CustomObject ${NS}><deploymentStatus>Deployed</deploymentStatus><label>Thing</label><pluralLabel>Things</pluralLabel><nameField><label>Name</label><type>Text</type></nameField><sharingModel>ReadWrite</sharingModel></CustomObject>`);
      store = openOrgStore({});
    });
    afterEach(() => {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const field = (name: string, body: string) => fs.writeFileSync(path.join(dir, `objects/Thing__c/fields/${name}.field-meta.xml`), `<CustomField ${NS}><fullName>${name}</fullName><label>X</label>${body}</CustomField>`);
    const problems = (): string[] => {
      try {
        deploySource(store, dir);
      } catch (e) {
        expect(e).to.be.instanceOf(DeployFailedError);
        return (e as DeployFailedError).outcome.failures.map((f) => `${f.componentType} ${f.fullName}: ${f.problem}`);
      }
      throw new Error('expected the deploy to fail');
    };

    it('serves a deployed object with its fields and child relationships', () => {
      field('Code__c', '<type>Text</type><length>10</length><externalId>true</externalId>');
      field('Parent__c', '<type>Lookup</type><referenceTo>Account</referenceTo><relationshipName>Things</relationshipName><deleteConstraint>Cascade</deleteConstraint>');
      deploySource(store, dir);
      expect(store.schema.get('Thing__c')!.keyPrefix).to.equal('a00');
      expect(store.schema.get('Thing__c')!.fieldMap.get('code__c')).to.include({ type: 'string', length: 10, externalId: true });
      expect(store.schema.get('Account')!.childRelationships.find((r) => r.relationshipName === 'Things__r')).to.include({ cascadeDelete: true });
    });

    it('refuses an unknown field type, naming the field', () => {
      field('Bad__c', '<type>Hologram</type>');
      expect(problems()).to.deep.equal(["CustomField Thing__c.Bad__c: 'Hologram' is not a valid value for the enum 'FieldType'"]);
      expect(store.schema.get('Thing__c')).to.equal(undefined);
    });

    it('refuses a Text field without length and a bad delete constraint', () => {
      field('Code__c', '<type>Text</type>');
      field('Parent__c', '<type>Lookup</type><referenceTo>Account</referenceTo><relationshipName>Things</relationshipName><deleteConstraint>Explode</deleteConstraint>');
      expect(problems()).to.deep.equal([
        "CustomField Thing__c.Code__c: Must specify 'length' for a CustomField of type Text",
        "CustomField Thing__c.Parent__c: 'Explode' is not a valid value for the enum 'DeleteConstraint'",
      ]);
    });

    it('refuses unparseable XML, naming the file (the CLI fails converting it, before any deploy)', () => {
      fs.writeFileSync(path.join(dir, 'objects/Thing__c/fields/Broken__c.field-meta.xml'), `<CustomField ${NS}><fullName>Broken__c</fullName`);
      expect(() => deploySource(store, dir)).to.throw(SourceConversionError, /Broken__c\.field-meta\.xml: not well-formed XML/);
    });

    it('refuses malformed XML inside a deployed package, naming the file', () => {
      fs.writeFileSync(path.join(dir, 'objects/Thing__c/Thing__c.object-meta.xml'), `<CustomObject ${NS}><label>Thing</CustomObject>`);
      expect(problems().join('\n')).to.match(/^CustomObject Thing__c: Error parsing file: /);
    });
  });
});
