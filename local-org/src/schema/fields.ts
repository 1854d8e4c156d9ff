// Builders for FieldDef so object definitions read like a field list, with every describe flag derived
// from a few facts (type, required, read-only) the way a real org derives them.
import type { FieldDef, FieldType, PicklistValue } from '../types.js';

export type FieldOptions = Partial<Omit<FieldDef, 'name' | 'type'>> & {
  /** Required on create: nillable false (unless defaulted). */
  required?: boolean;
  /** Neither createable nor updateable (system, formula and roll-up fields). */
  readOnly?: boolean;
  /** Createable but not updateable. */
  createOnly?: boolean;
};

const NUMERIC: ReadonlySet<FieldType> = new Set(['int', 'double', 'currency', 'percent']);
const TEXTUAL: ReadonlySet<FieldType> = new Set(['string', 'email', 'phone', 'url', 'picklist', 'combobox', 'id', 'reference']);

/** Turns "Account_Insight__c" / "AccountId" into a readable label when none is given. */
export function labelFromName(name: string): string {
  return name
    .replace(/__c$/, '')
    .replace(/Id$/, '')
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim();
}

export function field(name: string, type: FieldType, opts: FieldOptions = {}): FieldDef {
  const { required, readOnly, createOnly, ...rest } = opts;
  const isBool = type === 'boolean';
  const textArea = type === 'textarea';
  const defaultedOnCreate = rest.defaultedOnCreate ?? (isBool || rest.autoNumber === true);
  const createable = rest.createable ?? !(readOnly || rest.autoNumber || rest.calculated);
  const updateable = rest.updateable ?? !(readOnly || createOnly || rest.autoNumber || rest.calculated);
  const length = rest.length ?? (TEXTUAL.has(type) ? (type === 'id' || type === 'reference' ? 18 : 255) : textArea ? 32000 : 0);
  const def: FieldDef = {
    name,
    label: rest.label ?? labelFromName(name),
    type,
    length,
    precision: rest.precision ?? (type === 'currency' ? 18 : type === 'double' ? 18 : type === 'percent' ? 3 : 0),
    scale: rest.scale ?? (type === 'currency' ? 2 : 0),
    digits: rest.digits ?? (type === 'int' ? 9 : 0),
    nillable: rest.nillable ?? (!isBool && !required && type !== 'id'),
    createable,
    updateable,
    defaultedOnCreate,
    defaultValue: rest.defaultValue ?? (isBool ? false : null),
    custom: rest.custom ?? name.endsWith('__c'),
    externalId: rest.externalId ?? false,
    unique: rest.unique ?? false,
    caseSensitive: rest.caseSensitive ?? false,
    idLookup: rest.idLookup ?? (type === 'id' || rest.externalId === true || rest.nameField === true),
    nameField: rest.nameField ?? false,
    autoNumber: rest.autoNumber ?? false,
    calculated: rest.calculated ?? false,
    referenceTo: rest.referenceTo ?? [],
    relationshipName: rest.relationshipName ?? null,
    cascadeDelete: rest.cascadeDelete ?? false,
    restrictedDelete: rest.restrictedDelete ?? false,
    picklistValues: rest.picklistValues ?? [],
    restrictedPicklist: rest.restrictedPicklist ?? false,
    filterable: rest.filterable ?? (!textArea || length <= 255),
    sortable: rest.sortable ?? (!textArea || length <= 255),
    groupable: rest.groupable ?? (!textArea && !NUMERIC.has(type) && type !== 'datetime'),
    aggregatable: rest.aggregatable ?? !textArea,
  };
  if (rest.autoNumberFormat !== undefined) def.autoNumberFormat = rest.autoNumberFormat;
  if (rest.childRelationshipName !== undefined) def.childRelationshipName = rest.childRelationshipName;
  return def;
}

export function picklist(values: readonly string[], defaultValue?: string): PicklistValue[] {
  return values.map((value) => ({ value, label: value, active: true, defaultValue: value === defaultValue }));
}

/** Reference to one or more objects; `relationshipName` defaults to the name without the trailing Id. */
export function reference(name: string, referenceTo: string[], opts: FieldOptions = {}): FieldDef {
  return field(name, 'reference', {
    relationshipName: name.endsWith('Id') ? name.slice(0, -2) : null,
    ...opts,
    referenceTo,
  });
}

/** The audit fields every object has (all read-only; createable only with "Set Audit Fields"). */
export function systemFields(): FieldDef[] {
  return [
    field('IsDeleted', 'boolean', { readOnly: true, label: 'Deleted' }),
    field('CreatedDate', 'datetime', { readOnly: true, defaultedOnCreate: true, nillable: false, label: 'Created Date' }),
    reference('CreatedById', ['User'], { readOnly: true, defaultedOnCreate: true, nillable: false, label: 'Created By ID', relationshipName: 'CreatedBy' }),
    field('LastModifiedDate', 'datetime', { readOnly: true, defaultedOnCreate: true, nillable: false, label: 'Last Modified Date' }),
    reference('LastModifiedById', ['User'], { readOnly: true, defaultedOnCreate: true, nillable: false, label: 'Last Modified By ID', relationshipName: 'LastModifiedBy' }),
    field('SystemModstamp', 'datetime', { readOnly: true, defaultedOnCreate: true, nillable: false, label: 'System Modstamp' }),
  ];
}

export function idField(): FieldDef {
  return field('Id', 'id', { readOnly: true, defaultedOnCreate: true, label: 'Record ID', length: 18 });
}

export function ownerField(referenceTo: string[] = ['Group', 'User']): FieldDef {
  return reference('OwnerId', referenceTo, { label: 'Owner ID', defaultedOnCreate: true, relationshipName: 'Owner' });
}

/** Names of the audit fields that "Set Audit Fields upon Record Creation" lets an insert supply. */
export const AUDIT_FIELDS: ReadonlySet<string> = new Set(['createddate', 'createdbyid', 'lastmodifieddate', 'lastmodifiedbyid']);
