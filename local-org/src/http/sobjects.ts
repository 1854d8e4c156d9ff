// /sobjects: describeGlobal, describe, basic info, single-record CRUD, upsert and retrieve by external id,
// getUpdated/getDeleted.
import type { FieldDef, ObjectDef, SaveResult, SfRecord } from '../types.js';
import { SfApiError, SfMultipleChoicesError } from '../types.js';
import { notFound, objectOr404, writeRecords, type OrgContext } from './context.js';
import { apiRecord, recordUrl } from './records.js';
import type { ApiRequest, ApiResponse, Params, RouteTable } from './router.js';
import { canonicalId } from '../soql/ids.js';
import { jsonObject } from './body.js';
import { describeGlobal, describeSObject } from '../schema/describe.js';

function bodyRecord(req: ApiRequest): SfRecord {
  const { attributes: _attributes, ...fields } = jsonObject(req.body, {});
  return fields;
}

export { canonicalId };

function liveRecord(ctx: OrgContext, obj: ObjectDef, idText: string): SfRecord {
  const id = canonicalId(idText);
  if (!id || !id.startsWith(obj.keyPrefix)) throw notFound();
  const rec = ctx.store.retrieve(obj.name, id);
  if (rec) return rec;
  const row = ctx.store.db.prepare(`SELECT IsDeleted FROM "${obj.name}" WHERE Id = ?`).get(id) as { IsDeleted?: number } | undefined;
  if (row) throw new SfApiError(404, [{ errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }]);
  throw notFound();
}

function selectFields(obj: ObjectDef, list: string | undefined): FieldDef[] | undefined {
  if (!list) return undefined;
  const out: FieldDef[] = [];
  for (const name of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const f = obj.fieldMap.get(name.toLowerCase());
    if (!f) {
      throw new SfApiError(400, [
        { errorCode: 'INVALID_FIELD', message: `No such column '${name}' on sobject of type ${obj.name}` },
      ]);
    }
    if (!out.includes(f)) out.push(f);
  }
  const id = obj.fieldMap.get('id');
  if (id && !out.includes(id)) out.unshift(id);
  return out;
}

function externalIdField(obj: ObjectDef, name: string, forRead: boolean): FieldDef {
  const f = obj.fieldMap.get(name.toLowerCase());
  if (!f || !(f.externalId || f.name === 'Id' || (forRead && f.idLookup))) {
    throw notFound(`Provided external ID field does not exist or is not accessible: ${name}`);
  }
  return f;
}

function single(ctx: OrgContext, req: ApiRequest, op: () => SaveResult): SaveResult {
  const [r] = writeRecords(ctx, 1, req.locks(1), false, () => [op()]);
  if (!r.success) throw new SfApiError(r.errors.some((e) => e.errorCode === 'NOT_FOUND') ? 404 : 400, r.errors);
  return r;
}

