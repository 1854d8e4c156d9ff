import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import { readSourceTree, validateSourceTree, type SourceTree } from './metadata-rules.js';

const PROJECT = path.resolve(import.meta.dirname, '../..');
const DEFAULT = 'main/default';

function packageDir(): string {
  const project = JSON.parse(fs.readFileSync(path.join(PROJECT, 'sfdx-project.json'), 'utf8')) as {
    packageDirectories: { path: string; default?: boolean }[];
  };
  const dirs = project.packageDirectories;
  expect(dirs, 'sfdx-project.json packageDirectories').to.have.lengthOf(1);
  return path.join(PROJECT, dirs[0].path);
}

function withFile(tree: SourceTree, rel: string, edit: (content: string) => string): SourceTree {
  const copy = new Map(tree);
  const content = copy.get(rel);
  if (content === undefined) throw new Error(`no ${rel} in the tree`);
  copy.set(rel, edit(content));
  return copy;
}

describe('SFDX source tree', () => {
  const tree = readSourceTree(packageDir());
  const files = [...tree.keys()];
  const rec = `${DEFAULT}/objects/Product_Recommendation__c/fields`;

  it('holds objects, permission sets and components in one package directory', () => {
    for (const kind of ['.object-meta.xml', '.field-meta.xml', '.permissionset-meta.xml', '.js-meta.xml']) {
      expect(files.filter((f) => f.endsWith(kind)), kind).to.not.have.lengthOf(0);
    }
    const ignore = fs.readFileSync(path.join(PROJECT, '.forceignore'), 'utf8');
    expect(ignore).to.include('**/__tests__/**');
  });

  it('validates every -meta.xml against the rules of its type', () => {
    expect(validateSourceTree(tree)).to.deep.equal([]);
  });

  it('exposes both Reco components on record pages, recommendations on Account and Opportunity', () => {
    const parser = new XMLParser({ ignoreAttributes: false, isArray: (n) => ['object', 'target'].includes(n) });
    const bundle = (name: string) =>
      parser.parse(tree.get(`${DEFAULT}/lwc/${name}/${name}.js-meta.xml`)!).LightningComponentBundle;
    const recommendations = bundle('recoRecommendations');
    expect(recommendations.isExposed).to.equal(true);
    expect(recommendations.targets.target).to.deep.equal(['lightning__RecordPage']);
    expect(recommendations.targetConfigs.targetConfig.objects.object).to.deep.equal(['Account', 'Opportunity']);
    const insight = bundle('recoAccountInsight');
    expect(insight.targetConfigs.targetConfig.objects.object).to.deep.equal(['Account']);
  });

  it('lets the sales rep permission set read every field the components read and create the reactions they write', async () => {
    const schema = await import(pathToFileURL(path.join(packageDir(), DEFAULT, 'lwc/recoRecords/recoRecords.js')).href);
    const perms = new XMLParser({ isArray: (n) => n.endsWith('Permissions') }).parse(
      tree.get(`${DEFAULT}/permissionsets/Reco_Sales_Rep.permissionset-meta.xml`)!,
    ).PermissionSet;
    const readable = new Set<string>(perms.fieldPermissions.filter((p: { readable: boolean }) => p.readable).map((p: { field: string }) => p.field));
    const editable = new Set<string>(perms.fieldPermissions.filter((p: { editable: boolean }) => p.editable).map((p: { field: string }) => p.field));
    const objects = new Map<string, { allowRead: boolean; allowEdit: boolean }>(perms.objectPermissions.map((p: { object: string }) => [p.object, p]));
    const alwaysReadable = (object: string, field: string) =>
      field === 'Name' || field === 'Id' || !field.endsWith('__c') || /<required>true<|MasterDetail/.test(tree.get(`${DEFAULT}/objects/${object}/fields/${field}.field-meta.xml`) ?? '');
    const targetOf = (object: string, relationship: string) => {
      const xml = tree.get(`${DEFAULT}/objects/${object}/fields/${relationship.replace(/__r$/, '__c')}.field-meta.xml`) ?? '';
      return /<referenceTo>([^<]+)</.exec(xml)?.[1] ?? '';
    };
    const needed: string[] = [];
    for (const qualified of [...schema.RECOMMENDATION_FIELDS, ...schema.INSIGHT_FIELDS] as string[]) {
      const [object, ...chain] = qualified.split('.');
      let current = object;
      for (const [i, part] of chain.entries()) {
        const field = i < chain.length - 1 ? part.replace(/__r$/, '__c') : part;
        needed.push(`${current}.${field}`);
        if (i < chain.length - 1) current = targetOf(current, part);
      }
    }
    for (const field of needed) {
      const [object, name] = field.split('.');
      if (object.endsWith('__c')) expect(objects.get(object)?.allowRead, `read on ${object}`).to.equal(true);
      if (!alwaysReadable(object, name)) expect(readable.has(field), `${field} readable`).to.equal(true);
    }
    expect(needed).to.include('Customer_Segment__c.Description__c');
    // Reps never edit a recommendation: they create reactions (read access to the Account is enough).
    expect(objects.get('Product_Recommendation__c')?.allowEdit).to.equal(false);
    const reactions = objects.get('Recommendation_Reaction__c') as unknown as { allowRead: boolean; allowCreate: boolean; allowEdit: boolean } | undefined;
    expect(reactions).to.include({ allowRead: true, allowCreate: true, allowEdit: false });
    expect([...editable].sort()).to.deep.equal([
      'Recommendation_Reaction__c.Account__c', 'Recommendation_Reaction__c.Comment__c', 'Recommendation_Reaction__c.Dismiss_Reason__c',
      'Recommendation_Reaction__c.Product__c', 'Recommendation_Reaction__c.Recommendation__c',
    ]);
    for (const f of schema.REACTION_FIELDS as string[]) {
      const [object, name] = f.split('.');
      if (!alwaysReadable(object, name)) expect(readable.has(f), `${f} readable`).to.equal(true);
    }
  });

  describe('catches what a deploy would reject', () => {
    const cases: [string, string, (s: string) => string, RegExp][] = [
      ['malformed XML', `${rec}/Score__c.field-meta.xml`, (s) => s.replace('</label>', ''), /not well-formed XML/],
      ['a root that does not match the suffix', `${rec}/Score__c.field-meta.xml`, (s) => s.replace(/CustomField/g, 'CustomObject'), /expected a <CustomField> root element/],
      ['a missing required element', `${DEFAULT}/objects/Reco_Run__c/Reco_Run__c.object-meta.xml`, (s) => s.replace(/<pluralLabel>.*<\/pluralLabel>/, ''), /Must specify a non-empty value for the CustomObject field 'pluralLabel'/],
      ['an unknown field type', `${rec}/Score__c.field-meta.xml`, (s) => s.replace('<type>Number</type>', '<type>Float</type>'), /'Float' is not a valid value for the enum 'FieldType'/],
      ['a Text field without length', `${rec}/Reason__c.field-meta.xml`, (s) => s.replace(/<length>.*<\/length>/, ''), /Must specify 'length' for a CustomField of type Text/],
      ['two default picklist values', `${rec}/Kind__c.field-meta.xml`, (s) => s.replace(/<default>false<\/default>/g, '<default>true</default>'), /Only one value can be the default of a CustomField of type Picklist/],
      ['a required lookup that sets null', `${rec}/Product__c.field-meta.xml`, (s) => s.replace('Restrict', 'SetNull'), /A required lookup field can't clear its value/],
      ['a master-detail field with a delete constraint', `${rec}/Account__c.field-meta.xml`, (s) => s.replace('<type>', '<deleteConstraint>Cascade</deleteConstraint><type>'), /Can not specify 'deleteConstraint' for a CustomField of type MasterDetail/],
      ['a lookup to an unknown object', `${rec}/Run__c.field-meta.xml`, (s) => s.replace('<referenceTo>Reco_Run__c', '<referenceTo>Nowhere__c'), /no CustomObject named Nowhere__c found/],
      ['a permission set listing a master-detail field', `${DEFAULT}/permissionsets/Reco_Sales_Rep.permissionset-meta.xml`, (s) => s.replace('Product_Recommendation__c.Kind__c', 'Product_Recommendation__c.Account__c'), /You cannot deploy to a required field: Product_Recommendation__c.Account__c/],
      ['a permission set naming a missing field', `${DEFAULT}/permissionsets/Reco_Sales_Rep.permissionset-meta.xml`, (s) => s.replace('Product_Recommendation__c.Kind__c', 'Product_Recommendation__c.Gone__c'), /no CustomField named Product_Recommendation__c.Gone__c found/],
      ['an invalid target', `${DEFAULT}/lwc/recoAccountInsight/recoAccountInsight.js-meta.xml`, (s) => s.replace('<target>lightning__RecordPage', '<target>lightning__Nowhere'), /Invalid target lightning__Nowhere/],
      ['a property the component does not have', `${DEFAULT}/lwc/recoRecommendations/recoRecommendations.js-meta.xml`, (s) => s.replace('name="rowsPerList"', 'name="rowCount"'), /property rowCount is not a public \(@api\) property/],
    ];
    for (const [what, file, edit, message] of cases) {
      it(what, () => {
        const problems = validateSourceTree(withFile(tree, file, edit));
        expect(problems.join('\n')).to.match(message);
      });
    }

    it('a component bundle without its template', () => {
      const broken = new Map(tree);
      broken.delete(`${DEFAULT}/lwc/recoRow/recoRow.html`);
      expect(validateSourceTree(broken).join('\n')).to.match(/needs recoRow.html or a render\(\) method/);
    });
  });
});
