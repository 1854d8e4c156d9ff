// sObject Collections (/composite/sobjects): up to 200 records per call, results in input order, per-item
// errors under statusCode, all-or-none rollback.
import type { SaveResult, SfRecord } from '../types.js';
import { SfApiError } from '../types.js';
import { collectionResult, notFound, objectOr404, writeRecords, type OrgContext } from './context.js';
import { apiRecord } from './records.js';
import type { ApiRequest, ApiResponse, RouteTable } from './router.js';
import { canonicalId } from './sobjects.js';
import { jsonObject } from './body.js';

export const COLLECTION_LIMIT = 200;

const limitError = () =>
  new SfApiError(400, [{ errorCode: 'EXCEEDED_ID_LIMIT', message: 'record limit reached. cannot submit more than 200 records into this call' }]);

function recordsOf(req: ApiRequest): { records: Record<string, unknown>[]; allOrNone: boolean } {
  const body = jsonObject(req.body);
  if (!Array.isArray(body.records)) {
    throw new SfApiError(400, [{ errorCode: 'INVALID_FIELD', message: 'The request body must have a records array.' }]);
  }
  if (body.records.length > COLLECTION_LIMIT) throw limitError();
  const records = body.records.map((r, i) => {
    if (!r || typeof r !== 'object' || Array.isArray(r)) {
      throw new SfApiError(400, [{ errorCode: 'JSON_PARSER_ERROR', message: `records[${i}] is not an object` }]);
    }
    return r as Record<string, unknown>;
  });
  return { records, allOrNone: body.allOrNone === true };
}

function typeOf(r: Record<string, unknown>): string | undefined {
  const a = r.attributes as { type?: unknown } | undefined;
  return a && typeof a.type === 'string' ? a.type : undefined;
}

function fieldsOf(r: Record<string, unknown>): SfRecord {
  const { attributes: _a, id, ...rest } = r;
  if (id !== undefined && rest.Id === undefined) rest.Id = id;
  return rest;
}

/** Runs `op` per run of consecutive same-type records, keeping results in input order. */
function byType(
  ctx: OrgContext,
  records: SfRecord[],
  types: (string | undefined)[],
  indexes: number[],
  op: (type: string, recs: SfRecord[]) => SaveResult[],
): SaveResult[] {
  const out: SaveResult[] = [];
  let k = 0;
  while (k < indexes.length) {
    const type = types[indexes[k]];
    let end = k + 1;
    while (end < indexes.length && types[indexes[end]] === type) end++;
    const chunk = indexes.slice(k, end);
    const obj = type ? ctx.store.schema.get(type) : undefined;
    if (!obj) {
      for (const _ of chunk) {
        out.push({
          id: null,
          success: false,
          errors: [{ errorCode: 'INVALID_TYPE', message: type ? `sObject type '${type}' is not supported.` : 'Must send a concrete entity type.', fields: [] }],
        });
      }
    } else {
      out.push(...op(obj.name, chunk.map((i) => records[i])));
    }
    k = end;
  }
  return out;
}

export function addCollectionRoutes(t: RouteTable, ctx: OrgContext): void {
  const respond = (results: SaveResult[]): ApiResponse => ({ status: 200, json: results.map(collectionResult) });

  t.add('POST', '/composite/sobjects', (req) => {
    const { records, allOrNone } = recordsOf(req);
    const fields = records.map(fieldsOf);
    const types = records.map(typeOf);
    const results = writeRecords(ctx, records.length, req.locks(records.length), allOrNone, (idx) =>
      byType(ctx, fields, types, idx, (type, recs) => ctx.store.insert(type, recs, { allOrNone: false })),
    );
    return respond(results);
  });

  t.add('PATCH', '/composite/sobjects', (req) => {
    const { records, allOrNone } = recordsOf(req);
    const fields = records.map(fieldsOf);
    const types = records.map((r, i) => {
      const id = typeof fields[i].Id === 'string' ? canonicalId(fields[i].Id as string) : undefined;
      return typeOf(r) ?? (id ? ctx.store.schema.byKeyPrefix(id.slice(0, 3))?.name : undefined);
    });
    const results = writeRecords(ctx, records.length, req.locks(records.length), allOrNone, (idx) =>
      byType(ctx, fields, types, idx, (type, recs) => ctx.store.update(type, recs, { allOrNone: false })),
    );
    return respond(results);
  });

  t.add('PATCH', '/composite/sobjects/:type/:field', (req, p) => {
    const obj = objectOr404(ctx, p.type);
    const f = obj.fieldMap.get(p.field.toLowerCase());
    if (!f || !f.externalId) throw notFound(`Provided external ID field does not exist or is not accessible: ${p.field}`);
    const { records, allOrNone } = recordsOf(req);
    const fields = records.map(fieldsOf);
    const results = writeRecords(ctx, records.length, req.locks(records.length), allOrNone, (idx) =>
      ctx.store.upsert(obj.name, f.name, idx.map((i) => fields[i]), { allOrNone: false }),
    );
    return respond(results.map((r) => ({ ...r, created: r.created ?? false })));
  });

  t.add('DELETE', '/composite/sobjects', (req) => {
    const ids = (req.query.ids ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (ids.length === 0) throw new SfApiError(400, [{ errorCode: 'INVALID_FIELD', message: 'The ids parameter is required.' }]);
    if (ids.length > COLLECTION_LIMIT) throw limitError();
    const allOrNone = req.query.allOrNone === 'true';
    const results = writeRecords(ctx, ids.length, req.locks(ids.length), allOrNone, (idx) =>
      ctx.store.delete(idx.map((i) => canonicalId(ids[i]) ?? ids[i]), { allOrNone: false }),
    );
    return respond(results);
  });

  const retrieve = (req: ApiRequest, type: string, ids: string[], fieldNames: string[]): ApiResponse => {
    const obj = objectOr404(ctx, type);
    if (ids.length > 2000) throw limitError();
    const fields = fieldNames.map((n) => {
      const f = obj.fieldMap.get(n.toLowerCase());
      if (!f) throw new SfApiError(400, [{ errorCode: 'INVALID_FIELD', message: `No such column '${n}' on sobject of type ${obj.name}` }]);
      return f;
    });
    const idField = obj.fieldMap.get('id');
    if (idField && !fields.includes(idField)) fields.unshift(idField);
    return {
      status: 200,
      json: ids.map((raw) => {
        const id = canonicalId(raw);
        const rec = id ? ctx.store.retrieve(obj.name, id) : undefined;
        return rec ? apiRecord(obj, rec, req.version, fields) : null;
      }),
    };
  };
  t.add('POST', '/composite/sobjects/:type', (req, p) => {
    const body = jsonObject(req.body);
    const ids = Array.isArray(body.ids) ? body.ids.map(String) : [];
    const fields = Array.isArray(body.fields) ? body.fields.map(String) : [];
    if (fields.length === 0) throw new SfApiError(400, [{ errorCode: 'INVALID_FIELD', message: 'The fields list is required.' }]);
    return retrieve(req, p.type, ids, fields);
  });
  t.add('GET', '/composite/sobjects/:type', (req, p) => {
    const split = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
    return retrieve(req, p.type, split(req.query.ids), split(req.query.fields));
  });
}
