// The org's object registry: standard objects plus the custom objects from SFDX metadata, with child
// relationships wired onto parents (Account.Opportunities, Account.Product_Recommendations__r, ...).
import type { ChildRelationship, ObjectDef, Schema } from '../types.js';
import { DEFAULT_METADATA_DIR, readCustomObjects, type CustomObjectSource } from './metadata.js';
import { permissionSetObjects } from './permission-sets.js';
import { serviceObjects } from './service-objects.js';
import { standardObjects } from './standard-objects.js';

export type SchemaOptions = {
  /** Directory holding objects/<Name>__c/...; defaults to the repo's force-app/main/default. */
  metadataDir?: string;
  /** Use these custom objects instead of reading metadata (tests). */
  customObjects?: CustomObjectSource[];
};

export function createSchema(opts: SchemaOptions = {}): Schema {
  const custom = opts.customObjects ?? readCustomObjects(opts.metadataDir ?? DEFAULT_METADATA_DIR);
  const activityTargets = custom.filter((c) => c.enableActivities).map((c) => c.def.name);
  return schemaFromObjects([...standardObjects(activityTargets), ...serviceObjects(), ...permissionSetObjects(), ...custom.map((c) => c.def)]);
}

export function schemaFromObjects(objects: ObjectDef[]): Schema {
  const byName = new Map<string, ObjectDef>();
  const byPrefix = new Map<string, ObjectDef>();
  for (const o of objects) {
    if (byName.has(o.name.toLowerCase())) throw new Error(`object ${o.name} is defined twice`);
    if (byPrefix.has(o.keyPrefix)) throw new Error(`key prefix ${o.keyPrefix} of ${o.name} is already used by ${byPrefix.get(o.keyPrefix)?.name}`);
    byName.set(o.name.toLowerCase(), o);
    byPrefix.set(o.keyPrefix, o);
  }
  for (const o of objects) o.childRelationships = [];
  for (const child of objects) {
    for (const f of child.fields) {
      if (f.type !== 'reference') continue;
      for (const target of f.referenceTo) {
        const parent = byName.get(target.toLowerCase());
        if (!parent) continue; // e.g. Campaign, Group: not emulated
        const rel: ChildRelationship = {
          childSObject: child.name,
          field: f.name,
          relationshipName: f.childRelationshipName ?? null,
          cascadeDelete: f.cascadeDelete,
          restrictedDelete: f.restrictedDelete,
        };
        const clash = rel.relationshipName !== null && parent.childRelationships.find((r) => r.relationshipName?.toLowerCase() === rel.relationshipName?.toLowerCase());
        if (clash) throw new Error(`${parent.name} has two child relationships named ${rel.relationshipName} (${clash.childSObject}.${clash.field}, ${child.name}.${f.name})`);
        parent.childRelationships.push(rel);
      }
    }
  }
  for (const o of objects) o.childRelationships.sort((a, b) => a.childSObject.localeCompare(b.childSObject) || a.field.localeCompare(b.field));
  const list = [...objects].sort((a, b) => a.name.localeCompare(b.name));
  return {
    objects: () => list,
    get: (name) => byName.get(name.toLowerCase()),
    byKeyPrefix: (prefix) => byPrefix.get(prefix),
  };
}

/** Field lookup by any casing; undefined when the object has no such field. */
export function getField(obj: ObjectDef, name: string) {
  return obj.fieldMap.get(name.toLowerCase());
}