function checkDate(text: string | undefined, name: string): Date {
  // jsforce sends +00:00 offsets; Salesforce also takes Z and +0000.
  // A raw '+' in a query string decodes to a space: read "...T00:00:00 00:00" as the +00:00 it was.
  const d = text ? new Date(text.replace(/ (\d{2}:?\d{2})$/, '+$1').replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : new Date(NaN);
  if (Number.isNaN(d.getTime())) {
    throw new SfApiError(400, [{ errorCode: 'INVALID_REPLICATION_DATE', message: `${name} must be an ISO-8601 date-time, got: ${text ?? '(missing)'}` }]);
  }
  return d;
}

const sfDate = (d: Date): string => d.toISOString().replace('Z', '+0000');
const floorMinute = (d: Date): Date => new Date(Math.floor(d.getTime() / 60000) * 60000);

function replicationWindow(ctx: OrgContext, req: ApiRequest, maxDays: number): { start: Date; end: Date } {
  const start = checkDate(req.query.start, 'start');
  const end = checkDate(req.query.end, 'end');
  if (end.getTime() <= start.getTime()) {
    throw new SfApiError(400, [{ errorCode: 'INVALID_REPLICATION_DATE', message: 'end date must be after start date' }]);
  }
  const oldest = ctx.clock().getTime() - maxDays * 86_400_000;
  if (start.getTime() < oldest) {
    throw new SfApiError(400, [{ errorCode: 'INVALID_REPLICATION_DATE', message: `start date cannot be more than ${maxDays} days ago` }]);
  }
  return { start, end };
}

export function addSObjectRoutes(t: RouteTable, ctx: OrgContext): void {
  const json = (status: number, body: unknown, headers?: Record<string, string>): ApiResponse => ({ status, json: body, headers });

  // Recently viewed records: a local org has no UI, so nothing is ever recently viewed.
  t.add('GET', '/recent', () => json(200, []));

  t.add('GET', '/sobjects', (req) => json(200, describeGlobal(ctx.store.schema, req.version)));

  t.add('GET', '/sobjects/:type', (req, p) => {
    const obj = objectOr404(ctx, p.type);
    const summary = (describeGlobal(ctx.store.schema, req.version).sobjects as { name: string }[]).find((o) => o.name === obj.name);
    return json(200, { objectDescribe: summary, recentItems: [] });
  });

  t.add('POST', '/sobjects/:type', (req, p) => {
    const obj = objectOr404(ctx, p.type);
    const rec = bodyRecord(req);
    const r = single(ctx, req, () => ctx.store.insert(obj.name, [rec])[0]);
    return json(201, { id: r.id, success: true, errors: [] });
  });

  t.add('GET', '/sobjects/:type/describe', (req, p) => {
    const obj = objectOr404(ctx, p.type);
    const lastModified = ctx.schemaLoadedAt.toUTCString();
    const since = req.header('if-modified-since');
    if (since && !Number.isNaN(Date.parse(since)) && Date.parse(since) >= Math.floor(ctx.schemaLoadedAt.getTime() / 1000) * 1000) {
      return { status: 304, headers: { 'Last-Modified': lastModified } };
    }
    return json(200, describeSObject(ctx.store.schema, obj.name, req.version), { 'Last-Modified': lastModified });
  });

  // Layouts, compact layouts, approval layouts…: resources of a UI this org does not have. Without this route
  // the path would read as a lookup by an external id field named "describe".
  t.add('GET', '/sobjects/:type/describe/:resource', (_req, p) => {
    objectOr404(ctx, p.type);
    throw notFound();
  });

  t.add('GET', '/sobjects/:type/updated', (req, p) => {
    const obj = objectOr404(ctx, p.type);
    const { start, end } = replicationWindow(ctx, req, 30);
    const rows = ctx.store.db
      .prepare(`SELECT Id FROM "${obj.name}" WHERE IsDeleted = 0 AND SystemModstamp >= ? AND SystemModstamp < ? ORDER BY SystemModstamp, rowid`)
      .all(start.toISOString(), end.toISOString()) as { Id: string }[];
    tooMany(rows.length);
    return json(200, { ids: rows.map((r) => r.Id), latestDateCovered: sfDate(floorMinute(end)) });
  });

  t.add('GET', '/sobjects/:type/deleted', (req, p) => {
    const obj = objectOr404(ctx, p.type);
    const { start, end } = replicationWindow(ctx, req, 15);
    const rows = ctx.store.db
      .prepare(`SELECT Id, SystemModstamp FROM "${obj.name}" WHERE IsDeleted = 1 AND SystemModstamp >= ? AND SystemModstamp < ? ORDER BY SystemModstamp, rowid`)
      .all(start.toISOString(), end.toISOString()) as { Id: string; SystemModstamp: string }[];
    tooMany(rows.length);
    return json(200, {
      deletedRecords: rows.map((r) => ({ id: r.Id, deletedDate: r.SystemModstamp.replace(/Z$/, '+0000') })),
      earliestDateAvailable: sfDate(floorMinute(new Date(ctx.clock().getTime() - 15 * 86_400_000))),
      latestDateCovered: sfDate(floorMinute(end)),
    });
  });

  // POST /sobjects/{Type}/Id: create through the upsert-by-Id path (Id treated as an external id that is null).
  t.add('POST', '/sobjects/:type/:field', (req, p) => {
    const obj = objectOr404(ctx, p.type);
    if (p.field.toLowerCase() !== 'id') throw notFound();
    const rec = bodyRecord(req);
    if (rec.Id !== undefined && rec.Id !== null) {
      throw new SfApiError(400, [{ errorCode: 'INVALID_FIELD', message: 'Id is not allowed in the body when creating through /Id' }]);
    }
    const r = single(ctx, req, () => ctx.store.insert(obj.name, [rec])[0]);
    return json(201, { id: r.id, success: true, errors: [], ...(req.versionNumber >= 46 ? { created: true } : {}) });
  });

  t.add('GET', '/sobjects/:type/:id', (req, p) => {
    const obj = objectOr404(ctx, p.type);
    const rec = liveRecord(ctx, obj, p.id);
    return json(200, apiRecord(obj, rec, req.version, selectFields(obj, req.query.fields)));
  });

  t.add('PATCH', '/sobjects/:type/:id', (req, p) => {
    const obj = objectOr404(ctx, p.type);
    const rec = liveRecord(ctx, obj, p.id);
    const fields = bodyRecord(req);
    single(ctx, req, () => ctx.store.update(obj.name, [{ ...fields, Id: rec.Id }])[0]);
    return { status: 204 };
  });

  t.add('DELETE', '/sobjects/:type/:id', (req, p) => {
    const obj = objectOr404(ctx, p.type);
    const rec = liveRecord(ctx, obj, p.id);
    single(ctx, req, () => ctx.store.delete([String(rec.Id)])[0]);
    return { status: 204 };
  });

  const byExternal = (obj: ObjectDef, p: Params, forRead: boolean): string[] => {
    const f = externalIdField(obj, p.field, forRead);
    if (f.name === 'Id') {
      const id = canonicalId(p.value);
      return id && ctx.store.retrieve(obj.name, id) ? [id] : [];
    }
    return ctx.store.findByExternalId(obj.name, f.name, p.value);
  };
  const multiple = (req: ApiRequest, obj: ObjectDef, ids: string[]): ApiResponse =>
    json(300, ids.map((id) => recordUrl(req.version, obj.name, id)));

  t.add('GET', '/sobjects/:type/:field/:value', (req, p) => {
    const obj = objectOr404(ctx, p.type);
    const ids = byExternal(obj, p, true);
    if (ids.length === 0) throw notFound();
    if (ids.length > 1) return multiple(req, obj, ids);
    const rec = ctx.store.retrieve(obj.name, ids[0]);
    if (!rec) throw notFound();
    return json(200, apiRecord(obj, rec, req.version, selectFields(obj, req.query.fields)));
  });

  t.add('PATCH', '/sobjects/:type/:field/:value', (req, p) => {
    const obj = objectOr404(ctx, p.type);
    const f = externalIdField(obj, p.field, false);
    const fields = bodyRecord(req);
    const ids = byExternal(obj, p, false);
    if (ids.length > 1) return multiple(req, obj, ids);
    if (f.name === 'Id') {
      if (ids.length === 0) throw notFound();
      single(ctx, req, () => ctx.store.update(obj.name, [{ ...fields, Id: ids[0] }])[0]);
      return req.versionNumber >= 46 ? json(200, { id: ids[0], success: true, errors: [], created: false }) : { status: 204 };
    }
    if (ids.length === 1 && fields.Id !== undefined && fields.Id !== null && canonicalId(String(fields.Id)) !== ids[0]) {
      throw new SfApiError(400, [{ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', message: 'Id in the body does not match the record found by the external id', fields: ['Id'] }]);
    }
    const { Id: _id, ...rest } = fields;
    let r: SaveResult;
    try {
      r = single(ctx, req, () => ctx.store.upsert(obj.name, f.name, [{ ...rest, [f.name]: p.value }], { throwOnMultipleMatches: true })[0]);
    } catch (e) {
      if (e instanceof SfMultipleChoicesError) return multiple(req, obj, e.ids);
      throw e;
    }
    const created = r.created ?? ids.length === 0;
    if (created) return json(201, { id: r.id, success: true, errors: [], ...(req.versionNumber >= 46 ? { created: true } : {}) });
    return req.versionNumber >= 46 ? json(200, { id: r.id, success: true, errors: [], created: false }) : { status: 204 };
  });

  t.add('DELETE', '/sobjects/:type/:field/:value', (req, p) => {
    const obj = objectOr404(ctx, p.type);
    const ids = byExternal(obj, p, false);
    if (ids.length === 0) throw notFound();
    if (ids.length > 1) return multiple(req, obj, ids);
    single(ctx, req, () => ctx.store.delete([ids[0]])[0]);
    return { status: 204 };
  });
}

function tooMany(n: number): void {
  if (n > 600_000) {
    throw new SfApiError(400, [{ errorCode: 'EXCEEDED_ID_LIMIT', message: 'The result set exceeds 600,000 ids; narrow the date range.' }]);
  }
}
