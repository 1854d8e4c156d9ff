// What a deploy checks before it changes anything, with Salesforce's wording where it is known: API names,
// field types and the elements each needs, master-detail rules, duplicate names, references to missing
// objects and fields, and the object-permission dependencies of permission sets. Checks run against the
// org as it would be after the deploy (what is deployed already, overlaid with the package).
import type { LocalOrgStore } from '../store/org-store.js';
import { deployedObjects } from '../store/deployed-metadata.js';
import { list, picklistValues, text, type Xml } from '../schema/metadata.js';
import { invalidNameProblem, isValidApiName, nameProblems, tooLongProblem } from './names.js';
import { parseMetadataXml, type BundleComponent, type Failure, type MetadataPackage, type ObjectComponent, type PermissionSetComponent } from './package.js';

type FieldFacts = { object: string; name: string; type: string; required: boolean; referenceTo?: string; relationshipName?: string; deployed: boolean };
type ObjectFacts = { name: string; custom: boolean; sharingModel?: string; fields: Map<string, FieldFacts> };
type World = Map<string, ObjectFacts>;

const FIELD_TYPES = new Set([
  'AutoNumber', 'Checkbox', 'Currency', 'Date', 'DateTime', 'Email', 'Html', 'LongTextArea', 'Lookup', 'MasterDetail',
  'MultiselectPicklist', 'Number', 'Percent', 'Phone', 'Picklist', 'Text', 'TextArea', 'Time', 'Url',
]);
const EXTERNAL_ID_TYPES = new Set(['Text', 'Number', 'Email', 'AutoNumber']);
const SHARING_MODELS = new Set(['Private', 'Read', 'ReadWrite', 'ReadWriteTransfer', 'FullAccess', 'ControlledByParent']);
const DELETE_CONSTRAINTS = new Set(['SetNull', 'Restrict', 'Cascade']);
/** Standard objects that cannot be the master of a master-detail relationship (custom_fields.htm). */
const NOT_MASTERS = new Set(['User', 'Lead', 'Product2', 'Task', 'Event', 'Pricebook2', 'PricebookEntry', 'OpportunityLineItem', 'Profile', 'Organization', 'PermissionSet', 'PermissionSetAssignment', 'ObjectPermissions', 'FieldPermissions']);
const MAX_MASTER_DETAIL = 2;

const lc = (s: string) => s.toLowerCase();

/** The org's objects and fields as they are now, before the package is overlaid. */
function currentWorld(store: LocalOrgStore): World {
  const world: World = new Map();
  const deployed = deployedObjects(store.db);
  const sharing = new Map(deployed.objects.map((o) => [o.name, text(o.object, 'sharingModel')]));
  for (const obj of store.schema.objects()) {
    const fields = new Map<string, FieldFacts>();
    for (const f of obj.fields) {
      const masterDetail = f.type === 'reference' && f.custom && f.cascadeDelete && !f.nillable;
      fields.set(lc(f.name), {
        object: obj.name,
        name: f.name,
        type: f.type === 'reference' ? (masterDetail ? 'MasterDetail' : 'Lookup') : f.type,
        required: f.createable && !f.nillable && !f.defaultedOnCreate && f.type !== 'boolean',
        referenceTo: f.referenceTo[0],
        relationshipName: f.childRelationshipName?.replace(/__r$/, '') ?? undefined,
        deployed: false,
      });
    }
    world.set(lc(obj.name), { name: obj.name, custom: obj.custom, sharingModel: sharing.get(obj.name), fields });
  }
  // Deployed fields as they were deployed (a required Cascade lookup is not a master-detail).
  const nodes = [...deployed.objects.map((o) => [o.name, o.fields] as const), ...deployed.standardFields];
  for (const [objectName, fieldNodes] of nodes) {
    const target = world.get(lc(objectName));
    for (const n of fieldNodes) target?.fields.set(lc(text(n, 'fullName') ?? ''), { ...fieldFacts(target.name, n), deployed: false });
  }
  return world;
}

