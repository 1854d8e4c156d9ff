// What record access depends on, read from the SFDX source the org serves: each permission set's object
// permissions, each custom object's organization-wide default (sharingModel) and, for master-detail fields,
// whether read access to the master is enough to write the detail (writeRequiresMasterRead).
// (Until local-org deploys metadata through the Metadata API, the source tree is what "deployed" means here,
// as for the PermissionSet rows; the deploy path should hand over the same three things.)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { MetadataError } from '../schema/metadata.js';

export type ObjectPerms = { read: boolean; create: boolean; edit: boolean; delete: boolean; viewAll: boolean; modifyAll: boolean };
/** Organization-wide default, as the Metadata API spells it (Public Read Only = Read, Public Read/Write = ReadWrite). */
export type SharingModel = 'Private' | 'Read' | 'ReadWrite' | 'ControlledByParent';
export const SHARING_MODELS: readonly SharingModel[] = ['Private', 'Read', 'ReadWrite', 'ControlledByParent'];

export type AccessModel = {
  /** Permission set name -> lower-cased object name -> permissions. */
  permissionSets: Map<string, Map<string, ObjectPerms>>;
  /** Lower-cased custom object name -> its organization-wide default. */
  sharing: Map<string, SharingModel>;
  /** Lower-cased "Object.Field" of master-detail fields -> writeRequiresMasterRead. */
  masterRead: Map<string, boolean>;
};

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, isArray: (name) => name === 'objectPermissions' });
const bool = (v: unknown): boolean => String(v) === 'true';

function parse(file: string): Record<string, unknown> {
  try {
    return parser.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new MetadataError(file, `not well-formed XML: ${(err as Error).message}`);
  }
}

export function readAccessModel(dir: string): AccessModel {
  const model: AccessModel = { permissionSets: new Map(), sharing: new Map(), masterRead: new Map() };
  const psDir = path.join(dir, 'permissionsets');
  if (existsSync(psDir)) {
    for (const f of readdirSync(psDir).filter((n) => n.endsWith('.permissionset-meta.xml')).sort()) {
      const doc = parse(path.join(psDir, f)).PermissionSet as { objectPermissions?: Array<Record<string, unknown>> } | undefined;
      const perms = new Map<string, ObjectPerms>();
      for (const p of doc?.objectPermissions ?? []) {
        perms.set(String(p.object).toLowerCase(), {
          read: bool(p.allowRead), create: bool(p.allowCreate), edit: bool(p.allowEdit), delete: bool(p.allowDelete),
          viewAll: bool(p.viewAllRecords), modifyAll: bool(p.modifyAllRecords),
        });
      }
      model.permissionSets.set(f.replace(/\.permissionset-meta\.xml$/, ''), perms);
    }
  }
  const objDir = path.join(dir, 'objects');
  if (existsSync(objDir)) {
    for (const name of readdirSync(objDir).sort()) {
      const objFile = path.join(objDir, name, `${name}.object-meta.xml`);
      if (!existsSync(objFile)) continue;
      const sharing = String((parse(objFile).CustomObject as Record<string, unknown> | undefined)?.sharingModel ?? 'ReadWrite');
      if (!SHARING_MODELS.includes(sharing as SharingModel)) throw new MetadataError(objFile, `unsupported <sharingModel> "${sharing}"`);
      model.sharing.set(name.toLowerCase(), sharing as SharingModel);
      const fieldsDir = path.join(objDir, name, 'fields');
      if (!existsSync(fieldsDir)) continue;
      for (const f of readdirSync(fieldsDir).filter((n) => n.endsWith('.field-meta.xml'))) {
        const field = parse(path.join(fieldsDir, f)).CustomField as Record<string, unknown> | undefined;
        if (field?.type !== 'MasterDetail') continue;
        model.masterRead.set(`${name}.${f.replace(/\.field-meta\.xml$/, '')}`.toLowerCase(), bool(field.writeRequiresMasterRead));
      }
    }
  }
  return model;
}
