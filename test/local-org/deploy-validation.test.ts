// A deploy validates what Salesforce validates and answers with Salesforce's error shape (componentFailures
// with problemType Error, the problem text, fileName, fullName, componentType). Each case breaks one thing
// in a copy of force-app, deploys it to a blank org, and checks the failure and that nothing was applied.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Connection } from 'jsforce';
import { convertSource, DeployFailedError, deployFiles, deploySource, type DeployResult, type LocalOrg } from '../../local-org/src/index.js';
import type { Failure } from '../../local-org/src/metadata-api/package.js';
import { openOrgStore, type LocalOrgStore } from '../../local-org/src/store/org-store.js';
import { RECO_SOURCE } from '../support/reco-org.js';
import { zipOf } from './deploy-fixture.js';
import { startTestOrg, tokenConnection } from './http-fixture.js';

const NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"';
const PS = 'main/default/permissionsets';
const OBJ = 'main/default/objects';

type Edit = (xml: string) => string;

/** A copy of the SFDX project (sfdx-project.json, .forceignore, force-app) with `edits` applied to force-app
 * (path -> edit; a string creates the file). Returns the copy's force-app. */
function brokenCopy(edits: Record<string, Edit | string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reco-broken-'));
  const project = path.dirname(RECO_SOURCE);
  for (const f of ['sfdx-project.json', '.forceignore']) fs.copyFileSync(path.join(project, f), path.join(dir, f));
  fs.cpSync(RECO_SOURCE, path.join(dir, 'force-app'), { recursive: true });
  for (const [rel, edit] of Object.entries(edits)) {
    const file = path.join(dir, 'force-app', rel);
    if (typeof edit === 'string') {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, edit);
      continue;
    }
    const before = fs.readFileSync(file, 'utf8');
    const after = edit(before);
    if (after === before) throw new Error(`the edit of ${rel} changed nothing`);
    fs.writeFileSync(file, after);
  }
  return path.join(dir, 'force-app');
}

/** Swaps the value of <element> inside the objectPermissions block of `object`. */
const objectPermission = (object: string, element: string, value: string): Edit => (xml) =>
  xml.replace(new RegExp(`(<objectPermissions>(?:(?!</objectPermissions>)[\\s\\S])*<object>${object}</object>(?:(?!</objectPermissions>)[\\s\\S])*</objectPermissions>)`), (block) =>
    block.replace(new RegExp(`<${element}>\\w+</${element}>`), `<${element}>${value}</${element}>`),
  );