function fieldFacts(object: string, node: Xml): FieldFacts {
  const type = text(node, 'type') ?? '';
  return {
    object,
    name: text(node, 'fullName') ?? '',
    type,
    required: type === 'MasterDetail' || text(node, 'required') === 'true',
    referenceTo: text(node, 'referenceTo'),
    relationshipName: text(node, 'relationshipName'),
    deployed: true,
  };
}

function overlay(world: World, pkg: MetadataPackage): World {
  const next: World = new Map([...world].map(([k, o]) => [k, { ...o, fields: new Map(o.fields) }]));
  for (const c of pkg.objects) {
    let o = next.get(lc(c.name));
    if (!o && c.object) {
      o = { name: c.name, custom: true, fields: new Map() };
      next.set(lc(c.name), o);
    }
    if (!o) continue;
    if (c.object) o.sharingModel = text(c.object, 'sharingModel');
    for (const f of c.fields) {
      const facts = fieldFacts(o.name, f);
      if (facts.name) o.fields.set(lc(facts.name), facts);
    }
  }
  return next;
}

export function validatePackage(store: LocalOrgStore, pkg: MetadataPackage): Failure[] {
  const before = currentWorld(store);
  const world = overlay(before, pkg);
  const failures: Failure[] = [];
  for (const c of pkg.objects) validateObject(c, world, before, failures);
  validateRelationshipNames(pkg, world, failures);
  const seenPermSets = new Set<string>();
  for (const p of pkg.permissionSets) {
    if (seenPermSets.has(lc(p.name))) failures.push({ componentType: 'PermissionSet', fullName: p.name, fileName: p.fileName, problem: `Duplicate name '${p.name}' specified` });
    seenPermSets.add(lc(p.name));
    validatePermissionSet(p, world, failures);
  }
  for (const b of pkg.bundles) validateBundle(b, failures);
  return failures;
}

// ---- objects and fields ---------------------------------------------------------------------------

function validateObject(c: ObjectComponent, world: World, before: World, failures: Failure[]): void {
  const objectFailure = (problem: string) => failures.push({ componentType: 'CustomObject', fullName: c.name, fileName: c.fileName, problem });
  const existing = before.get(lc(c.name));
  const target = world.get(lc(c.name));
  if (!target) {
    for (const f of c.fields) {
      failures.push({ componentType: 'CustomField', fullName: `${c.name}.${text(f, 'fullName') ?? ''}`, fileName: c.fileName, problem: `In field: fullName - no CustomObject named ${c.name} found` });
    }
    return;
  }
  if (c.object && !(existing && !existing.custom)) {
    if (!c.name.endsWith('__c')) objectFailure(`Cannot create a new CustomObject named ${c.name}: the API name of a custom object must end in __c`);
    else for (const p of nameProblems('Object Name', c.name.slice(0, -3))) objectFailure(p);
    for (const el of ['label', 'pluralLabel', 'deploymentStatus', 'sharingModel']) {
      if (!text(c.object, el)) objectFailure(`Must specify a non-empty value for the CustomObject field '${el}'`);
    }
    const nameField = c.object.nameField as Xml | undefined;
    const nameType = text(nameField, 'type');
    if (!nameField || typeof nameField !== 'object') objectFailure("Must specify the CustomObject field 'nameField'");
    else if (nameType !== 'Text' && nameType !== 'AutoNumber') objectFailure(`'${nameType ?? ''}' is not a valid value for the name field type: use Text or AutoNumber`);
    else if (nameType === 'AutoNumber' && !text(nameField, 'displayFormat')) objectFailure("Must specify 'displayFormat' for an AutoNumber name field");
    if (!text(nameField, 'label')) objectFailure("Must specify 'label' for the name field");
    const sharing = text(c.object, 'sharingModel');
    if (sharing && !SHARING_MODELS.has(sharing)) objectFailure(`'${sharing}' is not a valid value for the enum 'SharingModel'`);
    const masters = [...target.fields.values()].filter((f) => f.type === 'MasterDetail');
    if (sharing === 'ControlledByParent' && masters.length === 0) objectFailure('Cannot set sharingModel to ControlledByParent on a CustomObject without a MasterDetail relationship field');
    if (sharing && sharing !== 'ControlledByParent' && masters.length > 0) {
      objectFailure(`Cannot set sharingModel to ${sharing} on a CustomObject with a MasterDetail relationship field (${masters.map((m) => m.name).join(', ')}): a detail object's sharingModel is ControlledByParent`);
    }
  }
  const names = new Set<string>();
  for (const node of c.fields) {
    const name = text(node, 'fullName') ?? '';
    const fullName = `${c.name}.${name}`;
    const fail = (problem: string) => failures.push({ componentType: 'CustomField', fullName, fileName: c.fileName, problem });
    if (names.has(lc(name))) fail(`Duplicate name '${name}' specified`);
    names.add(lc(name));
    validateField(node, target, world, fail);
  }
  const masters = [...target.fields.values()].filter((f) => f.type === 'MasterDetail');
  if (masters.length > MAX_MASTER_DETAIL) {
    for (const m of masters.filter((x) => x.deployed)) {
      failures.push({
        componentType: 'CustomField',
        fullName: `${c.name}.${m.name}`,
        fileName: c.fileName,
        problem: `${c.name} would have ${masters.length} master-detail relationships (${masters.map((x) => x.name).join(', ')}); an object can have at most ${MAX_MASTER_DETAIL}`,
      });
    }
  }
}

