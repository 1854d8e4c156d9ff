// The slice of the UI API the preview's data-service adapters need (related-list records, one record,
// a create, an update), answered with SOQL and sObject REST over jsforce, so local-org (or a real org) stands in for
// Lightning Data Service. Records come back in the UI API shape: { apiName, id, fields: { F: { value,
// displayValue } } }, spanning fields nested as records.
import type { Connection, DescribeSObjectResult, Record as JsforceRecord } from 'jsforce';
import { FilterError, literal, whereToSoql } from './where-filter.js';

/** An error in the body shape the UI API sends, with its HTTP status. */
export class UiApiError extends Error {
  public constructor(
    public readonly status: number,
    public readonly body: unknown,
    message: string,
  ) {
    super(message);
    this.name = 'UiApiError';
  }
}

type UiField = { value: unknown; displayValue: string | null };
export type UiRecord = {
  apiName: string;
  id: string;
  childRelationships: Record<string, never>;
  recordTypeId: null;
  fields: Record<string, UiField>;
};
type SoqlRecord = JsforceRecord;

export type RelatedListQuery = {
  fields?: string[];
  optionalFields?: string[];
  where?: string;
  sortBy?: string[];
  pageSize?: number;
};

const RECORD_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const FIELD_PATH = /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*$/;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

// The preview is reachable without the service's token, so it may do no more than the components do: read
// the records a rep's page shows, and create what the Reco Sales Rep permission set lets a rep create (a
// reaction; reps edit no record). It writes through Reco's own connection, so its reactions are Reco's
// user's, not a rep's: fine for a local preview, and the sync reads reactions whoever created them.
const READABLE = new Set(['Account', 'Opportunity', 'Product2', 'Product_Recommendation__c', 'Account_Insight__c', 'Customer_Segment__c', 'Recommendation_Reaction__c']);
const WRITABLE: Record<string, Set<string>> = {};
const CREATABLE: Record<string, Set<string>> = {
  Recommendation_Reaction__c: new Set(['Recommendation__c', 'Account__c', 'Product__c', 'Reaction__c', 'Dismiss_Reason__c', 'Comment__c']),
};

const forbidden = (message: string) => new UiApiError(403, [{ errorCode: 'INSUFFICIENT_ACCESS', message }], message);
const badRequest = (message: string, errorCode = 'INVALID_INPUT') => new UiApiError(400, [{ errorCode, message }], message);
const notFound = (message: string) => new UiApiError(404, [{ errorCode: 'NOT_FOUND', message }], message);

export class PreviewData {
  private prefixes?: Promise<Map<string, string>>;
  private readonly describes = new Map<string, Promise<DescribeSObjectResult>>();

  public constructor(private readonly connection: () => Promise<Connection>) {}

  /** Like POST /ui-api/related-list-records/{parentRecordId}/{relatedListId}. */
  public async relatedListRecords(parentId: string, relatedListId: string, query: RelatedListQuery) {
    const parentType = await this.objectOf(parentId);
    const relationship = (await this.describe(parentType)).childRelationships.find((r) => r.relationshipName === relatedListId);
    if (!relationship) throw notFound(`${relatedListId} is not a related list of ${parentType}`);
    const child = relationship.childSObject;
    if (!READABLE.has(child)) throw forbidden(`The preview does not show ${child} records`);
    const childDescribe = await this.describe(child);
    const available = new Set(childDescribe.fields.flatMap((f) => [f.name, f.relationshipName ?? '']).filter(Boolean));
    const paths = unique([
      ...fieldPaths(child, query.fields ?? []),
      ...fieldPaths(child, query.optionalFields ?? []).filter((p) => available.has(p.split('.')[0])),
    ]);
    let filter: string;
    try {
      filter = whereToSoql(query.where);
    } catch (error) {
      if (error instanceof FilterError) throw badRequest(error.message);
      throw error;
    }
    const pageSize = Math.min(Math.max(Math.trunc(Number(query.pageSize ?? 50)) || 50, 1), 1999);
    const soql = [
      `SELECT ${selectList(paths).join(', ')} FROM ${child}`,
      `WHERE ${relationship.field} = ${literal(parentId)}${filter ? ` AND ${filter}` : ''}`,
      orderBy(child, query.sortBy ?? []),
      `LIMIT ${pageSize}`,
    ].filter(Boolean).join(' ');
    const records = (await this.query(soql)).map((r) => toUiRecord(r, child, paths));
    return {
      records,
      count: records.length,
      pageSize,
      currentPageToken: '0',
      nextPageToken: null,
      listReference: { parentRecordId: parentId, relatedListId, inContext: true },
    };
  }

