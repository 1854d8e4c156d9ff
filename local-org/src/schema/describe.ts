// describeGlobal and describe (DescribeSObjectResult) JSON with every key jsforce and the SF CLI read
// (facts sheet §4.2); values that do not apply to a local org get the defaults a Developer org shows.
import type { ChildRelationship, FieldDef, FieldType, ObjectDef, Schema } from '../types.js';

const SOAP_TYPES: Record<FieldType, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  picklist: 'xsd:string',
  multipicklist: 'xsd:string',
  combobox: 'xsd:string',
  email: 'xsd:string',
  phone: 'xsd:string',
  url: 'xsd:string',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  time: 'xsd:time',
};

/** "60.0", "v60.0" -> "60.0". */
export function normaliseApiVersion(version: string): string {
  const v = version.replace(/^v/, '');
  if (!/^\d+\.\d$/.test(v)) throw new Error(`bad API version "${version}" (expected e.g. 60.0)`);
  return v;
}

function objectUrls(obj: ObjectDef, version: string, full: boolean): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${obj.name}`;
  const urls: Record<string, string> = {
    compactLayouts: `${base}/describe/compactLayouts`,
    rowTemplate: `${base}/{ID}`,
    approvalLayouts: `${base}/describe/approvalLayouts`,
    uiDetailTemplate: `/{ID}`,
    uiEditTemplate: `/{ID}/e`,
    defaultValues: `${base}/defaultValues?recordTypeId&fields`,
    listviews: `${base}/listviews`,
    describe: `${base}/describe`,
    uiNewRecord: `/${obj.keyPrefix}/e`,
    quickActions: `${base}/quickActions`,
    layouts: `${base}/describe/layouts`,
    sobject: base,
  };
  // describeGlobal entries carry only these four.
  if (!full) return { rowTemplate: urls.rowTemplate, defaultValues: urls.defaultValues, describe: urls.describe, sobject: urls.sobject };
  return urls;
}

/** The keys shared by a describeGlobal entry and the top level of a full describe. */
function objectSummary(obj: ObjectDef, version: string, full: boolean): Record<string, unknown> {
  return {
    activateable: false,
    associateEntityType: null,
    associateParentEntity: null,
    createable: obj.createable,
    custom: obj.custom,
    customSetting: false,
    deepCloneable: false,
    deletable: obj.deletable,
    deprecatedAndHidden: false,
    feedEnabled: false,
    hasSubtypes: false,
    idEnabled: true,
    isInterface: false,
    isSubtype: false,
    keyPrefix: obj.keyPrefix,
    label: obj.label,
    labelPlural: obj.labelPlural,
    layoutable: true,
    mergeable: obj.name === 'Account' || obj.name === 'Contact',
    mruEnabled: true,
    name: obj.name,
    queryable: obj.queryable,
    replicateable: true,
    retrieveable: true,
    searchable: true,
    triggerable: true,
    undeletable: obj.deletable,
    updateable: obj.updateable,
    urls: objectUrls(obj, version, full),
  };
}

export function describeGlobal(schema: Schema, version: string): Record<string, unknown> {
  const v = normaliseApiVersion(version);
  return { encoding: 'UTF-8', maxBatchSize: 200, sobjects: schema.objects().map((o) => objectSummary(o, v, false)) };
}

export function describeField(f: FieldDef): Record<string, unknown> {
  const textual = f.length > 0;
  return {
    aggregatable: f.aggregatable,
    aiPredictionField: false,
    autoNumber: f.autoNumber,
    byteLength: textual ? f.length * 3 : 0,
    calculated: f.calculated,
    calculatedFormula: null,
    cascadeDelete: f.cascadeDelete,
    caseSensitive: f.caseSensitive,
    compoundFieldName: null,
    controllerName: null,
    createable: f.createable,
    custom: f.custom,
    defaultValue: f.defaultValue,
    defaultValueFormula: null,
    defaultedOnCreate: f.defaultedOnCreate,
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: f.digits,
    displayLocationInDecimal: false,
    encrypted: false,
    externalId: f.externalId,
    extraTypeInfo: f.type === 'textarea' ? (f.length > 255 ? 'plaintextarea' : null) : null,
    filterable: f.filterable,
    filteredLookupInfo: null,
    formulaTreatNullNumberAsZero: false,
    groupable: f.groupable,
    highScaleNumber: false,
    htmlFormatted: false,
    idLookup: f.idLookup,
    inlineHelpText: null,
    label: f.label,
    length: f.length,
    mask: null,
    maskType: null,
    name: f.name,
    nameField: f.nameField,
    namePointing: f.referenceTo.length > 1,
    nillable: f.nillable,
    permissionable: f.custom && f.nillable,
    picklistValues: f.picklistValues.map((p) => ({ active: p.active, defaultValue: p.defaultValue, label: p.label, validFor: null, value: p.value })),
    polymorphicForeignKey: f.referenceTo.length > 1,
    precision: f.precision,
    queryByDistance: false,
    referenceTargetField: null,
    referenceTo: f.referenceTo,
    relationshipName: f.relationshipName,
    relationshipOrder: f.custom && f.type === 'reference' && f.cascadeDelete && !f.nillable ? 0 : null,
    restrictedDelete: f.restrictedDelete,
    restrictedPicklist: f.restrictedPicklist,
    scale: f.scale,
    searchPrefilterable: false,
    soapType: SOAP_TYPES[f.type],
    sortable: f.sortable,
    type: f.type,
    unique: f.unique,
    updateable: f.updateable,
    writeRequiresMasterRead: false,
  };
}

function describeChild(r: ChildRelationship): Record<string, unknown> {
  return {
    cascadeDelete: r.cascadeDelete,
    childSObject: r.childSObject,
    deprecatedAndHidden: false,
    field: r.field,
    junctionIdListNames: [],
    junctionReferenceTo: [],
    relationshipName: r.relationshipName,
    restrictedDelete: r.restrictedDelete,
  };
}

/** The Master record type every object reports even without record types. */
export const MASTER_RECORD_TYPE_ID = '012000000000000AAA';

/** Full describe of one object; undefined when the schema has no such object. */
export function describeSObject(schema: Schema, name: string, version: string): Record<string, unknown> | undefined {
  const obj = schema.get(name);
  if (!obj) return undefined;
  const v = normaliseApiVersion(version);
  return {
    actionOverrides: [],
    ...objectSummary(obj, v, true),
    childRelationships: obj.childRelationships.map(describeChild),
    compactLayoutable: true,
    defaultImplementation: null,
    extendedBy: null,
    extendsInterfaces: null,
    fields: obj.fields.map(describeField),
    implementedBy: null,
    implementsInterfaces: null,
    listviewable: null,
    lookupLayoutable: null,
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    recordTypeInfos: [
      {
        active: true,
        available: true,
        defaultRecordTypeMapping: true,
        developerName: 'Master',
        master: true,
        name: 'Master',
        recordTypeId: MASTER_RECORD_TYPE_ID,
        urls: { layout: `/services/data/v${v}/sobjects/${obj.name}/describe/layouts/${MASTER_RECORD_TYPE_ID}` },
      },
    ],
    searchLayoutable: true,
    sobjectDescribeOption: 'FULL',
    supportedScopes: [
      { label: 'All ' + obj.labelPlural.toLowerCase(), name: 'everything' },
      ...(obj.fieldMap.has('ownerid') ? [{ label: 'My ' + obj.labelPlural.toLowerCase(), name: 'mine' }] : []),
    ],
  };
}
