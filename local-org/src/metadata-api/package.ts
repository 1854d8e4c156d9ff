// Reads a metadata-format deploy package (what SDR zips: package.xml, objects/X.object with the fields
// recomposed into it, permissionsets/X.permissionset, lwc/<bundle>/...) into components. Problems with the
// package itself (no package.xml, a member without its file, an unknown type) come back as failures in
// the shape the deploy result reports them.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { list, text, type Xml } from '../schema/metadata.js';

export const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';

/** The types this org accepts, with the folder and suffix each takes in a package. */
export const SUPPORTED_TYPES = {
  CustomObject: { folder: 'objects', suffix: '.object' },
  CustomField: { folder: 'objects', suffix: '.object' },
  PermissionSet: { folder: 'permissionsets', suffix: '.permissionset' },
  LightningComponentBundle: { folder: 'lwc', suffix: '' },
} as const;
export type SupportedType = keyof typeof SUPPORTED_TYPES;

/** A componentFailure before it is dated: Salesforce's DeployMessage fields that carry the problem. */
export type Failure = { componentType: string; fullName: string; fileName: string; problem: string };

export type ObjectComponent = {
  name: string;
  fileName: string;
  /** The object's own elements (no <fields>); undefined when only fields of it are deployed. */
  object: Xml | undefined;
  /** The <fields> elements to deploy (all of them when the object itself is listed). */
  fields: Xml[];
};
export type PermissionSetComponent = { name: string; fileName: string; node: Xml };
export type BundleComponent = { name: string; fileName: string; files: Record<string, string> };

export type MetadataPackage = {
  version: string | undefined;
  objects: ObjectComponent[];
  permissionSets: PermissionSetComponent[];
  bundles: BundleComponent[];
};

const REPEATED = new Set(['types', 'members', 'fields', 'value', 'objectPermissions', 'fieldPermissions', 'target', 'targetConfig', 'property', 'validationRules', 'listViews']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: true,
  // <object> repeats inside a bundle's <objects> but is a single value inside <objectPermissions>.
  isArray: (name, jPath) => REPEATED.has(name) || String(jPath).endsWith('objects.object'),
});

/** Parses one metadata file; a failure names the file and what is wrong with it. */
export function parseMetadataXml(content: string, root: string, where: Omit<Failure, 'problem'>): { node: Xml } | { failure: Failure } {
  const valid = XMLValidator.validate(content);
  if (valid !== true) return { failure: { ...where, problem: `Error parsing file: ${valid.err.msg} (line ${valid.err.line})` } };
  const doc = parser.parse(content) as Xml;
  const roots = Object.keys(doc).filter((k) => k !== '?xml');
  if (roots.length !== 1 || roots[0] !== root) return { failure: { ...where, problem: `Error parsing file: the root element must be <${root}>, found <${roots.join('>, <')}>` } };
  const node = (doc[root] === '' ? {} : doc[root]) as Xml;
  if (node['@_xmlns'] !== METADATA_NS) return { failure: { ...where, problem: `Error parsing file: <${root}> must be in the namespace ${METADATA_NS}` } };
  return { node };
}

/** Strips the one top folder (zip/, unpackaged/) that --metadata-dir zips and hand-made zips carry. */
function rootOf(files: Map<string, Buffer>): string | undefined {
  if (files.has('package.xml')) return '';
  const nested = [...files.keys()].filter((f) => /^[^/]+\/package\.xml$/.test(f));
  return nested.length === 1 ? nested[0].slice(0, -'package.xml'.length) : undefined;
}

const PACKAGE_ROW = { componentType: '', fullName: 'package.xml', fileName: 'package.xml' };

