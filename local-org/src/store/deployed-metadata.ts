// The metadata deployed to the org, kept in its SQLite file beside the records (so a --db org reopens
// with the same schema): one row per component, the schema rebuilt from the CustomObject and CustomField
// rows. Only a deploy (metadata-api/) writes here.
import type { DatabaseSync } from 'node:sqlite';
import { customFieldDef, customObjectDef, type DeployedObject, type Xml } from '../schema/metadata.js';
import { createSchema } from '../schema/registry.js';
import type { FieldDef, Schema } from '../types.js';

export type ComponentType = 'CustomObject' | 'CustomField' | 'PermissionSet' | 'LightningComponentBundle';

/** CustomObject: the object's element without <fields> and its key prefix; CustomField: the <fields>
 * element; PermissionSet: its element as deployed (the grants themselves live in ObjectPermissions and
 * FieldPermissions rows); LightningComponentBundle: the bundle's files (path inside the bundle -> text). */
export type StoredComponent =
  | { type: 'CustomObject'; fullName: string; content: { keyPrefix: string; object: Xml } }
  | { type: 'CustomField'; fullName: string; content: Xml }
  | { type: 'PermissionSet'; fullName: string; content: Xml }
  | { type: 'LightningComponentBundle'; fullName: string; content: { files: Record<string, string> } };

export function ensureMetadataTable(db: DatabaseSync): void {
  db.exec('CREATE TABLE IF NOT EXISTS _reco_metadata (type TEXT NOT NULL, fullName TEXT NOT NULL, content TEXT NOT NULL, PRIMARY KEY (type, fullName))');
}

export function readComponents<T extends ComponentType>(db: DatabaseSync, type: T): Extract<StoredComponent, { type: T }>[] {
  const rows = db.prepare('SELECT fullName, content FROM _reco_metadata WHERE type = ? ORDER BY fullName').all(type) as { fullName: string; content: string }[];
  return rows.map((r) => ({ type, fullName: r.fullName, content: JSON.parse(r.content) }) as Extract<StoredComponent, { type: T }>);
}

export function writeComponent(db: DatabaseSync, c: StoredComponent): void {
  db.prepare('INSERT INTO _reco_metadata (type, fullName, content) VALUES (?, ?, ?) ON CONFLICT(type, fullName) DO UPDATE SET content = excluded.content').run(
    c.type,
    c.fullName,
    JSON.stringify(c.content),
  );
}

/** The deployed custom objects with their fields, and the deployed custom fields of standard objects. */
export function deployedObjects(db: DatabaseSync): { objects: DeployedObject[]; standardFields: Map<string, Xml[]> } {
  const objects = new Map<string, DeployedObject>();
  for (const o of readComponents(db, 'CustomObject')) objects.set(o.fullName, { name: o.fullName, keyPrefix: o.content.keyPrefix, object: o.content.object, fields: [] });
  const standardFields = new Map<string, Xml[]>();
  for (const f of readComponents(db, 'CustomField')) {
    const objectName = f.fullName.slice(0, f.fullName.indexOf('.'));
    const owner = objects.get(objectName);
    if (owner) owner.fields.push(f.content);
    else standardFields.set(objectName, [...(standardFields.get(objectName) ?? []), f.content]);
  }
  return { objects: [...objects.values()], standardFields };
}

/** The schema the org serves: standard objects plus what was deployed. */
export function deployedSchema(db: DatabaseSync): Schema {
  const { objects, standardFields } = deployedObjects(db);
  const extra = new Map<string, FieldDef[]>();
  for (const [object, nodes] of standardFields) extra.set(object, nodes.map((n) => customFieldDef(n, `objects/${object}.object`)));
  return createSchema({ customObjects: objects.map(customObjectDef), standardObjectFields: extra });
}
