// What record access depends on, read from what the org holds after its deploys (never from a source
// tree): each user's object permissions from the ObjectPermissions rows of the permission sets assigned to
// them, and from the deployed metadata each custom object's organization-wide default (sharingModel) and,
// for master-detail fields, whether read access to the master is enough to write the detail
// (writeRequiresMasterRead).
import type { Row } from '../store/context.js';
import type { Stored } from '../store/values.js';

export type ObjectPerms = { read: boolean; create: boolean; edit: boolean; delete: boolean; viewAll: boolean; modifyAll: boolean };
/** Organization-wide default, as the Metadata API spells it (Public Read Only = Read, Public Read/Write = ReadWrite). */
export type SharingModel = 'Private' | 'Read' | 'ReadWrite' | 'ControlledByParent';
export const SHARING_MODELS: readonly SharingModel[] = ['Private', 'Read', 'ReadWrite', 'ControlledByParent'];

/** Runs a read-only SQL query against the org's database (a DML context's `all`). */
export type Query = (sql: string, ...params: Stored[]) => Row[];

export type AccessModel = {
  /** Lower-cased custom object name -> its deployed organization-wide default. */
  sharing: Map<string, SharingModel>;
  /** Lower-cased "Object.Field" of every deployed master-detail field -> writeRequiresMasterRead. */
  masterRead: Map<string, boolean>;
};

const text = (node: unknown, key: string): string | undefined => {
  const v = (node as Record<string, unknown> | undefined)?.[key];
  return v === undefined || v === null || typeof v === 'object' ? undefined : String(v).trim();
};

/** Sharing models and master-detail settings as deployed (the _reco_metadata rows a deploy writes). */
export function deployedAccessModel(query: Query): AccessModel {
  const model: AccessModel = { sharing: new Map(), masterRead: new Map() };
  for (const r of query("SELECT fullName, content FROM _reco_metadata WHERE type = 'CustomObject'")) {
    const object = (JSON.parse(String(r.content)) as { object: unknown }).object;
    // The deploy validator requires <sharingModel> on custom objects; a stored value outside the four is
    // metadata no deploy accepted, so it is an error rather than a guess.
    const sharing = text(object, 'sharingModel') ?? 'ReadWrite';
    if (!SHARING_MODELS.includes(sharing as SharingModel)) throw new Error(`deployed CustomObject ${String(r.fullName)}: unsupported <sharingModel> "${sharing}"`);
    model.sharing.set(String(r.fullName).toLowerCase(), sharing as SharingModel);
  }
  for (const r of query("SELECT fullName, content FROM _reco_metadata WHERE type = 'CustomField'")) {
    const field = JSON.parse(String(r.content)) as unknown;
    if (text(field, 'type') !== 'MasterDetail') continue;
    model.masterRead.set(String(r.fullName).toLowerCase(), text(field, 'writeRequiresMasterRead') === 'true');
  }
  return model;
}

/** Lower-cased object name -> what the permission sets assigned to `userId` grant on it, added up. */
export function assignedObjectPermissions(query: Query, userId: string): Map<string, ObjectPerms> {
  const rows = query(
    `SELECT op."SobjectType" AS object, op."PermissionsRead" AS r, op."PermissionsCreate" AS c, op."PermissionsEdit" AS e,
            op."PermissionsDelete" AS d, op."PermissionsViewAllRecords" AS va, op."PermissionsModifyAllRecords" AS ma
       FROM "PermissionSetAssignment" a
       JOIN "PermissionSet" ps ON ps."Id" = a."PermissionSetId"
       JOIN "ObjectPermissions" op ON op."ParentId" = ps."Id"
      WHERE a."AssigneeId" = ? AND a."IsDeleted" = 0 AND ps."IsDeleted" = 0 AND op."IsDeleted" = 0`,
    userId,
  );
  const out = new Map<string, ObjectPerms>();
  for (const r of rows) {
    const key = String(r.object).toLowerCase();
    const p: ObjectPerms = { read: r.r === 1, create: r.c === 1, edit: r.e === 1, delete: r.d === 1, viewAll: r.va === 1, modifyAll: r.ma === 1 };
    const had = out.get(key);
    out.set(key, had ? union(had, p) : p);
  }
  return out;
}

/** Permissions held through several grants add up. */
export function union(a: ObjectPerms, b: ObjectPerms): ObjectPerms {
  return {
    read: a.read || b.read, create: a.create || b.create, edit: a.edit || b.edit, delete: a.delete || b.delete,
    viewAll: a.viewAll || b.viewAll, modifyAll: a.modifyAll || b.modifyAll,
  };
}
