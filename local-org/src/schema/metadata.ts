// Reads custom objects from SFDX source format (objects/<Name>/<Name>.object-meta.xml plus
// fields/*.field-meta.xml) into ObjectDefs, so the local org serves exactly what the package deploys.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import type { FieldDef, ObjectDef } from '../types.js';
import { field, ownerField, picklist, reference } from './fields.js';
import { defineObject } from './standard-objects.js';

/** force-app/main/default of this repository. */
export const DEFAULT_METADATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../force-app/main/default');

export class MetadataError extends Error {
  public constructor(
    public readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'MetadataError';
  }
}

export type CustomObjectSource = {
  def: ObjectDef;
  /** enableActivities: Task/Event WhatId may point at it. */
  enableActivities: boolean;
};

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false, // keep "000123" and "true" as written; we convert per element
  trimValues: true,
  isArray: (name) => name === 'value',
});

type Xml = Record<string, unknown>;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** a00, a01, ... a0z, a10, ... in the order of the sorted object names. */
export function customKeyPrefix(index: number): string {
  if (index >= 62 * 62) throw new Error(`too many custom objects (${index + 1})`);
  return `a${BASE62[Math.floor(index / 62)]}${BASE62[index % 62]}`;
}

/** Reads every custom object under `<dir>/objects`; an absent directory means no custom objects. */
export function readCustomObjects(dir: string = DEFAULT_METADATA_DIR): CustomObjectSource[] {
  const objectsDir = path.join(dir, 'objects');
  if (!fs.existsSync(objectsDir)) return [];
  const names = fs
    .readdirSync(objectsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name.endsWith('__c'))
    .map((d) => d.name)
    .sort();
  return names.map((name, i) => readObject(path.join(objectsDir, name), name, customKeyPrefix(i)));
}

function parseFile(file: string, root: string): Xml {
  let doc: Xml;
  try {
    doc = parser.parse(fs.readFileSync(file, 'utf8'), true) as Xml;
  } catch (err) {
    throw new MetadataError(file, `malformed XML: ${(err as Error).message}`);
  }
  const body = doc[root];
  if (body === undefined || typeof body !== 'object' || body === null) {
    throw new MetadataError(file, `expected a <${root}> root element`);
  }
  return body as Xml;
}

function text(node: Xml, key: string): string | undefined {
  const v = node[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'object') return undefined;
  return String(v);
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

function readObject(dir: string, name: string, keyPrefix: string): CustomObjectSource {
  const file = path.join(dir, `${name}.object-meta.xml`);
  if (!fs.existsSync(file)) throw new MetadataError(file, 'object directory has no object-meta.xml');
  const obj = parseFile(file, 'CustomObject');
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

  const fieldsDir = path.join(dir, 'fields');
  const fieldFiles = fs.existsSync(fieldsDir)
    ? fs.readdirSync(fieldsDir).filter((f) => f.endsWith('.field-meta.xml')).sort()
    : [];
  const custom = fieldFiles.map((f) => readField(path.join(fieldsDir, f)));
  // Master-detail children inherit sharing (and ownership) from the master: no OwnerId.
  const controlledByParent = text(obj, 'sharingModel') === 'ControlledByParent';
  const own = [...(controlledByParent ? [] : [ownerField()]), nameField, ...custom];
  const def = defineObject(name, keyPrefix, own, { label, labelPlural: need(obj, 'pluralLabel', file) });
  return { def, enableActivities: bool(obj, 'enableActivities', file) };
}

function readField(file: string): FieldDef {
  const node = parseFile(file, 'CustomField');
  const name = need(node, 'fullName', file);
  const expected = path.basename(file, '.field-meta.xml');
  if (name !== expected) throw new MetadataError(file, `<fullName>${name}</fullName> does not match the file name ${expected}`);
  if (!name.endsWith('__c')) throw new MetadataError(file, `custom field name "${name}" must end in __c`);
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
      if (length === undefined) throw new MetadataError(file, 'missing <length>');
      if (length < 1 || length > 255) throw new MetadataError(file, `<length> must be 1..255 for ${type}, got ${length}`);
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
    case 'Html': {
      const length = int(node, 'length', file);
      if (length === undefined) throw new MetadataError(file, 'missing <length>');
      return field(name, 'textarea', { ...common, length });
    }
    case 'Number':
    case 'Currency':
    case 'Percent': {
      const precision = int(node, 'precision', file) ?? 18;
      const scale = int(node, 'scale', file) ?? 0;
      if (scale > precision) throw new MetadataError(file, `<scale> ${scale} exceeds <precision> ${precision}`);
      const t = type === 'Number' ? 'double' : type === 'Currency' ? 'currency' : 'percent';
      return field(name, t, {
        ...common,
        precision,
        scale,
        externalId: bool(node, 'externalId', file),
        unique: bool(node, 'unique', file),
      });
    }
    case 'Checkbox': {
      const dv = text(node, 'defaultValue') ?? 'false';
      if (dv !== 'true' && dv !== 'false') throw new MetadataError(file, `Checkbox <defaultValue> must be true or false, got "${dv}"`);
      return field(name, 'boolean', { label, custom: true, defaultValue: dv === 'true' });
    }
    case 'Date':
      return field(name, 'date', common);
    case 'DateTime':
      return field(name, 'datetime', common);
    case 'Picklist':
    case 'MultiselectPicklist':
      return readPicklist(node, file, name, type === 'Picklist' ? 'picklist' : 'multipicklist', common);
    case 'Lookup':
    case 'MasterDetail':
      return readRelationship(node, file, name, label, type === 'MasterDetail', required);
    case 'AutoNumber': {
      const fmt = need(node, 'displayFormat', file);
      return field(name, 'string', { label, custom: true, length: 30, autoNumber: true, autoNumberFormat: fmt, externalId: bool(node, 'externalId', file) });
    }
    default:
      throw new MetadataError(file, `unsupported field type "${type}"`);
  }
}