function validateField(node: Xml, object: ObjectFacts, world: World, fail: (problem: string) => void): void {
  const name = text(node, 'fullName') ?? '';
  const type = text(node, 'type');
  if (!name) return fail("Must specify a non-empty value for the CustomField field 'fullName'");
  if (!name.endsWith('__c')) fail(`Cannot create a new CustomField named ${name}: the API name of a custom field must end in __c`);
  else for (const p of nameProblems('Field Name', name.slice(0, -3))) fail(p);
  if (!type) return fail("Must specify a non-empty value for the CustomField field 'type'");
  if (!FIELD_TYPES.has(type)) return fail(`'${type}' is not a valid value for the enum 'FieldType'`);
  if (!text(node, 'label')) fail(`Must specify 'label' for a CustomField of type ${type}`);
  const num = (key: string) => (text(node, key) === undefined ? undefined : Number(text(node, key)));
  const must = (key: string) => fail(`Must specify '${key}' for a CustomField of type ${type}`);
  const cannot = (key: string) => fail(`Can not specify '${key}' for a CustomField of type ${type}`);
  switch (type) {
    case 'Text': {
      const length = num('length');
      if (length === undefined) must('length');
      else if (!(Number.isInteger(length) && length >= 1 && length <= 255)) fail(`Length must be between 1 and 255 for a CustomField of type Text, got ${text(node, 'length')}`);
      break;
    }
    case 'LongTextArea':
    case 'Html': {
      const length = num('length');
      if (length === undefined) must('length');
      else if (!(Number.isInteger(length) && length >= 256 && length <= 131072)) fail(`Length must be between 256 and 131072 for a CustomField of type ${type}, got ${text(node, 'length')}`);
      if (num('visibleLines') === undefined) must('visibleLines');
      break;
    }
    case 'Number':
    case 'Currency':
    case 'Percent': {
      const precision = num('precision');
      const scale = num('scale');
      if (precision === undefined) must('precision');
      if (scale === undefined) must('scale');
      if (precision !== undefined && scale !== undefined && !(Number.isInteger(precision) && Number.isInteger(scale) && precision >= 1 && precision <= 18 && scale >= 0 && scale <= precision)) {
        fail(`The sum of the length and decimal places must be an integer less than or equal to 18 (precision ${text(node, 'precision')}, scale ${text(node, 'scale')})`);
      }
      break;
    }
    case 'Checkbox': {
      const dv = text(node, 'defaultValue');
      if (dv === undefined) must('defaultValue');
      else if (dv !== 'true' && dv !== 'false') fail(`'${dv}' is not a valid defaultValue for a CustomField of type Checkbox: use true or false`);
      if (text(node, 'required') === 'true') cannot('required');
      break;
    }
    case 'AutoNumber':
      if (!text(node, 'displayFormat')) must('displayFormat');
      break;
    case 'Picklist':
    case 'MultiselectPicklist':
      validatePicklist(node, type, fail);
      break;
    case 'Lookup':
    case 'MasterDetail':
      validateRelationship(node, type, object, world, fail);
      break;
    default:
      break;
  }
  if (text(node, 'externalId') === 'true' && !EXTERNAL_ID_TYPES.has(type)) cannot('externalId');
}

