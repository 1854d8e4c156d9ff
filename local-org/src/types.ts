// The contract between local-org's layers: schema (what objects exist), store (records in SQLite and the
// DML rules a real org enforces), soql (queries over the store) and http (the REST wire format).
// Layers depend downwards only: http -> soql -> store -> schema.

/** Field types as describe() reports them. */
export type FieldType =
  | 'id' | 'string' | 'textarea' | 'picklist' | 'multipicklist' | 'combobox' | 'boolean' | 'int' | 'double'
  | 'currency' | 'percent' | 'date' | 'datetime' | 'time' | 'reference' | 'email' | 'phone' | 'url';

export type PicklistValue = { value: string; label: string; active: boolean; defaultValue: boolean };

export type FieldDef = {
  name: string;
  label: string;
  type: FieldType;
  length: number; // strings; 0 otherwise
  precision: number; // numbers; 0 otherwise
  scale: number;
  digits: number; // ints
  nillable: boolean; // false: required on create (unless defaultedOnCreate) and for booleans
  createable: boolean;
  updateable: boolean;
  defaultedOnCreate: boolean;
  defaultValue: string | number | boolean | null;
  custom: boolean;
  externalId: boolean;
  unique: boolean;
  caseSensitive: boolean;
  idLookup: boolean;
  nameField: boolean;
  autoNumber: boolean;
  autoNumberFormat?: string; // e.g. REC-{000000}
  calculated: boolean;
  referenceTo: string[];
  relationshipName: string | null; // Account, Owner, Account__r
  cascadeDelete: boolean; // master-detail: deleting the parent deletes this record
  restrictedDelete: boolean; // Restrict: parent delete fails while this child exists
  picklistValues: PicklistValue[];
  restrictedPicklist: boolean;
  filterable: boolean;
  sortable: boolean;
  groupable: boolean;
  aggregatable: boolean;
  /** References only: the name parents list this field under in childRelationships (Opportunities, Tasks,
   * Product_Recommendations__r); absent or null when the relationship is not queryable as a sub-query. */
  childRelationshipName?: string | null;
};

export type ChildRelationship = {
  childSObject: string;
  field: string;
  relationshipName: string | null; // OpportunityLineItems, Product_Recommendations__r
  cascadeDelete: boolean;
  restrictedDelete: boolean;
};

export type ObjectDef = {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  queryable: boolean;
  fields: FieldDef[];
  fieldMap: Map<string, FieldDef>; // lower-cased API name -> field
  childRelationships: ChildRelationship[];
};

/** Object registry: standard objects plus the custom objects and fields deployed to the org. */
export type Schema = {
  objects(): ObjectDef[];
  /** Case-insensitive lookup; undefined when the org has no such object. */
  get(name: string): ObjectDef | undefined;
  byKeyPrefix(prefix: string): ObjectDef | undefined;
};

/**
 * Storage convention (SQLite): one table per object, named exactly as the object's API name, one column per
 * field named exactly as the field's API name. Encoding: id/reference/string-like/date (YYYY-MM-DD)/datetime
 * (YYYY-MM-DDTHH:MM:SS.sssZ, UTC, so text order is time order) as TEXT; boolean as INTEGER 0/1; numbers as
 * REAL. Every table has IsDeleted, CreatedDate, LastModifiedDate, SystemModstamp; `rowid` gives insertion
 * order, which is the default order of unsorted query results.
 */
export type SfRecord = Record<string, unknown>;

/** One error in Salesforce's shape (REST uses errorCode, collections use statusCode for the same code). */
export type SfErrorItem = { errorCode: string; message: string; fields?: string[] };

/** Thrown by store/soql operations; http maps it to the status and array body Salesforce sends. */
export class SfApiError extends Error {
  public constructor(
    public readonly status: number,
    public readonly errors: SfErrorItem[],
  ) {
    super(errors.map((e) => `${e.errorCode}: ${e.message}`).join('; '));
    this.name = errors[0]?.errorCode ?? 'UNKNOWN_EXCEPTION';
  }
}

export type SaveResult = { id: string | null; success: boolean; errors: SfErrorItem[]; created?: boolean };

/** An upsert key matched several records (REST answers 300 with the matching record URLs). */
export class SfMultipleChoicesError extends SfApiError {
  public constructor(
    message: string,
    public readonly ids: string[],
  ) {
    super(300, [{ errorCode: 'MULTIPLE_CHOICES', message }]);
  }
}

export type DmlOptions = {
  allOrNone?: boolean;
  /** Insert/upsert may set CreatedDate, CreatedById, LastModifiedDate, LastModifiedById, as an org allows with
   * the "Set Audit Fields upon Record Creation" permission (the seeder loads history this way). */
  setAuditFields?: boolean;
  /** Upsert of a single record (REST PATCH /sobjects/T/field/value): several matches throw
   * SfMultipleChoicesError (HTTP 300) instead of the per-record DUPLICATE_EXTERNAL_ID error that
   * sObject Collections and Bulk report. */
  throwOnMultipleMatches?: boolean;
};

/** Records and the DML rules of a real org (validation, derived fields, roll-ups, cascades, unique keys). */
export type OrgStore = {
  readonly schema: Schema;
  /** Open a write transaction; nested calls join the outer one. Rolls back if fn throws. */
  transaction<T>(fn: () => T): T;
  insert(object: string, records: SfRecord[], opts?: DmlOptions): SaveResult[];
  update(object: string, records: SfRecord[], opts?: DmlOptions): SaveResult[]; // each record carries Id
  upsert(object: string, externalIdField: string, records: SfRecord[], opts?: DmlOptions): SaveResult[];
  delete(ids: string[], opts?: DmlOptions): SaveResult[];
  /** Reads one live record (all fields), or undefined when absent or deleted. */
  retrieve(object: string, id: string): SfRecord | undefined;
  /** Ids whose external-id field equals value (case rules of the field applied). */
  findByExternalId(object: string, field: string, value: string): string[];
  /** Direct SQL access for the query engine (read-only use). */
  readonly db: import('node:sqlite').DatabaseSync;
  /** The clock every write stamps with; tests and the seeder may move it. */
  now(): Date;
};
