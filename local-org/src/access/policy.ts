// Record access as Salesforce decides it for DML, reduced to what Reco's objects need: object permissions
// (profile + assigned permission sets), Modify All Data, View All / Modify All per object, the record owner,
// the organization-wide default, and master-detail children inheriting access from their master.
// Not modelled: role hierarchy, sharing rules, manual shares, teams, territories (every non-owner gets
// exactly the OWD), and read filtering of queries.
//
// The rules (Salesforce Help, "Object Permissions", "Organization-Wide Sharing Defaults", "Considerations
// for Relationships"):
// - a user edits a record only with Edit on its object AND Read/Write access to the record: owner, OWD
//   Public Read/Write, Modify All on the object or Modify All Data;
// - deleting needs Delete on the object and full access to the record (owner or Modify All), or for a
//   detail record, edit access to its master;
// - a master-detail child has no owner: creating, editing or deleting it needs Read/Write access to the
//   master record, or only Read when the field's Sharing Setting is Read Only (writeRequiresMasterRead);
// - setting a lookup needs read access to the record it points at.
import { fail } from '../store/values.js';
import type { AccessPolicy, DmlContext, Row } from '../store/context.js';
import { AUDIT_FIELDS } from '../schema/fields.js';
import type { FieldDef, ObjectDef } from '../types.js';
import { assignedObjectPermissions, deployedAccessModel, union, type AccessModel, type ObjectPerms, type SharingModel } from './model.js';
import { NO_ACCESS, STANDARD_USER_OBJECTS, SYSTEM_ADMINISTRATOR } from './profiles.js';

type Level = 0 | 1 | 2 | 3; // none, read, read/write, full (owner or Modify All)
const NONE = 0;
const READ = 1;
const EDIT = 2;
const FULL = 3;

type UserAccess = { modifyAllData: boolean; perms: (object: string) => ObjectPerms };

export type LocalAccessPolicy = AccessPolicy & {
  /** Changes a standard object's organization-wide default (Setup > Sharing Settings). A custom object's
   * comes from its deployed <sharingModel>. */
  setOrgWideDefault(object: string, model: Exclude<SharingModel, 'ControlledByParent'>): void;
};

/** Standard objects' defaults in a new org; their details (line items) are controlled by their master. */
const STANDARD_OWD: Partial<Record<string, SharingModel>> = { account: 'ReadWrite', contact: 'ControlledByParent', opportunity: 'ReadWrite', case: 'ReadWrite', task: 'Private', event: 'Private' };

// Salesforce's wording for both refusals (REST: HTTP 400, [{message, errorCode, fields: []}]).
function noAccess(): never {
  fail('INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id', []);
}
function noCrossReferenceAccess(id: string): never {
  fail('INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY', `insufficient access rights on cross-reference id: ${id}`, []);
}

/**
 * The policy reads everything it decides from the org itself (deployed metadata, ObjectPermissions rows,
 * assignments) through the DML context, and forgets it whenever the store says access inputs changed
 * (invalidate: a deploy rebuilt the schema, or users, permission sets, their object permissions or
 * assignments were written), so it follows redeploys and `sf org assign permset` alike.
 */
