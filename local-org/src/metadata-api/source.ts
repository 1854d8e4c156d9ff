// Converts an SFDX source tree (force-app) into the metadata-format package a deploy carries, as
// source-deploy-retrieve does for `sf project deploy start`: each object's decomposed files recomposed into
// objects/<Obj>.object, permission sets renamed to .permissionset, bundles copied, and a package.xml listing
// every component. Files the project's .forceignore names are left out, as the CLI leaves them out.
import fs from 'node:fs';
import path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';

/** SDR's decomposed CustomObject children: source folder -> element name in the .object file. */
const OBJECT_CHILDREN: Record<string, { element: string; suffix: string; type?: string }> = {
  fields: { element: 'fields', suffix: '.field-meta.xml', type: 'CustomField' },
  listViews: { element: 'listViews', suffix: '.listView-meta.xml', type: 'ListView' },
  validationRules: { element: 'validationRules', suffix: '.validationRule-meta.xml', type: 'ValidationRule' },
  recordTypes: { element: 'recordTypes', suffix: '.recordType-meta.xml', type: 'RecordType' },
  webLinks: { element: 'webLinks', suffix: '.webLink-meta.xml', type: 'WebLink' },
  fieldSets: { element: 'fieldSets', suffix: '.fieldSet-meta.xml', type: 'FieldSet' },
  compactLayouts: { element: 'compactLayouts', suffix: '.compactLayout-meta.xml', type: 'CompactLayout' },
  businessProcesses: { element: 'businessProcesses', suffix: '.businessProcess-meta.xml', type: 'BusinessProcess' },
  sharingReasons: { element: 'sharingReasons', suffix: '.sharingReason-meta.xml', type: 'SharingReason' },
  indexes: { element: 'indexes', suffix: '.index-meta.xml', type: 'Index' },
};

export class SourceConversionError extends Error {
  public constructor(
    public readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'SourceConversionError';
  }
}

/** The project root (the folder holding sfdx-project.json) at or above `dir`, if any. */
function projectRoot(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'sfdx-project.json'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

function ignorePatterns(root: string | undefined): string[] {
  const file = root ? path.join(root, '.forceignore') : undefined;
  if (!file || !fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

function sourceApiVersion(root: string | undefined): string {
  if (!root) return '66.0';
  const project = JSON.parse(fs.readFileSync(path.join(root, 'sfdx-project.json'), 'utf8')) as { sourceApiVersion?: string };
  return project.sourceApiVersion ?? '66.0';
}

/** The body of a source file's root element, re-rooted as `element` (for recomposing into a parent). */
function asChild(xml: string, root: string, element: string, file: string): string {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new SourceConversionError(file, `not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  const m = new RegExp(`<${root}(?:\\s[^>]*)?>([\\s\\S]*)</${root}>`).exec(xml);
  if (!m) throw new SourceConversionError(file, `expected a <${root}> root element`);
  return `    <${element}>${m[1].replace(/\s+$/, '')}\n    </${element}>\n`;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** path inside the package -> bytes, with package.xml, ready for deployFiles(). */
export function convertSource(sourceDir: string): Map<string, Buffer> {
  const root = projectRoot(sourceDir);
  const ignore = ignorePatterns(root);
  const base = root ?? path.resolve(sourceDir);
  const ignored = (full: string) => {
    const rel = path.relative(base, full).split(path.sep).join('/');
    return ignore.some((p) => path.matchesGlob(rel, p) || path.matchesGlob(rel, `**/${p}`));
  };
  if (!fs.existsSync(sourceDir)) throw new SourceConversionError(sourceDir, 'no such source directory');
  const all = (fs.readdirSync(sourceDir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => !ignored(f))
    .sort();

  const out = new Map<string, Buffer>();
  const members = new Map<string, Set<string>>();
  const member = (type: string, name: string) => members.set(type, (members.get(type) ?? new Set()).add(name));
  const objects = new Map<string, { own?: string; children: string[] }>();

  for (const file of all) {
    const parts = file.split(path.sep);
    const name = parts.at(-1)!;
    const lwcAt = parts.lastIndexOf('lwc');
    const objectsAt = parts.lastIndexOf('objects');
    if (lwcAt >= 0 && lwcAt === parts.length - 3) {
      const bundle = parts[lwcAt + 1];
      out.set(`lwc/${bundle}/${name}`, fs.readFileSync(file));
      member('LightningComponentBundle', bundle);
    } else if (lwcAt >= 0 && lwcAt < parts.length - 3) {
      const bundle = parts[lwcAt + 1];
      out.set(`lwc/${bundle}/${parts.slice(lwcAt + 2).join('/')}`, fs.readFileSync(file));
    } else if (name.endsWith('.permissionset-meta.xml') && parts.at(-2) === 'permissionsets') {
      const ps = name.slice(0, -'.permissionset-meta.xml'.length);
      out.set(`permissionsets/${ps}.permissionset`, fs.readFileSync(file));
      member('PermissionSet', ps);
    } else if (objectsAt >= 0 && name.endsWith('.object-meta.xml') && objectsAt === parts.length - 3) {
      const obj = parts[objectsAt + 1];
      const entry = objects.get(obj) ?? { children: [] };
      entry.own = fs.readFileSync(file, 'utf8');
      objects.set(obj, entry);
      member('CustomObject', obj);
    } else if (objectsAt >= 0 && objectsAt === parts.length - 4 && OBJECT_CHILDREN[parts.at(-2)!]) {
      const obj = parts[objectsAt + 1];
      const kind = OBJECT_CHILDREN[parts.at(-2)!];
      if (!name.endsWith(kind.suffix)) throw new SourceConversionError(file, `a file in ${parts.at(-2)}/ must end in ${kind.suffix}`);
      const root = kind.type === 'CustomField' ? 'CustomField' : kind.type!;
      const entry = objects.get(obj) ?? { children: [] };
      entry.children.push(asChild(fs.readFileSync(file, 'utf8'), root, kind.element, file));
      objects.set(obj, entry);
      member(kind.type!, `${obj}.${name.slice(0, -kind.suffix.length)}`);
    } else {
      throw new SourceConversionError(file, 'local-org deploys CustomObject (with its fields), PermissionSet and LightningComponentBundle source; this file is none of them');
    }
  }
  for (const [obj, entry] of objects) {
    const head = entry.own
      ? entry.own.replace(/<\/CustomObject>\s*$/, '')
      : '<?xml version="1.0" encoding="UTF-8"?>\n<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">\n';
    out.set(`objects/${obj}.object`, Buffer.from(`${head.replace(/\s+$/, '')}\n${entry.children.join('')}</CustomObject>\n`));
  }
  const types = [...members.keys()]
    .sort()
    .map((t) => `    <types>\n${[...members.get(t)!].sort().map((m) => `        <members>${escapeXml(m)}</members>\n`).join('')}        <name>${t}</name>\n    </types>\n`)
    .join('');
  out.set(
    'package.xml',
    Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="http://soap.sforce.com/2006/04/metadata">\n${types}    <version>${sourceApiVersion(root)}</version>\n</Package>\n`),
  );
  return out;
}
