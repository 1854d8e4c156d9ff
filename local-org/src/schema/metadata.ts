// Turns deployed CustomObject / CustomField metadata (the metadata-format XML a deploy carries, parsed by
// fast-xml-parser with every value kept as text) into ObjectDefs, so the org serves exactly what was
// deployed. The deploy validates first (metadata-api/validate.ts); the errors here only guard against
// stored metadata that could never have passed it.
import type { FieldDef, ObjectDef } from '../types.js';
import { field, ownerField, picklist, reference } from './fields.js';
import { defineObject } from './standard-objects.js';

export class MetadataError extends Error {
  public constructor(
    public readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'MetadataError';
  }
}

/** A parsed metadata element: child element name -> text, nested element or list of them. */
export type Xml = Record<string, unknown>;

/** A deployed custom object: its own element (no <fields>) and its fields, each a <fields> element. */
export type DeployedObject = { name: string; keyPrefix: string; object: Xml; fields: Xml[] };

export type CustomObjectSource = {
  def: ObjectDef;
  /** enableActivities: Task/Event WhatId may point at it. */
  enableActivities: boolean;
};

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** a00, a01, ... a0z, a10, ...: the n-th custom object deployed to the org. */
export function customKeyPrefix(index: number): string {
  if (index >= 62 * 62) throw new Error(`too many custom objects (${index + 1})`);
  return `a${BASE62[Math.floor(index / 62)]}${BASE62[index % 62]}`;
}

export function text(node: Xml | undefined, key: string): string | undefined {
  const v = node?.[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'object') return undefined;
  return String(v).trim();
}

/** Elements that may repeat, as a list whether the XML had one or many. */
export function list(value: unknown): Xml[] {
  return (Array.isArray(value) ? value : value === undefined || value === null || value === '' ? [] : [value]) as Xml[];
}

function bool(node: Xml, key: string, file: string, fallback = false): boolean {
  const v = text(node, key);
  if (v === undefined) return fallback;
  if (v !== 'true' && v !== 'false') throw new MetadataError(file, `<${key}> must be true or false, got "${v}"`);
  return v === 'true';
}

function int(node: Xml, key: string, file: string): number | undefined {
  const v = text(node, key);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new MetadataError(file, `<${key}> must be a whole number, got "${v}"`);
  return Number(v);
}

function need(node: Xml, key: string, file: string): string {
  const v = text(node, key);
  if (v === undefined) throw new MetadataError(file, `missing <${key}>`);
  return v;
}

/** The ObjectDef of a deployed custom object. */
export function customObjectDef(o: DeployedObject): CustomObjectSource {
  const file = `objects/${o.name}.object`;
  const obj = o.object;
  const label = need(obj, 'label', file);
  const nameNode = obj.nameField as Xml | undefined;
  if (!nameNode || typeof nameNode !== 'object') throw new MetadataError(file, 'missing <nameField>');
  const nameType = need(nameNode, 'type', file);
  let nameField: FieldDef;
  if (nameType === 'AutoNumber') {
    nameField = field('Name', 'string', {
      length: 80,
      label: need(nameNode, 'label', file),
      nameField: true,
      autoNumber: true,
      autoNumberFormat: need(nameNode, 'displayFormat', file),
      nillable: false,
    });
  } else if (nameType === 'Text') {
    nameField = field('Name', 'string', { length: 80, label: need(nameNode, 'label', file), nameField: true, defaultedOnCreate: true });
  } else {
    throw new MetadataError(file, `unsupported nameField type "${nameType}" (Text or AutoNumber)`);
  }
  const custom = [...o.fields].sort((a, b) => String(a.fullName).localeCompare(String(b.fullName))).map((f) => customFieldDef(f, file));
  // Master-detail children inherit sharing (and ownership) from the master: no OwnerId.
  const controlledByParent = text(obj, 'sharingModel') === 'ControlledByParent';
  const own = [...(controlledByParent ? [] : [ownerField()]), nameField, ...custom];
  const def = defineObject(o.name, o.keyPrefix, own, { label, labelPlural: need(obj, 'pluralLabel', file) });
  return { def, enableActivities: bool(obj, 'enableActivities', file) };
}

