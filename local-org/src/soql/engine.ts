// The SOQL engine behind /query, /queryAll, /query/{locator} and Bulk 2.0 query jobs: parses with
// @jetstreamapp/soql-parser-js, compiles to SQL over the store's tables and shapes Salesforce's JSON.
import { parseQuery, type Query } from '@jetstreamapp/soql-parser-js';
import type { StatementSync } from 'node:sqlite';
import { SfApiError, type OrgStore } from '../types.js';
import { CursorStore, type Cursor } from './cursors.js';
import { queryColumns, type QueryColumns } from './columns.js';
import { malformed, positionOf } from './errors.js';
import { Planner, type RowPlan } from './plan.js';
import { aggregateRecord, buildRecord, csvValue, flatColumns, type Cell, type ChildResults, type RecordContext, type Row } from './records.js';

export type QueryPage = { totalSize: number; done: boolean; nextRecordsUrl?: string; records: object[] };
export type QueryOptions = { scanAll: boolean; batchSize?: number; apiVersion: string };
export type FlatRows = { columns: string[]; rows: Iterable<Cell[]> };

export type QueryEngine = {
  /** First page of a query; `scanAll` is /queryAll (recycle-bin and archived rows included). */
  query(soql: string, opts: QueryOptions): QueryPage;
  /** The page a locator (`01g...-2000` or a whole nextRecordsUrl) points at; INVALID_QUERY_LOCATOR if unknown. */
  queryMore(locator: string, opts: { apiVersion: string }): QueryPage;
  /** The query's column metadata (GET /query?columns=true); plans (and so validates) without running it. */
  columns(soql: string): QueryColumns;
  /** All rows flat, for Bulk 2.0 CSV; rejects what Bulk queries don't support. */
  rows(soql: string, opts: { scanAll: boolean }): FlatRows;
};

export type EngineOptions = { maxCursors?: number };

const DEFAULT_BATCH = 2000;
const MIN_BATCH = 200;
const MAX_BATCH = 2000;
/** Parents fetched at a time when child sub-queries decide how many fit in a batch. */
const PARENT_CHUNK = 200;

/** Sforce-Query-Options batchSize: 200..2000, default 2000; the server may return fewer. */
export function effectiveBatchSize(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested)) return DEFAULT_BATCH;
  return Math.min(MAX_BATCH, Math.max(MIN_BATCH, Math.floor(requested)));
}

const versionBase = (apiVersion: string): string => `/services/data/v${apiVersion.replace(/^v/i, '')}`;

export function parseSoql(soql: string): Query {
  try {
    return parseQuery(soql);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const found = /but found(?::| -->) '?(.*?)'?(?: <--)?$/s.exec(msg)?.[1] ?? /->(.)<-/.exec(msg)?.[1];
    if (found === undefined || found === '') throw malformed(soql, soql.length, 'unexpected token: <EOF>');
    const at = /at offset: (\d+)/.exec(msg);
    throw malformed(soql, at ? Number(at[1]) : positionOf(soql, found), `unexpected token: '${found}'`);
  }
}

/** Bulk 2.0 refuses these at job creation; the sub-query message is the one orgs send. */
function bulkUnsupported(message: string): SfApiError {
  return new SfApiError(400, [{ errorCode: 'FEATURENOTENABLED', message }]);
}