function validatePicklist(node: Xml, type: string, fail: (problem: string) => void): void {
  if (node.valueSet === undefined) return fail(`Must specify 'valueSet' for a CustomField of type ${type}`);
  const values = picklistValues(node);
  if (values.length === 0) return fail(`Must specify at least one value in 'valueSet' for a CustomField of type ${type}`);
  const seen = new Set<string>();
  for (const v of values) {
    const name = text(v, 'fullName');
    if (!name) fail("Must specify 'fullName' for every picklist value");
    else if (seen.has(lc(name))) fail(`Duplicate picklist value specified: ${name}`);
    else seen.add(lc(name));
  }
  if (values.filter((v) => text(v, 'default') === 'true').length > 1) fail(`Only one value can be the default of a CustomField of type ${type}`);
}

function validateRelationship(node: Xml, type: string, object: ObjectFacts, world: World, fail: (problem: string) => void): void {
  const referenceTo = text(node, 'referenceTo');
  const relationshipName = text(node, 'relationshipName');
  if (!referenceTo) fail(`Must specify 'referenceTo' for a CustomField of type ${type}`);
  if (!relationshipName) fail(`Must specify 'relationshipName' for a CustomField of type ${type}`);
  else {
    if (!isValidApiName(relationshipName)) fail(invalidNameProblem('Child Relationship Name'));
    if (relationshipName.length > 40) fail(tooLongProblem('Child Relationship Name', relationshipName, 40));
  }
  const parent = referenceTo ? world.get(lc(referenceTo)) : undefined;
  if (referenceTo && !parent) fail(`In field: referenceTo - no CustomObject named ${referenceTo} found`);
  const constraint = text(node, 'deleteConstraint');
  if (type === 'MasterDetail') {
    if (text(node, 'required') !== undefined) fail('Master-Detail Relationship Fields Cannot be Optional or Required');
    if (constraint !== undefined) fail("Can not specify 'deleteConstraint' for a CustomField of type MasterDetail");
    if (!object.custom) fail(`${object.name} is a standard object and cannot be on the detail side of a master-detail relationship`);
    if (parent && (NOT_MASTERS.has(parent.name) || (!parent.custom && parent.name.endsWith('__c')))) fail(`${parent.name} cannot be the master of a master-detail relationship`);
  } else {
    if (constraint !== undefined && !DELETE_CONSTRAINTS.has(constraint)) fail(`'${constraint}' is not a valid value for the enum 'DeleteConstraint'`);
    if (text(node, 'required') === 'true' && (constraint ?? 'SetNull') === 'SetNull') {
      fail("A required lookup field can't clear its value when the lookup record is deleted: set deleteConstraint to Restrict or Cascade");
    }
  }
}

/** Two relationships into the same parent may not share a child relationship name. */
function validateRelationshipNames(pkg: MetadataPackage, world: World, failures: Failure[]): void {
  const owners = new Map<string, FieldFacts[]>();
  for (const o of world.values()) {
    for (const f of o.fields.values()) {
      if (!f.referenceTo || !f.relationshipName) continue;
      const key = `${lc(f.referenceTo)}.${lc(f.relationshipName)}`;
      owners.set(key, [...(owners.get(key) ?? []), f]);
    }
  }
  for (const c of pkg.objects) {
    for (const node of c.fields) {
      const f = fieldFacts(c.name, node);
      if (!f.referenceTo || !f.relationshipName) continue;
      const clash = (owners.get(`${lc(f.referenceTo)}.${lc(f.relationshipName)}`) ?? []).filter((x) => !(lc(x.object) === lc(f.object) && lc(x.name) === lc(f.name)));
      if (clash.length > 0) {
        failures.push({
          componentType: 'CustomField',
          fullName: `${c.name}.${f.name}`,
          fileName: c.fileName,
          problem: `The Child Relationship Name ${f.relationshipName} is already used on ${f.referenceTo} by ${clash.map((x) => `${x.object}.${x.name}`).join(', ')}; it must be unique`,
        });
      }
    }
  }
}