function readPicklist(node: Xml, file: string, name: string, type: 'picklist' | 'multipicklist', common: { label: string; required: boolean; custom: boolean }): FieldDef {
  const valueSet = node.valueSet as Xml | undefined;
  const definition = valueSet?.valueSetDefinition as Xml | undefined;
  const values = (definition?.value as Xml[] | undefined) ?? [];
  if (!valueSet || values.length === 0) throw new MetadataError(file, 'picklist has no <valueSet><valueSetDefinition><value> entries');
  const names: string[] = [];
  let defaultValue: string | undefined;
  for (const v of values) {
    const fullName = need(v, 'fullName', file);
    if (names.includes(fullName)) throw new MetadataError(file, `duplicate picklist value "${fullName}"`);
    names.push(fullName);
    if (bool(v, 'default', file)) {
      if (defaultValue !== undefined) throw new MetadataError(file, 'more than one default picklist value');
      defaultValue = fullName;
    }
  }
  const values2 = picklist(names, defaultValue);
  values.forEach((v, i) => (values2[i].label = text(v, 'label') ?? names[i]));
  return field(name, type, {
    ...common,
    picklistValues: values2,
    restrictedPicklist: bool(valueSet, 'restricted', file),
    defaultValue: defaultValue ?? null,
    defaultedOnCreate: defaultValue !== undefined,
  });
}

function readRelationship(node: Xml, file: string, name: string, label: string, masterDetail: boolean, required: boolean): FieldDef {
  const target = need(node, 'referenceTo', file);
  const relName = need(node, 'relationshipName', file);
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(relName) || relName.endsWith('__r')) {
    throw new MetadataError(file, `<relationshipName> "${relName}" must be a plain API name without __r`);
  }
  const constraint = text(node, 'deleteConstraint') ?? (masterDetail ? undefined : 'SetNull');
  if (masterDetail && constraint !== undefined) throw new MetadataError(file, 'MasterDetail fields take no <deleteConstraint>');
  if (constraint !== undefined && !['SetNull', 'Restrict', 'Cascade'].includes(constraint)) {
    throw new MetadataError(file, `<deleteConstraint> must be SetNull, Restrict or Cascade, got "${constraint}"`);
  }
  if (constraint === 'SetNull' && required) throw new MetadataError(file, 'a required lookup cannot use deleteConstraint SetNull');
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