/** The FieldDef of one deployed <fields> element (custom fields of standard objects too). */
export function customFieldDef(node: Xml, file: string): FieldDef {
  const name = need(node, 'fullName', file);
  const label = need(node, 'label', file);
  const type = need(node, 'type', file);
  const required = bool(node, 'required', file);
  const common = { label, required, custom: true };
  switch (type) {
    case 'Text':
    case 'Email':
    case 'Phone':
    case 'Url': {
      const length = int(node, 'length', file) ?? (type === 'Text' ? undefined : 255);
      if (length === undefined) throw new MetadataError(file, `${name}: missing <length>`);
      return field(name, type === 'Text' ? 'string' : (type.toLowerCase() as 'email' | 'phone' | 'url'), {
        ...common,
        length,
        externalId: bool(node, 'externalId', file),
        unique: bool(node, 'unique', file),
        caseSensitive: bool(node, 'caseSensitive', file),
      });
    }
    case 'TextArea':
      return field(name, 'textarea', { ...common, length: 255 });
    case 'LongTextArea':
    case 'Html':
      return field(name, 'textarea', { ...common, length: int(node, 'length', file) ?? 32768 });
    case 'Number':
    case 'Currency':
    case 'Percent': {
      const precision = int(node, 'precision', file) ?? 18;
      const scale = int(node, 'scale', file) ?? 0;
      const t = type === 'Number' ? 'double' : type === 'Currency' ? 'currency' : 'percent';
      return field(name, t, { ...common, precision, scale, externalId: bool(node, 'externalId', file), unique: bool(node, 'unique', file) });
    }
    case 'Checkbox':
      return field(name, 'boolean', { label, custom: true, defaultValue: text(node, 'defaultValue') === 'true' });
    case 'Date':
      return field(name, 'date', common);
    case 'DateTime':
      return field(name, 'datetime', common);
    case 'Time':
      return field(name, 'time', common);
    case 'Picklist':
    case 'MultiselectPicklist':
      return picklistDef(node, file, name, type === 'Picklist' ? 'picklist' : 'multipicklist', common);
    case 'Lookup':
    case 'MasterDetail':
      return relationshipDef(node, file, name, label, type === 'MasterDetail', required);
    case 'AutoNumber':
      return field(name, 'string', { label, custom: true, length: 30, autoNumber: true, autoNumberFormat: need(node, 'displayFormat', file), externalId: bool(node, 'externalId', file) });
    default:
      throw new MetadataError(file, `${name}: unsupported field type "${type}"`);
  }
}

/** The picklist values of a <valueSet>, in order. */
export function picklistValues(node: Xml): Xml[] {
  const definition = (node.valueSet as Xml | undefined)?.valueSetDefinition as Xml | undefined;
  return list(definition?.value);
}

function picklistDef(node: Xml, file: string, name: string, type: 'picklist' | 'multipicklist', common: { label: string; required: boolean; custom: boolean }): FieldDef {
  const values = picklistValues(node);
  const names = values.map((v) => need(v, 'fullName', file));
  const defaultValue = values.find((v) => text(v, 'default') === 'true');
  const entries = picklist(names, defaultValue ? text(defaultValue, 'fullName') : undefined);
  values.forEach((v, i) => (entries[i].label = text(v, 'label') ?? names[i]));
  return field(name, type, {
    ...common,
    picklistValues: entries,
    restrictedPicklist: text(node.valueSet as Xml, 'restricted') === 'true',
    defaultValue: defaultValue ? (text(defaultValue, 'fullName') ?? null) : null,
    defaultedOnCreate: defaultValue !== undefined,
  });
}

function relationshipDef(node: Xml, file: string, name: string, label: string, masterDetail: boolean, required: boolean): FieldDef {
  const target = need(node, 'referenceTo', file);
  const relName = need(node, 'relationshipName', file);
  const constraint = text(node, 'deleteConstraint') ?? (masterDetail ? undefined : 'SetNull');
  return reference(name, [target], {
    label,
    custom: true,
    required: masterDetail || required,
    relationshipName: `${name.slice(0, -3)}__r`,
    childRelationshipName: `${relName}__r`,
    cascadeDelete: masterDetail || constraint === 'Cascade',
    restrictedDelete: constraint === 'Restrict',
    // Master-detail children cannot be reparented unless reparentableMasterDetail is set.
    updateable: !masterDetail || bool(node, 'reparentableMasterDetail', file),
  });
}
