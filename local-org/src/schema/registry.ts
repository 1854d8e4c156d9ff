// The org's object registry: the standard objects every org has plus the custom objects (and custom
// fields of standard objects) deployed to it, with child relationships wired onto parents
// (Account.Opportunities, Account.Product_Recommendations__r, ...).
import type { ChildRelationship, FieldDef, ObjectDef, Schema } from '../types.js';
import type { CustomObjectSource } from './metadata.js';
import { permissionSetObjects } from './permission-sets.js';
import { serviceObjects } from './service-objects.js';
import { defineObject, standardObjects } from './standard-objects.js';

export type SchemaOptions = {
  /** Deployed custom objects; none in a blank org. */
  customObjects?: CustomObjectSource[];
  /** Deployed custom fields of standard objects, by object name (Account -> [Region__c, ...]). */
  standardObjectFields?: Map<string, FieldDef[]>;
};

/** A blank org's schema (standard objects only) plus whatever `opts` says was deployed. */
export function createSchema(opts: SchemaOptions = {}): Schema {
  const custom = opts.customObjects ?? [];
  const activityTargets = custom.filter((c) => c.enableActivities).map((c) => c.def.name);
  const standard = [...standardObjects(activityTargets), ...serviceObjects(), ...permissionSetObjects()].map((o) => withFields(o, opts.standardObjectFields?.get(o.name) ?? []));
  return schemaFromObjects([...standard, ...custom.map((c) => c.def)]);
}

function withFields(o: ObjectDef, extra: FieldDef[]): ObjectDef {
  if (extra.length === 0) return o;
  // Rebuilt through defineObject so fieldMap and the system-field order stay as for any other object.
  const own = o.fields.filter((f) => f.name !== 'Id' && !['IsDeleted', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp'].includes(f.name));
  const def = defineObject(o.name, o.keyPrefix, [...own, ...extra], { label: o.label, labelPlural: o.labelPlural, createable: o.createable, updateable: o.updateable, deletable: o.deletable });
  return { ...def, custom: o.custom, queryable: o.queryable };
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