const field = (name: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<CustomField ${NS}>\n<fullName>${name}</fullName>\n<label>X</label>\n${body}\n</CustomField>\n`;

describe('local-org deploy validation (broken copies of force-app)', function () {
  this.timeout(60_000);
  let store: LocalOrgStore;
  const dirs: string[] = [];
  beforeEach(() => {
    store = openOrgStore({});
  });
  afterEach(() => {
    store.close();
    for (const d of dirs.splice(0)) fs.rmSync(path.dirname(d), { recursive: true, force: true });
  });

  function failuresOf(edits: Record<string, Edit | string>): Failure[] {
    const dir = brokenCopy(edits);
    dirs.push(dir);
    try {
      deploySource(store, dir);
    } catch (e) {
      if (!(e instanceof DeployFailedError)) throw e;
      expect(e.outcome.status).to.equal('Failed');
      // rollbackOnError: not one component of the package was applied.
      expect(store.schema.objects().filter((o) => o.custom)).to.deep.equal([]);
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM PermissionSet').get()).to.deep.equal({ n: 0 });
      return e.outcome.failures;
    }
    throw new Error('expected the deploy to fail');
  }

  const problems = (edits: Record<string, Edit | string>) => failuresOf(edits).map((f) => `${f.componentType} ${f.fullName}: ${f.problem}`);

  // --- the three cases of issue 14 -------------------------------------------------------------------

  it('Delete without Edit: "Permission Delete <Object> depends on permission(s): Edit <Object>"', () => {
    // Salesforce documents the dependency on the ObjectPermissions object: Delete (PermissionsDelete)
    // requires Read and Edit; Modify All requires Read, Edit, Delete and View All; Create, Edit and View All
    // require Read.
    // https://developer.salesforce.com/docs/platform/object-reference/references/standard-objects/object-objectpermissions.html
    // A real org words a violation "Permission <Perm> <Object> depends on permission(s): <Perm> <Object>"
    // (e.g. "Permission Edit Case Comments depends on permission(s): Edit Case"; "Read All" is View All).
    const failures = failuresOf({ [`${PS}/Reco_Sales_Rep.permissionset-meta.xml`]: objectPermission('Account_Insight__c', 'allowDelete', 'true') });
    expect(failures).to.deep.equal([
      {
        componentType: 'PermissionSet',
        fullName: 'Reco_Sales_Rep',
        fileName: 'permissionsets/Reco_Sales_Rep.permissionset',
        problem: 'Permission Delete Account_Insight__c depends on permission(s): Edit Account_Insight__c',
      },
    ]);
  });

  it('Modify All without View All and Delete names every missing permission', () => {
    const edit: Edit = (xml) => objectPermission('Reco_Run__c', 'viewAllRecords', 'false')(objectPermission('Reco_Run__c', 'allowDelete', 'false')(xml));
    expect(problems({ [`${PS}/Reco_Admin.permissionset-meta.xml`]: edit })).to.deep.equal([
      'PermissionSet Reco_Admin: Permission Modify All Reco_Run__c depends on permission(s): Delete Reco_Run__c, Read All Reco_Run__c',
    ]);
  });

  it('a 41-character API name is refused; 40 characters deploy', () => {
    // "The current character limit for creating field names and labels is 40 characters."
    // https://help.salesforce.com/s/articleView?id=000381913 (the __c suffix is not counted)
    // The name "must be 40 characters or fewer" among the developer-name rules:
    // https://developer.salesforce.com/docs/platform/object-reference/references/standard-objects/object-auradefinitionbundleinfo.html
    const name41 = `Recommendation_Confidence_Interval_Lower${'X'}`;
    expect(name41).to.have.lengthOf(41);
    const dir41 = `${OBJ}/Product_Recommendation__c/fields/${name41}__c.field-meta.xml`;
    expect(problems({ [dir41]: field(`${name41}__c`, '<precision>5</precision><scale>2</scale><type>Number</type>') })).to.deep.equal([
      `CustomField Product_Recommendation__c.${name41}__c: Field Name: data value too large: ${name41} (max length=40)`,
    ]);
    const name40 = name41.slice(0, 40);
    const ok = brokenCopy({ [`${OBJ}/Product_Recommendation__c/fields/${name40}__c.field-meta.xml`]: field(`${name40}__c`, '<precision>5</precision><scale>2</scale><type>Number</type>') });
    dirs.push(ok);
    deploySource(store, ok);
    expect(store.schema.get('Product_Recommendation__c')!.fieldMap.has(`${name40}__c`.toLowerCase())).to.equal(true);
  });

  it('a master-detail to a missing object: "In field: referenceTo - no CustomObject named <X> found"', () => {
    // The master of a master-detail relationship must be an existing object (standard or custom):
    // https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/relationships_among_objects.htm
    // Wording of the deploy error as real orgs return it: "In field: <element> - no CustomObject named <X> found".
    const failures = failuresOf({ [`${OBJ}/Product_Recommendation__c/fields/Account__c.field-meta.xml`]: (x) => x.replace('<referenceTo>Account</referenceTo>', '<referenceTo>Nowhere__c</referenceTo>') });
    expect(failures).to.deep.include({
      componentType: 'CustomField',
      fullName: 'Product_Recommendation__c.Account__c',
      fileName: 'objects/Product_Recommendation__c.object',
      problem: 'In field: referenceTo - no CustomObject named Nowhere__c found',
    });
  });

  it('all three at once over SOAP: Salesforce\'s componentFailures shape, status Failed, nothing applied', async () => {
    const dir = brokenCopy({
      [`${PS}/Reco_Sales_Rep.permissionset-meta.xml`]: objectPermission('Account_Insight__c', 'allowDelete', 'true'),
      [`${OBJ}/Reco_Run__c/fields/This_Name_Is_Exactly_Forty_One_Characters__c.field-meta.xml`]: field('This_Name_Is_Exactly_Forty_One_Characters__c', '<type>Date</type>'),
      [`${OBJ}/Product_Recommendation__c/fields/Account__c.field-meta.xml`]: (x) => x.replace('<referenceTo>Account</referenceTo>', '<referenceTo>Nowhere__c</referenceTo>'),
    });
    dirs.push(dir);
    expect('This_Name_Is_Exactly_Forty_One_Characters').to.have.lengthOf(41);
    let org: LocalOrg | undefined;
    try {
      org = await startTestOrg({}, { blank: true });
      const conn: Connection = tokenConnection(org, '66.0');
      const result = (await conn.metadata.deploy(await zipOf(convertSource(dir)), { rollbackOnError: true, singlePackage: true }).complete(true)) as unknown as DeployResult;
      expect(result).to.include({ done: true, status: 'Failed', success: false, numberComponentsDeployed: 0 });
      const failures = result.details.componentFailures as unknown as Record<string, string>[];
      const byName = new Map(failures.map((f) => [f.fullName, f]));
      expect(byName.get('Reco_Sales_Rep')).to.include({ componentType: 'PermissionSet', problemType: 'Error', success: false, problem: 'Permission Delete Account_Insight__c depends on permission(s): Edit Account_Insight__c' });
      expect(byName.get('Reco_Run__c.This_Name_Is_Exactly_Forty_One_Characters__c')).to.include({ componentType: 'CustomField', fileName: 'objects/Reco_Run__c.object', problemType: 'Error' });
      expect(byName.get('Product_Recommendation__c.Account__c')).to.include({ problem: 'In field: referenceTo - no CustomObject named Nowhere__c found' });
      expect(result.details.componentSuccesses).to.deep.equal([]);
      expect((await conn.describeGlobal()).sobjects.filter((o) => o.custom)).to.deep.equal([]);
      expect((await conn.query('SELECT Id FROM PermissionSet')).totalSize).to.equal(0);
    } finally {
      await org?.close();
    }
  });

  // --- the other rules ------------------------------------------------------------------------------

  const rep = `${PS}/Reco_Sales_Rep.permissionset-meta.xml`;
  const recField = (name: string) => `${OBJ}/Product_Recommendation__c/fields/${name}.field-meta.xml`;
  const cases: [string, Record<string, Edit | string>, string][] = [
    ['field permissions on a master-detail field', { [rep]: (x) => x.replace('Product_Recommendation__c.Kind__c', 'Product_Recommendation__c.Account__c') }, 'PermissionSet Reco_Sales_Rep: You cannot deploy to a required field: Product_Recommendation__c.Account__c'],
    ['field permissions on a required lookup', { [rep]: (x) => x.replace('Product_Recommendation__c.Kind__c', 'Product_Recommendation__c.Product__c') }, 'PermissionSet Reco_Sales_Rep: You cannot deploy to a required field: Product_Recommendation__c.Product__c'],
    ['field permissions on a missing field', { [rep]: (x) => x.replace('Product_Recommendation__c.Kind__c', 'Product_Recommendation__c.Gone__c') }, 'PermissionSet Reco_Sales_Rep: In field: field - no CustomField named Product_Recommendation__c.Gone__c found'],
    ['object permissions on a missing object', { [rep]: (x) => x.replace('<object>Account_Insight__c</object>', '<object>Gone__c</object>') }, 'PermissionSet Reco_Sales_Rep: In field: object - no CustomObject named Gone__c found'],
    ['an API name with two consecutive underscores', { [recField('Bad__Name__c')]: field('Bad__Name__c', '<type>Date</type>') }, 'CustomField Product_Recommendation__c.Bad__Name__c: The Field Name can only contain underscores and alphanumeric characters. It must be unique, begin with a letter, not include spaces, not end with an underscore, and not contain two consecutive underscores.'],
    ['an API name starting with a digit', { [recField('9Lives__c')]: field('9Lives__c', '<type>Date</type>') }, 'CustomField Product_Recommendation__c.9Lives__c: The Field Name can only contain underscores and alphanumeric characters. It must be unique, begin with a letter, not include spaces, not end with an underscore, and not contain two consecutive underscores.'],
    ['an unknown field type', { [recField('Score__c')]: (x) => x.replace('<type>Number</type>', '<type>Float</type>') }, "CustomField Product_Recommendation__c.Score__c: 'Float' is not a valid value for the enum 'FieldType'"],
    ['a Text field without length', { [recField('Reason__c')]: (x) => x.replace(/<length>\d+<\/length>/, '') }, "CustomField Product_Recommendation__c.Reason__c: Must specify 'length' for a CustomField of type Text"],
    ['a Number field without precision', { [recField('Score__c')]: (x) => x.replace(/<precision>\d+<\/precision>/, '') }, "CustomField Product_Recommendation__c.Score__c: Must specify 'precision' for a CustomField of type Number"],
    ['a picklist without values', { [recField('Kind__c')]: (x) => x.replace(/<valueSet>[\s\S]*<\/valueSet>/, '') }, "CustomField Product_Recommendation__c.Kind__c: Must specify 'valueSet' for a CustomField of type Picklist"],
    ['a lookup without relationshipName', { [recField('Run__c')]: (x) => x.replace(/<relationshipName>\w+<\/relationshipName>/, '') }, "CustomField Product_Recommendation__c.Run__c: Must specify 'relationshipName' for a CustomField of type Lookup"],
    ['a master-detail marked required', { [recField('Account__c')]: (x) => x.replace('<type>MasterDetail</type>', '<required>true</required><type>MasterDetail</type>') }, 'CustomField Product_Recommendation__c.Account__c: Master-Detail Relationship Fields Cannot be Optional or Required'],
    ['a master-detail with a deleteConstraint', { [recField('Account__c')]: (x) => x.replace('<type>MasterDetail</type>', '<deleteConstraint>Cascade</deleteConstraint><type>MasterDetail</type>') }, "CustomField Product_Recommendation__c.Account__c: Can not specify 'deleteConstraint' for a CustomField of type MasterDetail"],
    ['a detail object not ControlledByParent', { [`${OBJ}/Product_Recommendation__c/Product_Recommendation__c.object-meta.xml`]: (x) => x.replace('ControlledByParent', 'ReadWrite') }, 'CustomObject Product_Recommendation__c: Cannot set sharingModel to ReadWrite on a CustomObject with a MasterDetail relationship field (Account__c): a detail object\'s sharingModel is ControlledByParent'],
    ['ControlledByParent without a master-detail', { [`${OBJ}/Reco_Run__c/Reco_Run__c.object-meta.xml`]: (x) => x.replace(/<sharingModel>\w+<\/sharingModel>/, '<sharingModel>ControlledByParent</sharingModel>') }, 'CustomObject Reco_Run__c: Cannot set sharingModel to ControlledByParent on a CustomObject without a MasterDetail relationship field'],
    ['a required lookup that clears itself on delete', { [recField('Product__c')]: (x) => x.replace('Restrict', 'SetNull') }, "CustomField Product_Recommendation__c.Product__c: A required lookup field can't clear its value when the lookup record is deleted: set deleteConstraint to Restrict or Cascade"],
    ['a duplicate child relationship name on the parent', { [recField('Opportunity__c')]: (x) => x.replace(/<relationshipName>\w+<\/relationshipName>/, '<relationshipName>Product_Recommendations</relationshipName>').replace('<referenceTo>Opportunity</referenceTo>', '<referenceTo>Account</referenceTo>') }, 'CustomField Product_Recommendation__c.Opportunity__c: The Child Relationship Name Product_Recommendations is already used on Account by Product_Recommendation__c.Account__c; it must be unique'],
    ['an invalid component target', { 'main/default/lwc/recoAccountInsight/recoAccountInsight.js-meta.xml': (x) => x.replace('<target>lightning__RecordPage', '<target>lightning__Nowhere') }, 'LightningComponentBundle recoAccountInsight: Unable to build Lightning Component source for markup://c:recoAccountInsight: Invalid target lightning__Nowhere'],
    ['a file type a bundle may not hold', { 'main/default/lwc/recoRow/notes.txt': 'x' }, 'LightningComponentBundle recoRow: Unable to build Lightning Component source for markup://c:recoRow: Invalid suffix: txt.'],
  ];
  for (const [what, edits, problem] of cases) {
    it(`refuses ${what}`, () => {
      expect(problems(edits)).to.include(problem);
    });
  }

  it('refuses a third master-detail relationship on one object', () => {
    const md = (name: string, to: string) => field(name, `<referenceTo>${to}</referenceTo><relationshipName>Recs_${name.slice(0, -3)}</relationshipName><type>MasterDetail</type>`);
    expect(problems({ [recField('Second__c')]: md('Second__c', 'Reco_Run__c'), [recField('Third__c')]: md('Third__c', 'Customer_Segment__c') }).join('\n')).to.match(
      /Product_Recommendation__c would have 3 master-detail relationships \(Account__c, Second__c, Third__c\); an object can have at most 2/,
    );
  });

  it('refuses two fields of one name in an object', () => {
    const dir = brokenCopy({});
    dirs.push(dir);
    const files = convertSource(dir);
    const object = files.get('objects/Reco_Run__c.object')!.toString('utf8');
    const kind = /<fields>\s*<fullName>Kind__c<\/fullName>[\s\S]*?<\/fields>/.exec(object)![0];
    files.set('objects/Reco_Run__c.object', Buffer.from(object.replace('</CustomObject>', `${kind}\n</CustomObject>`)));
    const failures = deployFiles(store, files).failures;
    expect(failures.map((f) => `${f.fullName}: ${f.problem}`)).to.deep.equal(["Reco_Run__c.Kind__c: Duplicate name 'Kind__c' specified"]);
  });

  it('validates a later deploy against what the org already holds (a field alone, a permission set alone)', () => {
    deploySource(store, RECO_SOURCE);
    const pkg = (types: string, files: Record<string, string>) =>
      new Map<string, Buffer>([
        ['package.xml', Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><Package ${NS}>${types}<version>66.0</version></Package>`)],
        ...Object.entries(files).map(([k, v]) => [k, Buffer.from(v)] as [string, Buffer]),
      ]);
    // One field deployed on its own (what SDR sends for --metadata CustomField:Reco_Run__c.Note__c).
    const note = pkg('<types><members>Reco_Run__c.Note__c</members><name>CustomField</name></types>', {
      'objects/Reco_Run__c.object': `<CustomObject ${NS}><fields><fullName>Note__c</fullName><label>Note</label><length>80</length><type>Text</type></fields></CustomObject>`,
    });
    expect(deployFiles(store, note).status).to.equal('Succeeded');
    expect(store.schema.get('Reco_Run__c')!.fieldMap.get('note__c')).to.include({ type: 'string', length: 80 });
    // A permission set alone, naming the deployed master-detail field: refused from the stored metadata.
    const ps = (field: string) =>
      pkg('<types><members>Auditor</members><name>PermissionSet</name></types>', {
        'permissionsets/Auditor.permissionset': `<PermissionSet ${NS}><label>Auditor</label><fieldPermissions><editable>false</editable><field>${field}</field><readable>true</readable></fieldPermissions></PermissionSet>`,
      });
    expect(deployFiles(store, ps('Product_Recommendation__c.Account__c')).failures.map((f) => f.problem)).to.deep.equal(['You cannot deploy to a required field: Product_Recommendation__c.Account__c']);
    expect(deployFiles(store, ps('Reco_Run__c.Note__c')).status).to.equal('Succeeded');
    const rows = store.db.prepare("SELECT Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId = (SELECT Id FROM PermissionSet WHERE Name = 'Auditor')").all();
    expect(rows.map((r) => ({ ...r }))).to.deep.equal([{ Field: 'Reco_Run__c.Note__c', PermissionsRead: 1, PermissionsEdit: 0 }]);
  });

  it('with rollbackOnError false deploys what is valid and reports SucceededPartial', () => {
    const dir = brokenCopy({ [rep]: objectPermission('Account_Insight__c', 'allowDelete', 'true') });
    dirs.push(dir);
    const outcome = deployFiles(store, convertSource(dir), { rollbackOnError: false });
    expect(outcome.status).to.equal('SucceededPartial');
    expect(outcome.failures.map((f) => f.fullName)).to.deep.equal(['Reco_Sales_Rep']);
    expect(store.schema.get('Product_Recommendation__c')).to.not.equal(undefined);
    const names = (store.db.prepare('SELECT Name FROM PermissionSet ORDER BY Name').all() as { Name: string }[]).map((r) => r.Name);
    expect(names).to.deep.equal(['Reco_Admin', 'Reco_Integration']);
  });
});
