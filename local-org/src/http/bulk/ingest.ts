// Bulk API 2.0 ingest jobs: create -> one CSV upload -> UploadComplete, processed synchronously through the
// store's DML so the job is complete by the first poll, with per-row successful/failed/unprocessed results.
import type { FieldDef, ObjectDef, SaveResult, SfErrorItem, SfRecord } from '../../types.js';
import { SfApiError } from '../../types.js';
import { getOr404, objectOr404, writeRecords, type OrgContext } from '../context.js';
import type { ApiRequest, ApiResponse, Params, RouteTable } from '../router.js';
import { canonicalId } from '../../soql/ids.js';
import { readCsv, writeCsv } from './csv.js';
import { isTerminal, jobFormat, jobHeader, newJobBase, sfTime, type JobBase } from './jobs.js';
import { jsonObject } from '../body.js';

const OPERATIONS = ['insert', 'update', 'upsert', 'delete', 'hardDelete'] as const;
type Operation = (typeof OPERATIONS)[number];

/** Rows are written in chunks like Salesforce's internal 10,000-record batches. */
const CHUNK = 10_000;

type IngestJob = JobBase & {
  operation: Operation;
  externalIdFieldName?: string;
  numberRecordsFailed: number;
  csv?: string;
  header: string[];
  successful: (string | null)[][];
  failed: (string | null)[][];
  unprocessed: string[][];
};

function info(job: IngestJob): Record<string, unknown> {
  return {
    ...jobHeader(job, job.state),
    ...(job.externalIdFieldName ? { externalIdFieldName: job.externalIdFieldName } : {}),
    ...jobFormat(job, 'V2Ingest'),
    contentUrl: `services/data/v${job.apiVersion}/jobs/ingest/${job.id}/batches`,
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
    numberRecordsProcessed: job.numberRecordsProcessed,
    numberRecordsFailed: job.numberRecordsFailed,
    retries: 0,
    totalProcessingTime: job.totalProcessingTime,
    apiActiveProcessingTime: job.totalProcessingTime,
    apexProcessingTime: 0,
    ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
  };
}

/** sf__Error: CODE:message:field,field -- */
export function bulkError(errors: SfErrorItem[]): string {
  return errors.map((e) => `${e.errorCode}:${e.message}:${(e.fields ?? []).join(',')} --`).join(' ');
}

type Column =
  | { kind: 'field'; field: FieldDef }
  | { kind: 'relation'; field: FieldDef; target: ObjectDef; externalField: FieldDef; header: string };

/** Maps header names to fields; `Account.External_Id__c` style columns resolve a lookup by external id. */
function columnsOf(ctx: OrgContext, obj: ObjectDef, header: string[]): Column[] {
  return header.map((name) => {
    const direct = obj.fieldMap.get(name.toLowerCase());
    if (direct) return { kind: 'field', field: direct };
    const m = /^(\w+)(?::(\w+))?\.(\w+)$/.exec(name);
    if (m) {
      const [, rel, polyType, extName] = m;
      const field = obj.fields.find((f) => f.relationshipName?.toLowerCase() === rel.toLowerCase());
      const target = field ? ctx.store.schema.get(polyType ?? field.referenceTo[0] ?? '') : undefined;
      const externalField = target?.fieldMap.get(extName.toLowerCase());
      if (field && target && externalField && (externalField.externalId || externalField.idLookup)) {
        return { kind: 'relation', field, target, externalField, header: name };
      }
    }
    throw new Error(`InvalidBatch : Field name not found : ${name}`);
  });
}

function typed(field: FieldDef, value: string): unknown {
  switch (field.type) {
    case 'boolean': {
      const v = value.toLowerCase();
      if (v === 'true' || v === '1' || v === 'yes') return true;
      if (v === 'false' || v === '0' || v === 'no') return false;
      return value;
    }
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
      return value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
    case 'date':
      return value.replace(/Z$/, '');
    default:
      return value;
  }
}