// ---- permission sets --------------------------------------------------------------------------------

/** Object permission -> what it needs on the same object (ObjectPermissions reference, facts §3). */
const OBJECT_PERMISSIONS: [element: string, label: string, requires: string[]][] = [
  ['allowRead', 'Read', []],
  ['allowCreate', 'Create', ['allowRead']],
  ['allowEdit', 'Edit', ['allowRead']],
  ['allowDelete', 'Delete', ['allowRead', 'allowEdit']],
  ['viewAllRecords', 'Read All', ['allowRead']],
  ['modifyAllRecords', 'Modify All', ['allowRead', 'allowEdit', 'allowDelete', 'viewAllRecords']],
];
const LABEL = new Map(OBJECT_PERMISSIONS.map(([el, label]) => [el, label]));

function validatePermissionSet(p: PermissionSetComponent, world: World, failures: Failure[]): void {
  const fail = (problem: string) => failures.push({ componentType: 'PermissionSet', fullName: p.name, fileName: p.fileName, problem });
  if (!isValidApiName(p.name)) fail(invalidNameProblem('Permission Set API Name'));
  if (p.name.length > 80) fail(tooLongProblem('Permission Set API Name', p.name, 80));
  if (!text(p.node, 'label')) fail("Must specify a non-empty value for the PermissionSet field 'label'");
  const objects = new Set<string>();
  const dependencies: string[] = [];
  for (const op of list(p.node.objectPermissions)) {
    const objectName = text(op, 'object') ?? '';
    const object = world.get(lc(objectName));
    if (!object) {
      fail(`In field: object - no CustomObject named ${objectName} found`);
      continue;
    }
    if (objects.has(lc(objectName))) fail(`Duplicate objectPermissions specified for ${objectName}`);
    objects.add(lc(objectName));
    const granted = (el: string) => text(op, el) === 'true';
    for (const [el, label, requires] of OBJECT_PERMISSIONS) {
      if (!granted(el)) continue;
      const missing = requires.filter((r) => !granted(r));
      if (missing.length > 0) dependencies.push(`Permission ${label} ${object.name} depends on permission(s): ${missing.map((m) => `${LABEL.get(m)} ${object.name}`).join(', ')}`);
    }
  }
  if (dependencies.length > 0) fail(dependencies.join('; '));
  const fields = new Set<string>();
  for (const fp of list(p.node.fieldPermissions)) {
    const qualified = text(fp, 'field') ?? '';
    const [objectName, fieldName, ...rest] = qualified.split('.');
    const field = fieldName && rest.length === 0 ? world.get(lc(objectName))?.fields.get(lc(fieldName)) : undefined;
    if (!field) {
      fail(`In field: field - no CustomField named ${qualified} found`);
      continue;
    }
    if (fields.has(lc(qualified))) fail(`Duplicate fieldPermissions specified for ${qualified}`);
    fields.add(lc(qualified));
    if (field.required) fail(`You cannot deploy to a required field: ${field.object}.${field.name}`);
    if (text(fp, 'editable') === 'true' && text(fp, 'readable') !== 'true') fail(`Permission Edit ${field.object}.${field.name} depends on permission(s): Read ${field.object}.${field.name}`);
  }
}

// ---- Lightning web components -----------------------------------------------------------------------

const BUNDLE_SUFFIXES = ['.js', '.html', '.css', '.svg', '.js-meta.xml'];
const TARGETS = new Set([
  'lightning__RecordPage', 'lightning__AppPage', 'lightning__HomePage', 'lightning__Tab', 'lightning__UtilityBar',
  'lightning__FlowScreen', 'lightning__RecordAction', 'lightningCommunity__Page', 'lightningCommunity__Default',
]);
const PROPERTY_TYPES = new Set(['Boolean', 'Integer', 'String', 'Color']);