export function createAccessPolicy(): LocalAccessPolicy {
  const users = new Map<string, UserAccess>();
  let deployed: AccessModel | undefined;
  /** Setup's changes to standard objects' defaults. */
  const owdSettings = new Map<string, SharingModel>();

  const model = (ctx: DmlContext): AccessModel => (deployed ??= deployedAccessModel(ctx.all));
  const orgWideDefault = (ctx: DmlContext, object: string): SharingModel => {
    const key = object.toLowerCase();
    return model(ctx).sharing.get(key) ?? owdSettings.get(key) ?? STANDARD_OWD[key] ?? 'ReadWrite';
  };

  function userAccess(ctx: DmlContext): UserAccess {
    let u = users.get(ctx.userId);
    if (u) return u;
    const profile = ctx.get('SELECT p."Name" AS name FROM "User" u JOIN "Profile" p ON p."Id" = u."ProfileId" WHERE u."Id" = ?', ctx.userId);
    const assigned = assignedObjectPermissions(ctx.all, ctx.userId);
    // An unknown acting user (the org's own bootstrap) is the system.
    const modifyAllData = !profile || profile.name === SYSTEM_ADMINISTRATOR;
    u = {
      modifyAllData,
      perms(object) {
        const key = object.toLowerCase();
        return union(STANDARD_USER_OBJECTS.get(key) ?? NO_ACCESS, assigned.get(key) ?? NO_ACCESS);
      },
    };
    users.set(ctx.userId, u);
    return u;
  }

  /** The master-detail field of a detail object (it has no owner of its own), if any. */
  function masterField(ctx: DmlContext, obj: ObjectDef): FieldDef | undefined {
    if (obj.fieldMap.has('ownerid')) return undefined;
    // A custom object's master-detail field is what was deployed as MasterDetail (a required cascading
    // lookup looks the same in the schema); standard details (line items) have theirs built in.
    if (obj.custom) return obj.fields.find((f) => model(ctx).masterRead.has(`${obj.name}.${f.name}`.toLowerCase()));
    return obj.fields.find((f) => f.type === 'reference' && f.cascadeDelete && !f.nillable && !AUDIT_FIELDS.has(f.name.toLowerCase()));
  }
  const masterReadSuffices = (ctx: DmlContext, obj: ObjectDef, f: FieldDef): boolean => model(ctx).masterRead.get(`${obj.name}.${f.name}`.toLowerCase()) === true;

  /** The access `u` has to the (existing or proposed) record `row` of `obj`. */
  function level(ctx: DmlContext, u: UserAccess, obj: ObjectDef, row: Row): Level {
    if (u.modifyAllData) return FULL;
    const p = u.perms(obj.name);
    if (!p.read) return NONE;
    if (p.modifyAll) return FULL;
    const md = masterField(ctx, obj);
    if (md) {
      const master = masterLevel(ctx, u, obj, md, row[md.name]);
      const writable = master >= EDIT || (master >= READ && masterReadSuffices(ctx, obj, md));
      return writable ? (p.edit ? EDIT : READ) : master >= READ ? READ : NONE;
    }
    let l: Level;
    if (!obj.fieldMap.has('ownerid')) l = p.edit ? EDIT : READ; // no owner, no sharing: object permissions decide
    else if (row.OwnerId === ctx.userId) l = FULL;
    else {
      const sharing = orgWideDefault(ctx, obj.name);
      l = sharing === 'ReadWrite' ? EDIT : sharing === 'Read' ? READ : NONE;
    }
    if (p.viewAll && l < READ) l = READ;
    // Object permissions cap what sharing opens: Read/Write sharing without Edit is read access.
    return !p.edit && l > READ ? READ : l;
  }

  function masterLevel(ctx: DmlContext, u: UserAccess, obj: ObjectDef, md: FieldDef, id: unknown): Level {
    if (typeof id !== 'string' || !id) return NONE;
    const target = ctx.schema.get(md.referenceTo[0]);
    const row = target ? ctx.row(target.name, id) : undefined;
    return target && row ? level(ctx, u, target, row) : NONE;
  }

  /** Setting `f` to `id` needs read access to that record (edit, for the master of a detail). */
  function checkReference(ctx: DmlContext, u: UserAccess, obj: ObjectDef, f: FieldDef, id: unknown): void {
    if (typeof id !== 'string' || !id || AUDIT_FIELDS.has(f.name.toLowerCase()) || f.name === 'OwnerId') return;
    const md = masterField(ctx, obj);
    if (md && md.name === f.name) {
      const l = masterLevel(ctx, u, obj, md, id);
      if (!(l >= EDIT || (l >= READ && masterReadSuffices(ctx, obj, md)))) noCrossReferenceAccess(id);
      return;
    }
    for (const name of f.referenceTo) {
      const target = ctx.schema.get(name);
      const row = target ? ctx.row(target.name, id) : undefined;
      if (target && row) {
        if (level(ctx, u, target, row) < READ) noCrossReferenceAccess(id);
        return;
      }
    }
  }

  return {
    checkInsert(ctx, obj, vals) {
      const u = userAccess(ctx);
      if (u.modifyAllData) return;
      if (!u.perms(obj.name).create) noAccess();
      for (const f of obj.fields) if (f.type === 'reference' && vals[f.name] != null) checkReference(ctx, u, obj, f, vals[f.name]);
    },
    checkUpdate(ctx, obj, old, changes) {
      const u = userAccess(ctx);
      if (u.modifyAllData) return;
      if (!u.perms(obj.name).edit || level(ctx, u, obj, old) < EDIT) noAccess();
      for (const [name, v] of Object.entries(changes)) {
        const f = obj.fieldMap.get(name.toLowerCase());
        if (f?.type === 'reference' && v != null && v !== old[name]) checkReference(ctx, u, obj, f, v);
      }
    },
    checkDelete(ctx, obj, row) {
      const u = userAccess(ctx);
      if (u.modifyAllData) return;
      if (!u.perms(obj.name).delete) noAccess();
      const l = level(ctx, u, obj, row);
      if (l < (masterField(ctx, obj) ? EDIT : FULL)) noAccess();
    },
    invalidate() {
      users.clear();
      deployed = undefined;
    },
    setOrgWideDefault(object, sharing) {
      owdSettings.set(object.toLowerCase(), sharing);
    },
  };
}
