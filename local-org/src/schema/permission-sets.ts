// Permission sets as an org holds them: PermissionSet rows (one per deployed permission set), the
// ObjectPermissions and FieldPermissions rows that spell out what each grants, and PermissionSetAssignment
// rows linking users to them. All four are queryable sObjects in Salesforce under these names and fields;
// admins (and `sf reco org check`) query them to see what is deployed and who holds it.
import type { ObjectDef } from '../types.js';
import { field, reference } from './fields.js';
import { defineObject } from './standard-objects.js';

export const PERMISSION_SET_KEY_PREFIXES = {
  PermissionSet: '0PS',
  PermissionSetAssignment: '0Pa',
  ObjectPermissions: '110',
  FieldPermissions: '01k',
} as const;

const flag = (name: string, label: string) => field(name, 'boolean', { label });

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
    defineObject(
      'ObjectPermissions',
      PERMISSION_SET_KEY_PREFIXES.ObjectPermissions,
      [
        reference('ParentId', ['PermissionSet'], { required: true, createOnly: true, label: 'Parent ID', childRelationshipName: 'ObjectPerms', cascadeDelete: true }),
        field('SobjectType', 'string', { length: 40, required: true, createOnly: true, label: 'Sobject Type Name' }),
        flag('PermissionsRead', 'Read'),
        flag('PermissionsCreate', 'Create'),
        flag('PermissionsEdit', 'Edit'),
        flag('PermissionsDelete', 'Delete'),
        flag('PermissionsViewAllRecords', 'View All'),
        flag('PermissionsModifyAllRecords', 'Modify All'),
      ],
      { label: 'Object Permissions', labelPlural: 'Object Permissions' },
    ),
    defineObject(
      'FieldPermissions',
      PERMISSION_SET_KEY_PREFIXES.FieldPermissions,
      [
        reference('ParentId', ['PermissionSet'], { required: true, createOnly: true, label: 'Parent ID', childRelationshipName: 'FieldPerms', cascadeDelete: true }),
        field('SobjectType', 'string', { length: 40, required: true, createOnly: true, label: 'Sobject Type Name' }),
        field('Field', 'string', { length: 120, required: true, createOnly: true, label: 'Field Name' }),
        flag('PermissionsRead', 'Read Access'),
        flag('PermissionsEdit', 'Edit Access'),
      ],
      { label: 'Field Permissions', labelPlural: 'Field Permissions' },
    ),
  ];
}