  /** Like GET /ui-api/records/{recordId}?fields=...&optionalFields=... */
  public async getRecord(id: string, fields: string[], optionalFields: string[] = []): Promise<UiRecord> {
    const type = await this.objectOf(id);
    const available = new Set((await this.describe(type)).fields.flatMap((f) => [f.name, f.relationshipName ?? '']));
    const paths = unique([
      ...fieldPaths(type, fields),
      ...fieldPaths(type, optionalFields).filter((p) => available.has(p.split('.')[0])),
    ]);
    const [record] = await this.query(`SELECT ${selectList(paths).join(', ')} FROM ${type} WHERE Id = ${literal(id)}`);
    if (!record) throw notFound(`The requested resource does not exist: ${id}`);
    return toUiRecord(record, type, paths);
  }

  /** Like PATCH /ui-api/records/{recordId}: saves the fields, answers the record with them. */
  public async updateRecord(id: string, fields: Record<string, unknown>): Promise<UiRecord> {
    const type = await this.objectOf(id);
    const names = Object.keys(fields).filter((name) => name !== 'Id');
    if (names.length === 0) throw badRequest('No fields to update');
    for (const name of names) if (!FIELD_NAME.test(name)) throw badRequest(`${name} is not a field name`);
    const writable = WRITABLE[type];
    const denied = names.filter((name) => !writable?.has(name));
    if (denied.length > 0) throw forbidden(`The preview may not change ${denied.map((n) => `${type}.${n}`).join(', ')}`);
    const conn = await this.connection();
    const values = Object.fromEntries(names.map((n) => [n, fields[n]]));
    let result: { success: boolean; errors?: unknown[] };
    try {
      result = (await conn.sobject(type).update({ Id: id, ...values })) as { success: boolean; errors?: unknown[] };
    } catch (error) {
      throw updateFailed([error]);
    }
    if (!result.success) throw updateFailed(result.errors ?? []);
    return this.getRecord(id, names.map((n) => `${type}.${n}`));
  }

  /** Like POST /ui-api/records { apiName, fields }: creates the record, answers it with those fields. */
  public async createRecord(apiName: string, fields: Record<string, unknown>): Promise<UiRecord> {
    if (!FIELD_NAME.test(apiName)) throw badRequest(`${apiName} is not an object name`);
    const creatable = CREATABLE[apiName];
    if (!creatable) throw forbidden(`The preview may not create ${apiName} records`);
    const names = Object.keys(fields);
    for (const name of names) if (!FIELD_NAME.test(name)) throw badRequest(`${name} is not a field name`);
    const denied = names.filter((name) => !creatable.has(name));
    if (denied.length > 0) throw forbidden(`The preview may not set ${denied.map((n) => `${apiName}.${n}`).join(', ')}`);
    const conn = await this.connection();
    let result: { id?: string; success: boolean; errors?: unknown[] };
    try {
      result = (await conn.sobject(apiName).create(fields)) as { id?: string; success: boolean; errors?: unknown[] };
    } catch (error) {
      throw updateFailed([error], 'create');
    }
    if (!result.success || !result.id) throw updateFailed(result.errors ?? [], 'create');
    return this.getRecord(result.id, names.map((n) => `${apiName}.${n}`));
  }

  /** Accounts that have recommendations, by name, so a person can pick one to preview. */
  public async accountsWithRecommendations(limit = 50): Promise<{ id: string; name: string }[]> {
    const rows = await this.query('SELECT Account__c, Account__r.Name FROM Product_Recommendation__c LIMIT 2000');
    const byId = new Map<string, string>();
    for (const row of rows) {
      const account = row.Account__r as { Name?: string } | null;
      if (typeof row.Account__c === 'string') byId.set(row.Account__c, account?.Name ?? row.Account__c);
    }
    return [...byId].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)).slice(0, limit);
  }

  private async query(soql: string): Promise<SoqlRecord[]> {
    const conn = await this.connection();
    try {
      return (await conn.query<SoqlRecord>(soql)).records;
    } catch (error) {
      throw orgError(error);
    }
  }

  private async objectOf(id: string): Promise<string> {
    if (!RECORD_ID.test(id)) throw badRequest(`${JSON.stringify(id)} is not a record id`, 'INVALID_ID_FIELD');
    this.prefixes ??= this.connection()
      .then((conn) => conn.describeGlobal())
      .then((global) => new Map(global.sobjects.filter((o) => o.keyPrefix).map((o) => [o.keyPrefix as string, o.name])));
    try {
      const type = (await this.prefixes).get(id.slice(0, 3));
      if (!type) throw notFound(`No object has records with id ${id}`);
      if (!READABLE.has(type)) throw forbidden(`The preview does not show ${type} records`);
      return type;
    } catch (error) {
      if (!(error instanceof UiApiError)) this.prefixes = undefined; // retry describeGlobal next time
      throw error instanceof UiApiError ? error : orgError(error);
    }
  }

  private describe(type: string): Promise<DescribeSObjectResult> {
    let pending = this.describes.get(type);
    if (!pending) {
      pending = this.connection().then((conn) => conn.describe(type));
      pending.catch(() => this.describes.delete(type));
      this.describes.set(type, pending);
    }
    return pending.catch((error: unknown) => {
      throw orgError(error);
    });
  }
}

