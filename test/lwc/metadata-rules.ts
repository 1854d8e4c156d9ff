// Static checks of the SFDX source tree (objects, fields, permission sets, LWC bundles): the mistakes a
// deploy would reject, caught without an org. Input is the tree as a map of relative path -> file text, so
// tests can break one file at a time and see the rule fire.
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type SourceTree = Map<string, string>;
type Node = Record<string, unknown>;

const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';
const ROOT_BY_SUFFIX: Record<string, string> = {
  '.object-meta.xml': 'CustomObject',
  '.field-meta.xml': 'CustomField',
  '.permissionset-meta.xml': 'PermissionSet',
  '.js-meta.xml': 'LightningComponentBundle',
};
const REPEATED = new Set(['value', 'objectPermissions', 'fieldPermissions', 'target', 'targetConfig', 'property']);
const FIELD_TYPES = new Set([
  'AutoNumber', 'Checkbox', 'Currency', 'Date', 'DateTime', 'Email', 'Html', 'Location', 'LongTextArea', 'Lookup',
  'MasterDetail', 'MultiselectPicklist', 'Number', 'Percent', 'Phone', 'Picklist', 'Text', 'TextArea', 'Time', 'Url',
]);
const EXTERNAL_ID_TYPES = new Set(['Text', 'Number', 'Email', 'AutoNumber']);
const SHARING_MODELS = new Set(['Private', 'Read', 'ReadWrite', 'ReadWriteTransfer', 'FullAccess', 'ControlledByParent']);
const DELETE_CONSTRAINTS = new Set(['SetNull', 'Restrict', 'Cascade']);
const STANDARD_OBJECTS = new Set(['Account', 'Contact', 'Opportunity', 'OpportunityLineItem', 'Product2', 'Pricebook2', 'User', 'Lead', 'Case']);
const TARGETS = new Set([
  'lightning__RecordPage', 'lightning__AppPage', 'lightning__HomePage', 'lightning__Tab', 'lightning__UtilityBar',
  'lightning__FlowScreen', 'lightning__RecordAction', 'lightningCommunity__Page', 'lightningCommunity__Default',
]);
const PROPERTY_TYPES = new Set(['Boolean', 'Integer', 'String', 'Color']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  // <object> repeats inside a bundle's <objects> but is a single value inside <objectPermissions>.
  isArray: (name, jPath) => REPEATED.has(name) || String(jPath).endsWith('objects.object'),
});

/** Reads every file under dir (the SFDX package directory) into a SourceTree keyed by relative path. */
export function readSourceTree(dir: string): SourceTree {
  const tree: SourceTree = new Map();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const rel = path.relative(dir, full).split(path.sep).join('/');
    if (rel.includes('/__tests__/')) continue;
    tree.set(rel, fs.readFileSync(full, 'utf8'));
  }
  return tree;
}

const list = (value: unknown): Node[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]) as Node[];
const text = (node: Node | undefined, key: string): string | undefined => {
  const v = node?.[key];
  return typeof v === 'string' ? v.trim() : undefined;
};

type Field = { object: string; name: string; type: string; required: boolean; referenceTo?: string; node: Node; file: string };
type Parsed = { file: string; root: string; node: Node };

/** Every problem found, each naming its file; an empty list means the tree would deploy. */
export function validateSourceTree(tree: SourceTree): string[] {
  const problems: string[] = [];
  const parsed: Parsed[] = [];
  for (const [file, content] of tree) {
    if (!file.endsWith('-meta.xml')) continue;
    const item = parseMetadata(file, content, problems);
    if (item) parsed.push(item);
  }
  const objects = new Map<string, Node>();
  const fields = new Map<string, Field>();
  for (const p of parsed.filter((x) => x.root === 'CustomObject')) objects.set(baseName(p.file, '.object-meta.xml'), p.node);
  for (const p of parsed.filter((x) => x.root === 'CustomField')) {
    const object = p.file.split('/').at(-3) ?? '';
    const name = baseName(p.file, '.field-meta.xml');
    const type = text(p.node, 'type') ?? '';
    fields.set(`${object}.${name}`, {
      object, name, type, file: p.file, node: p.node,
      required: type === 'MasterDetail' || text(p.node, 'required') === 'true',
      referenceTo: text(p.node, 'referenceTo'),
    });
  }
  const known = (object: string) => objects.has(object) || STANDARD_OBJECTS.has(object);
  for (const p of parsed) {
    if (p.root === 'CustomObject') checkObject(p, fields, problems);
    if (p.root === 'CustomField') checkField(fields.get(fieldKey(p.file))!, known, problems);
    if (p.root === 'PermissionSet') checkPermissionSet(p, known, fields, problems);
    if (p.root === 'LightningComponentBundle') checkBundle(p, tree, problems);
  }
  checkRelationshipNames([...fields.values()], problems);
  return problems;
}