/** One CSV row -> store record; throws SfApiError for rows that can't be turned into a record. */
function toRecord(ctx: OrgContext, columns: Column[], row: string[], op: Operation): SfRecord {
  const rec: SfRecord = {};
  columns.forEach((c, i) => {
    const raw = row[i] ?? '';
    // Empty = leave unchanged (and unset on insert); #N/A = set to null.
    if (raw === '') return;
    if (raw === '#N/A') {
      rec[c.field.name] = null;
      return;
    }
    if (c.kind === 'field') {
      rec[c.field.name] = c.field.type === 'id' || c.field.type === 'reference' ? (canonicalId(raw) ?? raw) : typed(c.field, raw);
      return;
    }
    const ids = c.externalField.name === 'Id' ? [canonicalId(raw) ?? raw] : ctx.store.findByExternalId(c.target.name, c.externalField.name, raw);
    if (ids.length !== 1) {
      throw new SfApiError(400, [
        {
          errorCode: ids.length === 0 ? 'INVALID_FIELD' : 'DUPLICATE_EXTERNAL_ID',
          message:
            ids.length === 0
              ? `Foreign key external ID: ${raw} not found for field ${c.externalField.name} in entity ${c.target.name}`
              : `Foreign key external ID: ${raw} matches more than one ${c.target.name} record`,
          fields: [c.header],
        },
      ]);
    }
    rec[c.field.name] = ids[0];
  });
  if ((op === 'update' || op === 'delete' || op === 'hardDelete') && !rec.Id) {
    throw new SfApiError(400, [{ errorCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: ['Id'] }]);
  }
  return rec;
}

function process(ctx: OrgContext, req: ApiRequest, job: IngestJob): void {
  const started = Date.now();
  const obj = objectOr404(ctx, job.object);
  const { header, rows } = readCsv(job.csv ?? '', job);
  job.header = header;
  let columns: Column[];
  try {
    columns = columnsOf(ctx, obj, header);
    if (job.operation === 'upsert' && !header.some((h) => h.toLowerCase() === job.externalIdFieldName?.toLowerCase())) {
      throw new Error(`InvalidBatch : Field name not found : ${job.externalIdFieldName ?? ''}`);
    }
  } catch (e) {
    job.state = 'Failed';
    job.errorMessage = (e as Error).message;
    job.unprocessed = rows;
    return;
  }
  ctx.bulkUsage('batches', Math.max(1, Math.ceil(rows.length / CHUNK)));
  const locked = req.locks(rows.length);
  const idColumn = header.findIndex((h) => h.toLowerCase() === 'id');
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    const records: (SfRecord | SfErrorItem[])[] = chunk.map((row) => {
      try {
        return toRecord(ctx, columns, row, job.operation);
      } catch (e) {
        if (e instanceof SfApiError) return e.errors;
        throw e;
      }
    });
    const chunkLocks = new Set([...locked].filter((i) => i >= start && i < start + CHUNK).map((i) => i - start));
    records.forEach((r, i) => Array.isArray(r) && chunkLocks.add(i));
    const results = writeRecords(ctx, chunk.length, chunkLocks, false, (idx) => {
      const recs = idx.map((i) => records[i] as SfRecord);
      return write(ctx, job, recs);
    });
    results.forEach((r, i) => {
      const bad = records[i];
      const row = chunk[i];
      // A failed insert has no id; failed updates and deletes echo the Id they were given.
      const givenId = idColumn >= 0 && job.operation !== 'insert' ? (canonicalId(row[idColumn] ?? '') ?? '') : '';
      if (Array.isArray(bad)) job.failed.push([givenId, bulkError(bad), ...row]);
      else if (r.success) job.successful.push([r.id, String(r.created ?? job.operation === 'insert'), ...row]);
      else job.failed.push([r.id ?? givenId, bulkError(r.errors), ...row]);
    });
  }
  job.numberRecordsProcessed = rows.length;
  job.numberRecordsFailed = job.failed.length;
  job.state = 'JobComplete';
  job.totalProcessingTime = Date.now() - started;
}

function write(ctx: OrgContext, job: IngestJob, recs: SfRecord[]): SaveResult[] {
  switch (job.operation) {
    case 'insert':
      return ctx.store.insert(job.object, recs, { allOrNone: false }).map((r) => ({ ...r, created: true }));
    case 'update':
      return ctx.store.update(job.object, recs, { allOrNone: false }).map((r) => ({ ...r, created: false }));
    case 'upsert':
      return ctx.store.upsert(job.object, job.externalIdFieldName ?? '', recs, { allOrNone: false });
    case 'delete':
    case 'hardDelete':
      return ctx.store.delete(recs.map((r) => String(r.Id)), { allOrNone: false }).map((r) => ({ ...r, created: false }));
  }
}