export function readPackage(zipFiles: Map<string, Buffer>): { pkg: MetadataPackage; failures: Failure[] } {
  const failures: Failure[] = [];
  const pkg: MetadataPackage = { version: undefined, objects: [], permissionSets: [], bundles: [] };
  const root = rootOf(zipFiles);
  if (root === undefined) {
    failures.push({ ...PACKAGE_ROW, problem: 'No package.xml found' });
    return { pkg, failures };
  }
  const files = new Map<string, string>();
  for (const [name, data] of zipFiles) if (name.startsWith(root) && !name.endsWith('/')) files.set(name.slice(root.length), data.toString('utf8'));
  const manifest = parseMetadataXml(files.get('package.xml')!, 'Package', PACKAGE_ROW);
  if ('failure' in manifest) return { pkg, failures: [manifest.failure] };
  pkg.version = text(manifest.node, 'version');

  const members = new Map<SupportedType, Set<string>>();
  for (const t of list(manifest.node.types)) {
    const type = text(t, 'name') ?? '';
    if (!(type in SUPPORTED_TYPES)) {
      failures.push({ ...PACKAGE_ROW, problem: `Unknown type name '${type}' specified in package.xml` });
      continue;
    }
    const names = list(t.members).map((m) => String(m).trim());
    const set = members.get(type as SupportedType) ?? new Set<string>();
    for (const name of names) {
      if (name === '*') for (const n of available(type as SupportedType, files)) set.add(n);
      else set.add(name);
    }
    members.set(type as SupportedType, set);
  }

  const missing = (type: string, name: string) =>
    failures.push({ componentType: type, fullName: name, fileName: 'package.xml', problem: `An object ${name} of type ${type} was named in package.xml, but was not found in zipped directory` });

  // Objects: listed themselves (with all their fields) or through CustomField members.
  const objectFiles = new Map<string, Xml>();
  const objectNode = (name: string, type: string, member: string): Xml | undefined => {
    if (objectFiles.has(name)) return objectFiles.get(name);
    const fileName = `objects/${name}.object`;
    const content = files.get(fileName);
    if (content === undefined) {
      missing(type, member);
      return undefined;
    }
    const parsed = parseMetadataXml(content, 'CustomObject', { componentType: 'CustomObject', fullName: name, fileName });
    if ('failure' in parsed) {
      failures.push(parsed.failure);
      return undefined;
    }
    objectFiles.set(name, parsed.node);
    return parsed.node;
  };
  const byName = new Map<string, ObjectComponent>();
  const component = (name: string): ObjectComponent => {
    let c = byName.get(name);
    if (!c) {
      c = { name, fileName: `objects/${name}.object`, object: undefined, fields: [] };
      byName.set(name, c);
    }
    return c;
  };
  for (const name of members.get('CustomObject') ?? []) {
    const node = objectNode(name, 'CustomObject', name);
    if (!node) continue;
    const c = component(name);
    const { fields, ...own } = node;
    c.object = own;
    c.fields = list(fields);
  }
  for (const member of members.get('CustomField') ?? []) {
    const dot = member.indexOf('.');
    const objectName = dot > 0 ? member.slice(0, dot) : member;
    const fieldName = member.slice(dot + 1);
    const node = objectNode(objectName, 'CustomField', member);
    if (!node) continue;
    const f = list(node.fields).find((x) => text(x, 'fullName') === fieldName);
    if (!f) {
      missing('CustomField', member);
      continue;
    }
    const c = component(objectName);
    if (!c.fields.includes(f)) c.fields.push(f);
  }
  pkg.objects = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));

  for (const name of [...(members.get('PermissionSet') ?? [])].sort()) {
    const fileName = `permissionsets/${name}.permissionset`;
    const content = files.get(fileName);
    if (content === undefined) {
      missing('PermissionSet', name);
      continue;
    }
    const parsed = parseMetadataXml(content, 'PermissionSet', { componentType: 'PermissionSet', fullName: name, fileName });
    if ('failure' in parsed) failures.push(parsed.failure);
    else pkg.permissionSets.push({ name, fileName, node: parsed.node });
  }

  for (const name of [...(members.get('LightningComponentBundle') ?? [])].sort()) {
    const prefix = `lwc/${name}/`;
    const bundleFiles: Record<string, string> = {};
    // Sorted, because zip entry order varies between runs of the CLI and the stored form is compared.
    for (const f of [...files.keys()].filter((k) => k.startsWith(prefix)).sort()) bundleFiles[f.slice(prefix.length)] = files.get(f)!;
    if (Object.keys(bundleFiles).length === 0) missing('LightningComponentBundle', name);
    else pkg.bundles.push({ name, fileName: `lwc/${name}`, files: bundleFiles });
  }
  return { pkg, failures };
}

/** Component names of a type present in the package's folders (for a '*' member). */
function available(type: SupportedType, files: Map<string, string>): string[] {
  const { folder, suffix } = SUPPORTED_TYPES[type];
  const names = new Set<string>();
  for (const f of files.keys()) {
    const m = new RegExp(`^${folder}/([^/]+?)${suffix.replace('.', '\\.')}(?:/|$)`).exec(f);
    if (!m) continue;
    if (type !== 'CustomField') names.add(m[1]);
  }
  return [...names].sort();
}
