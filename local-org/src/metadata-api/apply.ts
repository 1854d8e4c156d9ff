// Writes a validated package into the org: objects and fields into the stored metadata (then the schema is
// rebuilt, adding tables and columns), permission sets as PermissionSet + ObjectPermissions +
// FieldPermissions rows through the normal DML path, and component bundles as stored files.
import { customKeyPrefix, list, text } from '../schema/metadata.js';
import { readComponents, writeComponent } from '../store/deployed-metadata.js';
import type { LocalOrgStore } from '../store/org-store.js';
import type { SfRecord } from '../types.js';
import type { MetadataPackage, PermissionSetComponent } from './package.js';

/** One deployed component as the deploy result reports it. */
export type Applied = { componentType: string; fullName: string; fileName: string; created: boolean; changed: boolean; id?: string };

const OBJECT_FLAGS: [element: string, column: string][] = [
  ['allowRead', 'PermissionsRead'],
  ['allowCreate', 'PermissionsCreate'],
  ['allowEdit', 'PermissionsEdit'],
  ['allowDelete', 'PermissionsDelete'],
  ['viewAllRecords', 'PermissionsViewAllRecords'],
  ['modifyAllRecords', 'PermissionsModifyAllRecords'],
];

/** What applying `pkg` would create or change, without changing anything (also the dry-run's answer). */
export function plannedComponents(store: LocalOrgStore, pkg: MetadataPackage): Applied[] {
  const out: Applied[] = [];
  // Stored content, compared as JSON, tells created from changed from unchanged (what the CLI's table shows).
  const stored = new Map<string, string>();
  for (const type of ['CustomObject', 'CustomField', 'PermissionSet', 'LightningComponentBundle'] as const) {
    for (const c of readComponents(store.db, type)) stored.set(`${type}#${c.fullName.toLowerCase()}`, JSON.stringify(type === 'CustomObject' ? (c.content as { object: unknown }).object : c.content));
  }
  const row = (componentType: string, fullName: string, fileName: string, content: unknown): Applied => {
    const was = stored.get(`${componentType}#${fullName.toLowerCase()}`);
    return { componentType, fullName, fileName, created: was === undefined, changed: was !== undefined && was !== JSON.stringify(content) };
  };
  for (const c of pkg.objects) {
    if (c.object) out.push(row('CustomObject', c.name, c.fileName, c.object));
    for (const f of c.fields) out.push(row('CustomField', `${c.name}.${text(f, 'fullName') ?? ''}`, c.fileName, f));
  }
  for (const p of pkg.permissionSets) out.push(row('PermissionSet', p.name, p.fileName, p.node));
  for (const b of pkg.bundles) out.push(row('LightningComponentBundle', b.name, b.fileName, { files: b.files }));
  return out;
}

function permissionSetId(store: LocalOrgStore, name: string): string | undefined {
  const row = store.db.prepare('SELECT Id FROM PermissionSet WHERE Name = ? COLLATE NOCASE AND IsDeleted = 0').get(name) as { Id: string } | undefined;
  return row?.Id;
}

/** Applies `pkg` in one transaction; a throw leaves the org as it was. */
export function applyPackage(store: LocalOrgStore, pkg: MetadataPackage): Applied[] {
  const planned = plannedComponents(store, pkg);
  return store.transaction(() => {
    const stored = readComponents(store.db, 'CustomObject');
    const used = new Set(stored.map((o) => o.content.keyPrefix));
    const prefixes = new Map(stored.map((o) => [o.fullName, o.content.keyPrefix]));
    let next = 0;
    for (const c of pkg.objects) {
      if (c.object && c.name.endsWith('__c')) {
        let prefix = prefixes.get(c.name);
        if (!prefix) {
          while (used.has(customKeyPrefix(next))) next++;
          prefix = customKeyPrefix(next);
          used.add(prefix);
        }
        writeComponent(store.db, { type: 'CustomObject', fullName: c.name, content: { keyPrefix: prefix, object: c.object } });
      }
      for (const f of c.fields) writeComponent(store.db, { type: 'CustomField', fullName: `${c.name}.${text(f, 'fullName') ?? ''}`, content: f });
    }
    for (const b of pkg.bundles) writeComponent(store.db, { type: 'LightningComponentBundle', fullName: b.name, content: { files: b.files } });
    for (const p of pkg.permissionSets) writeComponent(store.db, { type: 'PermissionSet', fullName: p.name, content: p.node });
    if (pkg.objects.length > 0) store.reloadSchema();
    const ids = new Map<string, string>();
    for (const p of pkg.permissionSets) ids.set(p.name, applyPermissionSet(store, p));
    return planned.map((a) => (a.componentType === 'PermissionSet' ? { ...a, id: ids.get(a.fullName) } : a));
  });
}

