// Permission sets as an org holds them after Reco's metadata is deployed: PermissionSet rows named by the
// permissionsets/*.permissionset-meta.xml files, and PermissionSetAssignment rows linking users to them.
// Admins (and `sf reco org check`) query these to see what is deployed and who holds it.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { ObjectDef } from '../types.js';
import { field, reference } from './fields.js';
import { MetadataError } from './metadata.js';
import { defineObject } from './standard-objects.js';

export const PERMISSION_SET_KEY_PREFIXES = { PermissionSet: '0PS', PermissionSetAssignment: '0Pa' } as const;

export function permissionSetObjects(): ObjectDef[] {
  return [
    defineObject(
      'PermissionSet',
      PERMISSION_SET_KEY_PREFIXES.PermissionSet,
      [
        field('Name', 'string', { length: 80, required: true, unique: true, idLookup: true, label: 'Name' }),
        field('Label', 'string', { length: 80, required: true, nameField: true }),
        field('Description', 'string', { length: 255 }),
        field('IsOwnedByProfile', 'boolean', { readOnly: true, label: 'Is Owned By Profile' }),
        field('IsCustom', 'boolean', { readOnly: true, label: 'Custom', defaultValue: true }),
        field('NamespacePrefix', 'string', { length: 15, readOnly: true, label: 'Namespace Prefix' }),
      ],
      { label: 'Permission Set' },
    ),
    defineObject(
      'PermissionSetAssignment',
      PERMISSION_SET_KEY_PREFIXES.PermissionSetAssignment,
      [
        reference('AssigneeId', ['User'], { required: true, createOnly: true, label: 'Assignee ID', childRelationshipName: 'PermissionSetAssignments' }),
        reference('PermissionSetId', ['PermissionSet'], { required: true, createOnly: true, label: 'Permission Set ID', childRelationshipName: 'Assignments', cascadeDelete: true }),
      ],
      { label: 'Permission Set Assignment', updateable: false },
    ),
  ];
}

export type PermissionSetSource = { name: string; label: string; description: string | null };

/** Reads permissionsets/*.permissionset-meta.xml under an SFDX default directory. */
export function readPermissionSets(dir: string): PermissionSetSource[] {
  const folder = path.join(dir, 'permissionsets');
  if (!existsSync(folder)) return [];
  const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false });
  return readdirSync(folder)
    .filter((f) => f.endsWith('.permissionset-meta.xml'))
    .sort()
    .map((f) => {
      const file = path.join(folder, f);
      const doc = parser.parse(readFileSync(file, 'utf8')) as { PermissionSet?: { label?: string; description?: string } };
      if (!doc.PermissionSet?.label) throw new MetadataError(file, 'a PermissionSet needs a <label>');
      return { name: f.replace(/\.permissionset-meta\.xml$/, ''), label: doc.PermissionSet.label, description: doc.PermissionSet.description ?? null };
    });
}