export function addIngestRoutes(t: RouteTable, ctx: OrgContext, jobs: Map<string, IngestJob> = new Map()): void {
  const get = (id: string): IngestJob => getOr404(jobs, id);
  const json = (status: number, body: unknown): ApiResponse => ({ status, json: body });

  t.add('POST', '/jobs/ingest', (req) => {
    const body = jsonObject(req.body);
    const operation = body.operation as Operation;
    if (!OPERATIONS.includes(operation)) {
      throw new SfApiError(400, [{ errorCode: 'INVALIDJOB', message: `InvalidJob : Invalid operation: ${String(body.operation)}` }]);
    }
    const obj = typeof body.object === 'string' ? ctx.store.schema.get(body.object) : undefined;
    if (!obj) throw new SfApiError(400, [{ errorCode: 'INVALIDJOB', message: `InvalidJob : Unable to find object: ${String(body.object)}` }]);
    let externalIdFieldName: string | undefined;
    if (operation === 'upsert') {
      const f = typeof body.externalIdFieldName === 'string' ? obj.fieldMap.get(body.externalIdFieldName.toLowerCase()) : undefined;
      if (!f || !(f.externalId || f.name === 'Id')) {
        throw new SfApiError(400, [
          { errorCode: 'INVALIDJOB', message: `InvalidJob : External ID was blank or not an external ID field for ${obj.name}: ${String(body.externalIdFieldName)}` },
        ]);
      }
      externalIdFieldName = f.name;
    }
    const base = newJobBase(body, obj.name, operation, req.session.user.userId, ctx.clock(), req.version);
    const job: IngestJob = { ...base, operation, externalIdFieldName, numberRecordsFailed: 0, header: [], successful: [], failed: [], unprocessed: [] };
    jobs.set(job.id, job);
    return json(200, info(job));
  });

  t.add('GET', '/jobs/ingest', () =>
    json(200, { done: true, records: [...jobs.values()].map(info), nextRecordsUrl: null }),
  );

  t.add('GET', '/jobs/ingest/:id', (_req, p) => json(200, info(get(p.id))));

  t.add('PUT', '/jobs/ingest/:id/batches', (req, p) => {
    const job = get(p.id);
    if (job.state !== 'Open' || job.csv !== undefined) {
      throw new SfApiError(409, [{ errorCode: 'INVALIDJOBSTATE', message: `Data can only be uploaded once to a job in the Open state. Current state: ${job.state}` }]);
    }
    job.csv = req.body;
    return { status: 201 };
  });

  t.add('PATCH', '/jobs/ingest/:id', (req, p) => {
    const job = get(p.id);
    const state = jsonObject(req.body).state;
    if (state === 'Aborted') {
      if (isTerminal(job.state)) throw new SfApiError(400, [{ errorCode: 'INVALIDJOBSTATE', message: `Job is already ${job.state}` }]);
      job.state = 'Aborted';
      job.unprocessed = job.csv ? readCsv(job.csv, job).rows : [];
      job.header = job.csv ? readCsv(job.csv, job).header : [];
      return json(200, info(job));
    }
    if (state !== 'UploadComplete') {
      throw new SfApiError(400, [{ errorCode: 'INVALIDJOBSTATE', message: `Unsupported state change: ${String(state)}` }]);
    }
    if (job.state !== 'Open') throw new SfApiError(400, [{ errorCode: 'INVALIDJOBSTATE', message: `Job is ${job.state}, not Open` }]);
    job.systemModstamp = sfTime(ctx.clock());
    if (job.csv === undefined || job.csv.trim() === '') {
      job.state = 'Failed';
      job.errorMessage = 'InvalidBatch : No data was uploaded to the job';
      return json(200, { ...info(job), state: 'UploadComplete' });
    }
    process(ctx, req, job);
    return json(200, { ...info(job), state: 'UploadComplete' });
  });

  const results = (kind: 'successful' | 'failed' | 'unprocessed') => (_req: ApiRequest, p: Params): ApiResponse => {
    const job = get(p.id);
    const prefix = kind === 'successful' ? ['sf__Id', 'sf__Created'] : kind === 'failed' ? ['sf__Id', 'sf__Error'] : [];
    const rows = kind === 'successful' ? job.successful : kind === 'failed' ? job.failed : job.unprocessed;
    const header = job.header.length ? [...prefix, ...job.header] : prefix;
    return { status: 200, csv: writeCsv(job, header, rows) };
  };
  t.add('GET', '/jobs/ingest/:id/successfulResults', results('successful'));
  t.add('GET', '/jobs/ingest/:id/failedResults', results('failed'));
  t.add('GET', '/jobs/ingest/:id/unprocessedrecords', results('unprocessed'));

  t.add('DELETE', '/jobs/ingest/:id', (_req, p) => {
    const job = get(p.id);
    if (!isTerminal(job.state) && job.state !== 'Open') {
      throw new SfApiError(400, [{ errorCode: 'INVALIDJOBSTATE', message: `Job ${job.id} can't be deleted in state ${job.state}` }]);
    }
    jobs.delete(job.id);
    return { status: 204 };
  });
}