function parseMetadata(file: string, content: string, problems: string[]): Parsed | undefined {
  const suffix = Object.keys(ROOT_BY_SUFFIX).find((s) => file.endsWith(s));
  if (!suffix) {
    problems.push(`${file}: unknown metadata suffix`);
    return undefined;
  }
  const valid = XMLValidator.validate(content);
  if (valid !== true) {
    problems.push(`${file}: not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
    return undefined;
  }
  const doc = parser.parse(content) as Node;
  const roots = Object.keys(doc).filter((k) => k !== '?xml');
  const expected = ROOT_BY_SUFFIX[suffix];
  if (roots.length !== 1 || roots[0] !== expected) {
    problems.push(`${file}: root element is <${roots.join(', ')}>, a ${suffix} file needs <${expected}>`);
    return undefined;
  }
  const node = doc[expected] as Node;
  if (node['@_xmlns'] !== METADATA_NS) problems.push(`${file}: <${expected}> must declare xmlns="${METADATA_NS}"`);
  return { file, root: expected, node };
}

function requireElements(file: string, node: Node, names: string[], problems: string[]): void {
  for (const name of names) if (node[name] === undefined) problems.push(`${file}: missing <${name}>`);
}

function checkObject({ file, node }: Parsed, fields: Map<string, Field>, problems: string[]): void {
  requireElements(file, node, ['label', 'pluralLabel', 'nameField', 'deploymentStatus', 'sharingModel'], problems);
  const object = baseName(file, '.object-meta.xml');
  if (file.split('/').at(-2) !== object) problems.push(`${file}: must sit in a folder named ${object}`);
  if (!object.endsWith('__c')) problems.push(`${file}: a custom object's name must end in __c`);
  const nameField = node.nameField as Node | undefined;
  const nameType = text(nameField, 'type');
  if (nameField && !['Text', 'AutoNumber'].includes(nameType ?? '')) problems.push(`${file}: nameField type must be Text or AutoNumber`);
  if (nameType === 'AutoNumber' && !text(nameField, 'displayFormat')) problems.push(`${file}: an AutoNumber name field needs <displayFormat>`);
  const sharing = text(node, 'sharingModel');
  if (sharing && !SHARING_MODELS.has(sharing)) problems.push(`${file}: sharingModel ${sharing} is not valid`);
  const hasMaster = [...fields.values()].some((f) => f.object === object && f.type === 'MasterDetail');
  if (hasMaster !== (sharing === 'ControlledByParent')) {
    problems.push(`${file}: sharingModel must be ControlledByParent exactly when the object has a master-detail field`);
  }
}

function checkField(field: Field, known: (object: string) => boolean, problems: string[]): void {
  const { file, node, type } = field;
  requireElements(file, node, ['fullName', 'label', 'type'], problems);
  if (text(node, 'fullName') !== field.name) problems.push(`${file}: fullName ${text(node, 'fullName')} does not match the file name`);
  if (!field.name.endsWith('__c')) problems.push(`${file}: a custom field's name must end in __c`);
  if (!FIELD_TYPES.has(type)) {
    problems.push(`${file}: field type ${type} is not valid`);
    return;
  }
  const num = (key: string) => Number(text(node, key));
  if (type === 'Text' && !(num('length') >= 1 && num('length') <= 255)) problems.push(`${file}: Text needs a length of 1-255`);
  if (type === 'LongTextArea' && !(num('length') >= 256 && num('length') <= 131072 && num('visibleLines') > 0)) {
    problems.push(`${file}: LongTextArea needs a length of 256-131072 and visibleLines`);
  }
  if (['Number', 'Currency', 'Percent'].includes(type)) {
    const precision = num('precision');
    const scale = num('scale');
    if (!(precision >= 1 && precision <= 18 && scale >= 0 && scale <= precision)) {
      problems.push(`${file}: ${type} needs precision 1-18 and scale 0-precision`);
    }
  }
  if (type === 'Checkbox' && !['true', 'false'].includes(text(node, 'defaultValue') ?? '')) {
    problems.push(`${file}: Checkbox needs defaultValue true or false`);
  }
  if (text(node, 'externalId') === 'true' && !EXTERNAL_ID_TYPES.has(type)) problems.push(`${file}: ${type} cannot be an external id`);
  if (type === 'Picklist' || type === 'MultiselectPicklist') checkPicklist(file, node, problems);
  if (type === 'Lookup' || type === 'MasterDetail') checkRelationship(field, known, problems);
}

function checkPicklist(file: string, node: Node, problems: string[]): void {
  const definition = (node.valueSet as Node | undefined)?.valueSetDefinition as Node | undefined;
  const values = list(definition?.value);
  if (values.length === 0) {
    problems.push(`${file}: a picklist needs valueSet/valueSetDefinition with at least one value`);
    return;
  }
  const names = values.map((v) => text(v, 'fullName') ?? '');
  if (names.some((n) => !n)) problems.push(`${file}: every picklist value needs a fullName`);
  if (new Set(names).size !== names.length) problems.push(`${file}: picklist values repeat`);
  if (values.filter((v) => text(v, 'default') === 'true').length > 1) problems.push(`${file}: more than one default picklist value`);
}

function checkRelationship(field: Field, known: (object: string) => boolean, problems: string[]): void {
  const { file, node, type } = field;
  requireElements(file, node, ['referenceTo', 'relationshipName'], problems);
  if (field.referenceTo && !known(field.referenceTo)) problems.push(`${file}: referenceTo ${field.referenceTo} is not an object in this tree or a standard object`);
  const constraint = text(node, 'deleteConstraint');
  if (type === 'MasterDetail') {
    if (constraint !== undefined) problems.push(`${file}: a master-detail field cannot have a deleteConstraint`);
    if (text(node, 'required') === 'false') problems.push(`${file}: a master-detail field is always required`);
  } else {
    if (constraint !== undefined && !DELETE_CONSTRAINTS.has(constraint)) problems.push(`${file}: deleteConstraint ${constraint} is not valid`);
    if (field.required && (constraint ?? 'SetNull') === 'SetNull') problems.push(`${file}: a required lookup cannot clear itself on delete (SetNull)`);
  }
}

// Two lookups to the same parent with the same relationshipName would collide as child relationships.
function checkRelationshipNames(fields: Field[], problems: string[]): void {
  const seen = new Map<string, string>();
  for (const f of fields.filter((x) => x.referenceTo)) {
    const key = `${f.referenceTo}.${text(f.node, 'relationshipName')}__r`;
    const other = seen.get(key);
    if (other) problems.push(`${f.file}: child relationship ${key} is already used by ${other}`);
    seen.set(key, f.file);
  }
}

function checkPermissionSet({ file, node }: Parsed, known: (o: string) => boolean, fields: Map<string, Field>, problems: string[]): void {
  requireElements(file, node, ['label'], problems);
  const readable = new Set<string>();
  for (const op of list(node.objectPermissions)) {
    const object = text(op, 'object') ?? '';
    if (!known(object)) problems.push(`${file}: objectPermissions for unknown object ${object}`);
    const allow = (k: string) => text(op, k) === 'true';
    if ((allow('allowEdit') || allow('allowCreate') || allow('allowDelete')) && !allow('allowRead')) {
      problems.push(`${file}: ${object} grants create/edit/delete without read`);
    }
    if (allow('allowRead')) readable.add(object);
  }
  const listed = new Set<string>();
  for (const fp of list(node.fieldPermissions)) {
    const name = text(fp, 'field') ?? '';
    const field = fields.get(name);
    if (listed.has(name)) problems.push(`${file}: ${name} is listed twice`);
    listed.add(name);
    if (!field) {
      problems.push(`${file}: fieldPermissions for unknown field ${name}`);
      continue;
    }
    if (field.required) problems.push(`${file}: ${name} is required or master-detail and cannot be listed`);
    if (text(fp, 'editable') === 'true' && text(fp, 'readable') !== 'true') problems.push(`${file}: ${name} is editable but not readable`);
    if (!readable.has(field.object)) problems.push(`${file}: ${name} is granted but its object ${field.object} is not readable`);
  }
}

function checkBundle({ file, node }: Parsed, tree: SourceTree, problems: string[]): void {
  const parts = file.split('/');
  const name = baseName(file, '.js-meta.xml');
  const folder = parts.at(-2);
  if (parts.at(-3) !== 'lwc' || folder !== name) problems.push(`${file}: a bundle lives in lwc/<name>/<name>.js-meta.xml`);
  if (!/^[a-z][A-Za-z0-9]*$/.test(name)) problems.push(`${file}: bundle name ${name} must be camelCase`);
  const dir = parts.slice(0, -1).join('/');
  const js = tree.get(`${dir}/${name}.js`);
  if (js === undefined) problems.push(`${file}: bundle has no ${name}.js`);
  const isComponent = js !== undefined && /extends\s+LightningElement/.test(js);
  if (isComponent && !tree.has(`${dir}/${name}.html`) && !/\brender\s*\(/.test(js)) problems.push(`${file}: component has no ${name}.html`);
  requireElements(file, node, ['apiVersion', 'isExposed'], problems);
  if (!/^\d+\.0$/.test(text(node, 'apiVersion') ?? '')) problems.push(`${file}: apiVersion must look like 66.0`);
  const exposed = text(node, 'isExposed');
  if (exposed !== 'true' && exposed !== 'false') problems.push(`${file}: isExposed must be true or false`);
  const targets = list((node.targets as Node | undefined)?.target).map(String);
  if (exposed === 'true' && targets.length === 0) problems.push(`${file}: an exposed component needs at least one target`);
  if (exposed !== 'true' && targets.length > 0) problems.push(`${file}: targets on a component that is not exposed`);
  for (const t of targets) if (!TARGETS.has(t)) problems.push(`${file}: target ${t} is not valid`);
  for (const config of list((node.targetConfigs as Node | undefined)?.targetConfig)) {
    const configTargets = String(config['@_targets'] ?? '').split(',').map((t) => t.trim());
    for (const t of configTargets) if (!targets.includes(t)) problems.push(`${file}: targetConfig for undeclared target ${t}`);
    if (config.objects !== undefined && !configTargets.every((t) => t === 'lightning__RecordPage')) {
      problems.push(`${file}: <objects> is only allowed for lightning__RecordPage`);
    }
    for (const property of list(config.property)) checkProperty(file, property, js ?? '', problems);
  }
}

function checkProperty(file: string, property: Node, js: string, problems: string[]): void {
  const name = String(property['@_name'] ?? '');
  const type = String(property['@_type'] ?? '');
  if (!PROPERTY_TYPES.has(type)) problems.push(`${file}: property ${name} has invalid type ${type}`);
  if (!new RegExp(`@api\\s+(get\\s+)?${name}\\b`).test(js)) problems.push(`${file}: property ${name} is not an @api property of the component`);
  const def = property['@_default'];
  if (def === undefined) return;
  if (type === 'Boolean' && !['true', 'false'].includes(String(def))) problems.push(`${file}: property ${name} default must be true or false`);
  if (type === 'Integer') {
    const [value, min, max] = [def, property['@_min'] ?? -Infinity, property['@_max'] ?? Infinity].map(Number);
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`${file}: property ${name} default ${def} is not an integer within min/max`);
  }
}

function baseName(file: string, suffix: string): string {
  return path.posix.basename(file, suffix);
}

function fieldKey(file: string): string {
  return `${file.split('/').at(-3)}.${baseName(file, '.field-meta.xml')}`;
}