function validateBundle(b: BundleComponent, failures: Failure[]): void {
  const fail = (problem: string): void => void failures.push({ componentType: 'LightningComponentBundle', fullName: b.name, fileName: b.fileName, problem });
  const markup = `Unable to build Lightning Component source for markup://c:${b.name}`;
  if (!isValidApiName(b.name)) fail(invalidNameProblem('Lightning Web Component Bundle API Name'));
  else if (!/^[a-z]/.test(b.name)) fail(`${markup}: the component name must begin with a lowercase letter.`);
  for (const file of Object.keys(b.files)) {
    if (file.split('/').length === 1 && !BUNDLE_SUFFIXES.some((s) => file.endsWith(s))) fail(`${markup}: Invalid suffix: ${file.slice(file.lastIndexOf('.') + 1)}.`);
  }
  const metaXml = b.files[`${b.name}.js-meta.xml`];
  const js = b.files[`${b.name}.js`];
  if (metaXml === undefined) return fail(`${markup}: No base file found: ${b.name}.js-meta.xml`);
  if (js === undefined) fail(`${markup}: No base file found: ${b.name}.js`);
  const parsed = parseBundleMeta(metaXml, b);
  if ('failure' in parsed) return void failures.push(parsed.failure);
  const node = parsed.node;
  const isComponent = js !== undefined && /extends\s+LightningElement/.test(js);
  if (isComponent && b.files[`${b.name}.html`] === undefined && !/\brender\s*\(/.test(js)) fail(`${markup}: a component that extends LightningElement needs ${b.name}.html or a render() method`);
  const apiVersion = text(node, 'apiVersion');
  if (!apiVersion) fail(`${markup}: Must specify 'apiVersion'`);
  else if (!/^\d+\.0$/.test(apiVersion)) fail(`${markup}: '${apiVersion}' is not a valid apiVersion`);
  const exposed = text(node, 'isExposed');
  if (exposed !== 'true' && exposed !== 'false') fail(`${markup}: isExposed must be true or false`);
  const targets = list((node.targets as Xml | undefined)?.target).map(String);
  if (exposed === 'true' && targets.length === 0) fail(`${markup}: an exposed component needs at least one target`);
  if (exposed !== 'true' && targets.length > 0) fail(`${markup}: targets are only allowed when isExposed is true`);
  for (const t of targets) if (!TARGETS.has(t)) fail(`${markup}: Invalid target ${t}`);
  for (const config of list((node.targetConfigs as Xml | undefined)?.targetConfig)) {
    const configTargets = String(config['@_targets'] ?? '').split(',').map((t) => t.trim());
    for (const t of configTargets) if (!targets.includes(t)) fail(`${markup}: targetConfig targets ${t}, which is not in <targets>`);
    if (config.objects !== undefined && !configTargets.every((t) => t === 'lightning__RecordPage')) fail(`${markup}: <objects> is only allowed for lightning__RecordPage`);
    for (const property of list(config.property)) validateProperty(property, js ?? '', fail, markup);
  }
}

function validateProperty(property: Xml, js: string, fail: (problem: string) => void, markup: string): void {
  const name = String(property['@_name'] ?? '');
  const type = String(property['@_type'] ?? '');
  if (!PROPERTY_TYPES.has(type)) fail(`${markup}: property ${name} has invalid type ${type}`);
  if (!new RegExp(`@api\\s+(get\\s+)?${name}\\b`).test(js)) fail(`${markup}: property ${name} is not a public (@api) property of the component`);
  const def = property['@_default'];
  if (def === undefined) return;
  if (type === 'Boolean' && !['true', 'false'].includes(String(def))) fail(`${markup}: property ${name} default must be true or false`);
  if (type === 'Integer') {
    const [value, min, max] = [def, property['@_min'] ?? -Infinity, property['@_max'] ?? Infinity].map(Number);
    if (!Number.isInteger(value) || value < min || value > max) fail(`${markup}: property ${name} default ${String(def)} is not an integer within min/max`);
  }
}

function parseBundleMeta(xml: string, b: BundleComponent): { node: Xml } | { failure: Failure } {
  return parseMetadataXml(xml, 'LightningComponentBundle', { componentType: 'LightningComponentBundle', fullName: b.name, fileName: `${b.fileName}/${b.name}.js-meta.xml` });
}