function ok(results: { success: boolean; id: string | null; errors: { message: string }[] }[], what: string): string[] {
  const bad = results.find((r) => !r.success);
  if (bad) throw new Error(`${what}: ${bad.errors.map((e) => e.message).join('; ')}`);
  return results.map((r) => r.id ?? '');
}

/**
 * Like a real org, a deployed permission set changes the permissions it lists and leaves the others as
 * they are; an entry granting nothing removes the row (a FieldPermissions row without Read is deleted).
 */
function applyPermissionSet(store: LocalOrgStore, p: PermissionSetComponent): string {
  const fields = { Label: text(p.node, 'label') ?? p.name, Description: text(p.node, 'description') ?? null };
  let id = permissionSetId(store, p.name);
  if (id) ok(store.update('PermissionSet', [{ Id: id, ...fields }], { allOrNone: true }), `PermissionSet ${p.name}`);
  else id = ok(store.insert('PermissionSet', [{ Name: p.name, ...fields }], { allOrNone: true }), `PermissionSet ${p.name}`)[0];

  const objectRows = new Map(
    (store.db.prepare('SELECT Id, SobjectType FROM ObjectPermissions WHERE ParentId = ? AND IsDeleted = 0').all(id) as { Id: string; SobjectType: string }[]).map((r) => [r.SobjectType.toLowerCase(), r.Id]),
  );
  for (const op of list(p.node.objectPermissions)) {
    const object = store.schema.get(text(op, 'object') ?? '')?.name ?? text(op, 'object') ?? '';
    const flags: SfRecord = {};
    for (const [el, column] of OBJECT_FLAGS) flags[column] = text(op, el) === 'true';
    upsertRow(store, 'ObjectPermissions', objectRows.get(object.toLowerCase()), { ParentId: id, SobjectType: object }, flags, flags.PermissionsRead === true);
  }
  const fieldRows = new Map(
    (store.db.prepare('SELECT Id, Field FROM FieldPermissions WHERE ParentId = ? AND IsDeleted = 0').all(id) as { Id: string; Field: string }[]).map((r) => [r.Field.toLowerCase(), r.Id]),
  );
  for (const fp of list(p.node.fieldPermissions)) {
    const qualified = text(fp, 'field') ?? '';
    const [objectName, fieldName] = qualified.split('.');
    const obj = store.schema.get(objectName);
    const fieldDef = obj?.fieldMap.get(fieldName.toLowerCase());
    const canonical = obj && fieldDef ? `${obj.name}.${fieldDef.name}` : qualified;
    const flags = { PermissionsRead: text(fp, 'readable') === 'true', PermissionsEdit: text(fp, 'editable') === 'true' };
    upsertRow(store, 'FieldPermissions', fieldRows.get(canonical.toLowerCase()), { ParentId: id, SobjectType: obj?.name ?? objectName, Field: canonical }, flags, flags.PermissionsRead);
  }
  return id;
}

function upsertRow(store: LocalOrgStore, object: string, existing: string | undefined, keys: SfRecord, flags: SfRecord, keep: boolean): void {
  if (existing && keep) ok(store.update(object, [{ Id: existing, ...flags }], { allOrNone: true }), object);
  else if (existing) ok(store.delete([existing], { allOrNone: true }), object);
  else if (keep) ok(store.insert(object, [{ ...keys, ...flags }], { allOrNone: true }), object);
}