/** 'Obj.Field' / 'Obj.Rel__r.Field' -> 'Field' / 'Rel__r.Field', checked so nothing but names reaches SOQL. */
function fieldPaths(object: string, qualified: string[]): string[] {
  return qualified.map((name) => {
    const path = String(name).startsWith(`${object}.`) ? String(name).slice(object.length + 1) : '';
    if (!path || !FIELD_PATH.test(path)) throw badRequest(`${name} is not a field of ${object}`, 'INVALID_FIELD');
    return path;
  });
}

// Spanning fields need their record's Id to build the nested UI API record.
function selectList(paths: string[]): string[] {
  const relationshipIds = paths.flatMap((p) => {
    const parts = p.split('.');
    return parts.slice(0, -1).map((_, i) => `${parts.slice(0, i + 1).join('.')}.Id`);
  });
  return unique(['Id', ...paths, ...relationshipIds]);
}

function orderBy(object: string, sortBy: string[]): string {
  if (sortBy.length === 0) return '';
  const terms = sortBy.map((entry) => {
    const descending = String(entry).startsWith('-');
    const [path] = fieldPaths(object, [descending ? String(entry).slice(1) : String(entry)]);
    return `${path} ${descending ? 'DESC' : 'ASC'} NULLS LAST`;
  });
  return `ORDER BY ${terms.join(', ')}`;
}

function toUiRecord(raw: SoqlRecord, apiName: string, paths: string[]): UiRecord {
  const fields: Record<string, UiField> = {};
  const spans = new Map<string, string[]>();
  for (const path of paths) {
    const [head, ...rest] = path.split('.');
    if (rest.length === 0) fields[head] = { value: raw[head] ?? null, displayValue: null };
    else spans.set(head, [...(spans.get(head) ?? []), rest.join('.')]);
  }
  for (const [relationship, subPaths] of spans) {
    const related = raw[relationship] as SoqlRecord | null | undefined;
    fields[relationship] = related
      ? { value: toUiRecord(related, related.attributes?.type ?? '', subPaths), displayValue: typeof related.Name === 'string' ? related.Name : null }
      : { value: null, displayValue: null };
  }
  return { apiName, id: String(raw.Id ?? ''), childRelationships: {}, recordTypeId: null, fields };
}

type OrgErrorLike = { errorCode?: string; name?: string; message?: string; statusCode?: string; fields?: string[] };

function orgError(error: unknown): UiApiError {
  if (error instanceof UiApiError) return error;
  const e = (error ?? {}) as OrgErrorLike;
  const errorCode = e.errorCode ?? e.name ?? 'UNKNOWN_EXCEPTION';
  const message = e.message ?? String(error);
  const status = /INVALID_|MALFORMED|BAD_/.test(errorCode) ? 400 : errorCode === 'NOT_FOUND' ? 404 : 502;
  return new UiApiError(status, [{ errorCode, message }], message);
}

// The UI API's save error: a summary message plus record-level and per-field errors under output.
function updateFailed(errors: unknown[], action: 'update' | 'create' = 'update'): UiApiError {
  const output = { errors: [] as object[], fieldErrors: {} as Record<string, object[]> };
  for (const raw of errors) {
    const e = (raw ?? {}) as OrgErrorLike;
    const item = { errorCode: e.errorCode ?? e.statusCode ?? e.name ?? 'UNKNOWN_EXCEPTION', message: e.message ?? String(raw) };
    const fields = Array.isArray(e.fields) ? e.fields : [];
    if (fields.length === 0) output.errors.push(item);
    for (const field of fields) (output.fieldErrors[field] ??= []).push({ ...item, field });
  }
  const message = `An error occurred while trying to ${action} the record. Please try again.`;
  return new UiApiError(400, { message, statusCode: 400, errorCode: 'INVALID_INPUT', output }, message);
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