export function createQueryEngine(store: OrgStore, options: EngineOptions = {}): QueryEngine {
  const cursors = new CursorStore(options.maxCursors ?? 1000);
  const statements = new Map<string, StatementSync>();

  const prepare = (sql: string): StatementSync => {
    let st = statements.get(sql);
    if (!st) {
      st = store.db.prepare(sql);
      st.setReturnArrays(true);
      if (statements.size >= 500) statements.delete(statements.keys().next().value as string);
      statements.set(sql, st);
    }
    return st;
  };

  const plan = (soql: string, scanAll: boolean, parsed: Query = parseSoql(soql)) =>
    new Planner(store.schema, soql, { now: store.now(), scanAll }).plan(parsed);

  /** Rows of one page; parents are cut so that parents plus their child rows fit the batch. */
  const rowsPage = (cursor: Extract<Cursor, { kind: 'rows' }>, offset: number, ctx: RecordContext): { records: object[]; next: number } => {
    const { plan: p, rowids, batchSize } = cursor;
    const fetch = (from: number, to: number): Row[] =>
      prepare(p.pageSql).all(JSON.stringify(Array.from(rowids.subarray(from, to)))) as unknown as Row[];
    if (!p.children.length) {
      const rows = fetch(offset, offset + batchSize);
      return { records: rows.map((r) => buildRecord(ctx, p.object.name, r, p.shape)), next: offset + rows.length };
    }
    // Parents go in small chunks so a page with many children per parent does not fetch (and drop) the
    // children of a whole batch of parents it cannot return.
    const kept: Row[] = [];
    const raw = new Map<string, Map<string, Row[]>>(p.children.map((c) => [c.key, new Map()]));
    let used = 0;
    let full = false;
    for (let from = offset; !full && from < Math.min(rowids.length, offset + batchSize); from += PARENT_CHUNK) {
      const rows = fetch(from, Math.min(from + PARENT_CHUNK, offset + batchSize));
      const parentIds = JSON.stringify(rows.map((r) => r[0]));
      const sizes = new Map<string, number>();
      const chunk = new Map<string, Map<string, Row[]>>();
      for (const child of p.children) {
        const byParent = new Map<string, Row[]>();
        for (const r of prepare(child.plan.sql).all(parentIds) as unknown as Row[]) {
          const parentId = String(r[child.plan.cols]);
          let list = byParent.get(parentId);
          if (!list) byParent.set(parentId, (list = []));
          list.push(r);
          sizes.set(parentId, (sizes.get(parentId) ?? 0) + 1);
        }
        chunk.set(child.key, byParent);
      }
      for (const r of rows) {
        const id = String(r[0]);
        const size = 1 + (sizes.get(id) ?? 0);
        if (kept.length > 0 && used + size > batchSize) {
          full = true;
          break;
        }
        kept.push(r);
        used += size;
        for (const [key, byParent] of chunk) {
          const list = byParent.get(id);
          if (list) raw.get(key)!.set(id, list);
        }
      }
    }
    const children: ChildResults = new Map(
      p.children.map((c) => [
        c.key,
        new Map([...raw.get(c.key)!].map(([id, rows]) => [id, rows.map((r) => buildRecord(ctx, c.plan.object.name, r, c.plan.shape))])),
      ]),
    );
    return { records: kept.map((r) => buildRecord(ctx, p.object.name, r, p.shape, children)), next: offset + kept.length };
  };

  const page = (id: string | undefined, cursor: Cursor, offset: number, base: string): QueryPage => {
    const ctx: RecordContext = { schema: store.schema, base };
    const total = cursor.kind === 'rows' ? cursor.rowids.length : cursor.records.length;
    let records: object[];
    let next: number;
    if (cursor.kind === 'rows') ({ records, next } = rowsPage(cursor, offset, ctx));
    else {
      records = cursor.records.slice(offset, offset + cursor.batchSize);
      next = offset + records.length;
    }
    if (next >= total) {
      if (id) cursors.close(id);
      return { totalSize: total, done: true, records };
    }
    const locator = id ?? cursors.add(cursor);
    return { totalSize: total, done: false, nextRecordsUrl: `${base}/query/${locator}-${next}`, records };
  };

  return {
    query(soql, opts) {
      const p = plan(soql, opts.scanAll);
      const base = versionBase(opts.apiVersion);
      const batchSize = effectiveBatchSize(opts.batchSize);
      if (p.kind === 'count') {
        const [[n]] = prepare(p.sql).all() as unknown as [[number]];
        return { totalSize: Number(n), done: true, records: [] };
      }
      if (p.kind === 'aggregate') {
        const records = (prepare(p.sql).all() as unknown as Row[]).map((r) => aggregateRecord(r, p.items));
        return page(undefined, { kind: 'records', records, batchSize }, 0, base);
      }
      const rowids = Float64Array.from(prepare(p.idsSql).all() as unknown as [number][], (r) => r[0]);
      return page(undefined, { kind: 'rows', plan: p, rowids, batchSize }, 0, base);
    },

    queryMore(locator, opts) {
      const { id, cursor, offset } = cursors.resolve(locator);
      return page(id, cursor, offset, versionBase(opts.apiVersion));
    },

    columns(soql) {
      const parsed = parseSoql(soql);
      const p = plan(soql, false, parsed);
      // The planner has already refused an unknown FROM object.
      const object = store.schema.get(parsed.sObject ?? '')!;
      return queryColumns(p, object);
    },

    rows(soql, opts) {
      const parsed = parseSoql(soql);
      if (parsed.offset !== undefined) throw bulkUnsupported('OFFSET not supported in Bulk V2 Query');
      const p = plan(soql, opts.scanAll);
      if (p.kind !== 'rows') throw bulkUnsupported('Aggregate Functions and GROUP BY not supported in Bulk V2 Query');
      if (p.children.length) throw bulkUnsupported('Aggregate Relationships not supported in Bulk V2 Query with CSV content type');
      if (p.shape.some((n) => n.kind === 'rel' && n.branches)) throw bulkUnsupported('TYPEOF not supported in Bulk V2 Query');
      const cols = flatColumns((p as RowPlan).shape);
      // Not from the cache: a caller may hold this iterator open while other queries run.
      const st = store.db.prepare(p.flatSql);
      st.setReturnArrays(true);
      return {
        columns: cols.map((c) => c.name),
        rows: {
          *[Symbol.iterator]() {
            for (const r of st.iterate() as Iterable<Row>) yield cols.map((c) => csvValue(c.type, r[c.col]));
          },
        },
      };
    },
  };
}
