// Stored SQLite values to the JSON Salesforce sends (booleans, `+0000` datetimes, numbers) and result rows
// to records with `attributes` and nested parent objects.
import type { FieldType, Schema } from '../types.js';
import type { AggItem, ShapeNode } from './plan.js';

export type Cell = string | number | boolean | null;
export type Row = unknown[];

/** Stored datetimes are `YYYY-MM-DDTHH:MM:SS.sssZ`; REST shows `YYYY-MM-DDTHH:MM:SS.sss+0000`. */
function restDateTime(v: string): string {
  if (v.length === 24 && v.endsWith('Z')) return `${v.slice(0, 23)}+0000`;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? v : `${d.toISOString().slice(0, 23)}+0000`;
}

export function jsonValue(type: FieldType, v: unknown): Cell {
  if (type === 'boolean') return v === null || v === undefined ? false : v === true || v === 1 || v === '1' || v === 'true';
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'datetime': return restDateTime(String(v));
    case 'date': return String(v).slice(0, 10);
    case 'int': case 'double': case 'currency': case 'percent': return typeof v === 'number' ? v : Number(v);
    default: return typeof v === 'bigint' ? Number(v) : (v as Cell);
  }
}

/** Bulk API CSV values: datetimes keep the `Z` form Bulk 2.0 exports use. */
export function csvValue(type: FieldType, v: unknown): Cell {
  if (type === 'datetime' && v !== null && v !== undefined) {
    const s = String(v);
    return s.length === 24 && s.endsWith('Z') ? s : new Date(s).toISOString();
  }
  return jsonValue(type, v);
}

export type RecordContext = { schema: Schema; base: string };

export const attributes = (ctx: RecordContext, type: string, id: string): { type: string; url: string } => ({
  type,
  url: `${ctx.base}/sobjects/${type}/${id}`,
});

/** Concrete type of a parent: polymorphic lookups (What, Who, Owner) are decided by the id's key prefix. */
function parentType(ctx: RecordContext, types: string[], id: string): string {
  if (types.length === 1) return types[0];
  return ctx.schema.byKeyPrefix(id.slice(0, 3))?.name ?? types[0];
}

export type ChildResults = Map<string, Map<string, object[]>>; // child key -> parent id -> records

export function buildRecord(
  ctx: RecordContext,
  type: string,
  row: Row,
  shape: ShapeNode[],
  children?: ChildResults,
): Record<string, unknown> {
  const id = String(row[0]);
  const rec: Record<string, unknown> = { attributes: attributes(ctx, type, id) };
  fill(ctx, rec, row, shape, id, children);
  return rec;
}

function fill(ctx: RecordContext, rec: Record<string, unknown>, row: Row, nodes: ShapeNode[], id: string, children?: ChildResults): void {
  for (const n of nodes) {
    if (n.kind === 'field') rec[n.key] = jsonValue(n.type, row[n.col]);
    else if (n.kind === 'rel') {
      const pid = row[n.idCol];
      if (pid === null || pid === undefined) {
        rec[n.key] = null;
        continue;
      }
      const type = parentType(ctx, n.types, String(pid));
      const parent: Record<string, unknown> = { attributes: attributes(ctx, type, String(pid)) };
      const nodes = n.branches ? (n.branches.get(type.toLowerCase()) ?? n.otherwise ?? []) : n.nodes;
      fill(ctx, parent, row, nodes, String(pid));
      rec[n.key] = parent;
    } else {
      const list = children?.get(n.key)?.get(id);
      rec[n.key] = list && list.length ? { totalSize: list.length, done: true, records: list } : null;
    }
  }
}

export function aggregateRecord(row: Row, items: AggItem[]): Record<string, unknown> {
  const rec: Record<string, unknown> = { attributes: { type: 'AggregateResult' } };
  for (const it of items) rec[it.key] = jsonValue(it.type, row[it.col]);
  return rec;
}

/** Flat CSV columns (`Name`, `Account.Name`) and the row cells in that order, for Bulk API exports. */
export function flatColumns(shape: ShapeNode[], prefix = ''): { name: string; col: number; type: FieldType }[] {
  return shape.flatMap((n) => {
    if (n.kind === 'field') return [{ name: prefix + n.key, col: n.col, type: n.type }];
    if (n.kind === 'rel') {
      if (n.branches) throw new TypeError('TYPEOF has no flat columns');
      return flatColumns(n.nodes, `${prefix}${n.key}.`);
    }
    return [];
  });
}
