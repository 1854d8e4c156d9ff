// Compiles parsed SOQL into SQL plans: row queries (ordered rowid snapshot + page fetch), child sub-queries,
// aggregate queries and COUNT(). The plan also carries the output shape used to build Salesforce records.
import type {
  FieldType as ParsedField, FieldTypeOf, GroupByClause, OrderByClause, Query, Subquery,
} from '@jetstreamapp/soql-parser-js';
import type { FieldDef, FieldType, ObjectDef, Schema } from '../types.js';
import { badChildRelationship, malformed, noSuchColumn, positionOf, soqlError, unsupportedType } from './errors.js';
import { compileFunction, isAggregateName, type FunctionLike } from './functions.js';
import { q, Scope, STRINGISH } from './resolve.js';
import { compileCondition, liveFilter, type Ctx } from './where.js';

/** `def`: the field read (query column metadata describes it). */
export type FieldNode = { kind: 'field'; key: string; col: number; type: FieldType; def: FieldDef };
export type RelNode = {
  kind: 'rel';
  key: string;
  path: string;
  /** The reference field followed (OwnerId), for query column metadata. */
  foreignKey: string;
  idCol: number;
  types: string[];
  nodes: ShapeNode[];
  /** TYPEOF: fields per concrete object type (lower-cased name), else `otherwise`, instead of `nodes`. */
  branches?: Map<string, FieldNode[]>;
  otherwise?: FieldNode[];
};
export type ChildNode = { kind: 'child'; key: string; plan: ChildPlan };
export type ShapeNode = FieldNode | RelNode | ChildNode;

export type ChildPlan = {
  object: ObjectDef;
  /** Param: JSON array of parent ids. Columns: the shape's, then the parent id. Ordered by parent, then SOQL order. */
  sql: string;
  cols: number;
  shape: ShapeNode[];
};

export type RowPlan = {
  kind: 'rows';
  object: ObjectDef;
  /** Ordered rowids of every result row (LIMIT/OFFSET applied). */
  idsSql: string;
  /** Param: JSON array of rowids; returns shape columns in that order (column 0 = Id). */
  pageSql: string;
  /** All result rows in one statement, for Bulk API exports. */
  flatSql: string;
  shape: ShapeNode[];
  children: ChildNode[];
};

/** `display`: how Salesforce names the column (`avg(Amount)` for functions, the field name otherwise). */
export type AggItem = { key: string; col: number; type: FieldType; aggregate: boolean; display: string; def?: FieldDef };
export type AggregatePlan = { kind: 'aggregate'; sql: string; items: AggItem[] };
export type CountPlan = { kind: 'count'; sql: string };
export type Plan = RowPlan | AggregatePlan | CountPlan;

const MAX_OFFSET = 2000;
const FIELDS_LIMIT = 200;

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

type Cols = string[];

function orderTerm(sql: string, type: FieldType, o: { order?: string; nulls?: string }): string {
  const dir = (o.order ?? 'ASC').toUpperCase();
  // Salesforce default: nulls first ascending, last descending.
  const nulls = (o.nulls ?? (dir === 'ASC' ? 'FIRST' : 'LAST')).toUpperCase();
  return `${sql}${STRINGISH.has(type) ? ' COLLATE NOCASE' : ''} ${dir} NULLS ${nulls}`;
}

function orderBy(scope: Scope, clauses: OrderByClause[]): string[] {
  return clauses.map((o) => {
    if ('field' in o) {
      const r = scope.field(o.field);
      return orderTerm(r.sql, r.field.type, o);
    }
    const r = compileFunction(scope, o.fn);
    return orderTerm(r.sql, r.type, o);
  });
}

/**
 * Insertion order breaks ties (and is the whole order without ORDER BY), so pages are deterministic; it
 * follows the direction of the last sort term so an index on that field can still deliver the order.
 */
function withTieBreak(scope: Scope, terms: string[]): string {
  const desc = terms.length > 0 && / DESC NULLS /.test(terms[terms.length - 1]);
  return [...terms, `${scope.alias}.rowid${desc ? ' DESC' : ''}`].join(', ');
}

function limitOffset(soql: string, query: Query | Subquery): string {
  let out = '';
  if (query.limit !== undefined) out += ` LIMIT ${Number(query.limit)}`;
  if (query.offset !== undefined) {
    const offset = Number(query.offset);
    if (offset > MAX_OFFSET) {
      throw soqlError('NUMBER_OUTSIDE_VALID_RANGE', soql, positionOf(soql, 'OFFSET'), `Maximum SOQL offset allowed is ${MAX_OFFSET}`);
    }
    out += `${query.limit === undefined ? ' LIMIT -1' : ''} OFFSET ${offset}`;
  }
  return out;
}

/** Fields that FIELDS() added: overlapping an explicit field is not a duplicate-field error. */
const expanded = new WeakSet<ParsedField>();

function expandFields(soql: string, object: ObjectDef, query: Query | Subquery, fields: ParsedField[]): ParsedField[] {
  return fields.flatMap((f): ParsedField[] => {
    if (f.type !== 'FieldFunctionExpression' || f.functionName.toUpperCase() !== 'FIELDS') return [f];
    const kind = String(f.parameters[0] ?? '').toUpperCase();
    if (kind !== 'STANDARD' && (query.limit === undefined || Number(query.limit) > FIELDS_LIMIT)) {
      throw malformed(soql, positionOf(soql, 'FIELDS'), `The SOQL FIELDS function must have a LIMIT of at most ${FIELDS_LIMIT}`);
    }
    return object.fields
      .filter((d) => kind === 'ALL' || (kind === 'CUSTOM') === d.custom)
      .map((d) => {
        const item: ParsedField = { type: 'Field', field: d.name };
        expanded.add(item);
        return item;
      });
  });
}

/** `AVG(amount)` is shown as `avg(Amount)`: the function in lower case around the canonical field name. */
function displayName(scope: Scope, fn: FunctionLike): string {
  const args = (fn.parameters ?? []).map((p) => (typeof p === 'string' ? scope.field(p).field.name : displayName(scope, p)));
  return `${(fn.functionName ?? '').toLowerCase()}(${args.join(', ')})`;
}

export class Planner {
  public constructor(
    private readonly schema: Schema,
    private readonly soql: string,
    private readonly ctx: Ctx,
  ) {}

  public plan(query: Query): Plan {
    const object = this.object(query.sObject ?? '');
    const scope = new Scope(this.soql, this.schema, object, { n: 0 }, query.sObjectAlias);
    const fields = expandFields(this.soql, object, query, query.fields ?? []);
    const isCount =
      fields.length === 1 && fields[0].type === 'FieldFunctionExpression' &&
      fields[0].functionName.toUpperCase() === 'COUNT' && fields[0].parameters.length === 0;
    if (isCount) return this.count(scope, query);
    const aggregate =
      query.groupBy !== undefined ||
      fields.some((f) => f.type === 'FieldFunctionExpression' && isAggregateName(f.functionName));
    return aggregate ? this.aggregate(scope, query, fields) : this.rows(scope, query, fields);
  }

  private object(name: string): ObjectDef {
    const object = this.schema.get(name);
    if (!object || !object.queryable) throw unsupportedType(this.soql, positionOf(this.soql, name, positionOf(this.soql, 'FROM')), name);
    return object;
  }

  private filter(scope: Scope, query: Query | Subquery, extra: string[] = []): string {
    const conds = [...extra, ...liveFilter(scope, this.ctx)];
    if (query.where) conds.push(compileCondition(scope, this.ctx, query.where));
    return conds.length ? ` WHERE ${conds.join(' AND ')}` : '';
  }

  private count(scope: Scope, query: Query): CountPlan {
    if (query.orderBy) throw malformed(this.soql, positionOf(this.soql, 'ORDER BY'), "unexpected token: 'ORDER'");
    const where = this.filter(scope, query);
    return { kind: 'count', sql: `SELECT COUNT(*) FROM (SELECT 1 FROM ${scope.fromClause()}${where}${limitOffset(this.soql, query)})` };
  }

  /** Output shape of plain (non-aggregate) fields: nested parent objects keyed by relationship name. */
  private shape(scope: Scope, fields: ParsedField[], cols: Cols, allowChildren: boolean): { shape: ShapeNode[]; children: ChildNode[] } {
    const shape: ShapeNode[] = [];
    const children: ChildNode[] = [];
    const explicit = new Set<string>();
    for (const f of fields) {
      if (f.type === 'FieldSubquery') {
        if (!allowChildren) throw malformed(this.soql, positionOf(this.soql, f.subquery.relationshipName), "unexpected token: '('");
        const node: ChildNode = { kind: 'child', ...this.child(scope, f.subquery) };
        shape.push(node);
        children.push(node);
        continue;
      }
      if (f.type === 'FieldTypeof') {
        shape.push(this.typeOf(scope, f, cols));
        continue;
      }
      let path: string;
      let sql: string;
      let type: FieldType;
      let name: string;
      let hops: ReturnType<Scope['field']>['path'];
      let def: FieldDef;
      if (f.type === 'FieldFunctionExpression') {
        const param = f.parameters[0];
        if (typeof param !== 'string') throw malformed(this.soql, positionOf(this.soql, f.functionName), `unexpected token: '${f.functionName}'`);
        const r = compileFunction(scope, f as FunctionLike);
        const resolved = scope.field(param);
        ({ sql, type } = r);
        name = f.alias ?? resolved.field.name;
        def = resolved.field;
        hops = resolved.path;
        path = param;
      } else {
        path = f.type === 'Field' ? f.field : (f.rawValue ?? [...f.relationships, f.field].join('.'));
        const r = scope.field(path);
        ({ sql } = r);
        type = r.field.type;
        name = r.field.name;
        def = r.field;
        hops = r.path;
      }
      let level = shape;
      for (const hop of hops) {
        let rel = level.find((n): n is RelNode => n.kind === 'rel' && n.path === hop.key);
        if (!rel) {
          rel = { kind: 'rel', key: hop.relationshipName, path: hop.key, foreignKey: hop.fieldName, idCol: cols.push(hop.idSql) - 1, types: hop.targets.map((t) => t.object.name), nodes: [] };
          level.push(rel);
        }
        level = rel.nodes;
      }
      const fullKey = [...hops.map((h) => h.key), name.toLowerCase()].join('.');
      if (level.some((n) => n.kind === 'field' && n.key === name)) {
        if (expanded.has(f) || !explicit.has(fullKey)) continue;
        throw malformed(this.soql, positionOf(this.soql, path, positionOf(this.soql, path) + 1), `duplicate field selected: ${path.includes('.') ? path : name}`);
      }
      if (!expanded.has(f)) explicit.add(fullKey);
      level.push({ kind: 'field', key: name, col: cols.push(sql) - 1, type, def });
    }
    return { shape, children };
  }

  /** TYPEOF What WHEN Account THEN ... ELSE ... END: one parent object whose fields depend on its type. */
  private typeOf(scope: Scope, f: FieldTypeOf, cols: Cols): RelNode {
    const [hop] = scope.relationships([f.field], f.field);
    const node: RelNode = {
      kind: 'rel', key: hop.relationshipName, path: `${hop.key}#typeof`, foreignKey: hop.fieldName, idCol: cols.push(hop.idSql) - 1,
      types: hop.targets.map((t) => t.object.name), nodes: [], branches: new Map(),
    };
    for (const c of f.conditions) {
      if (c.type === 'ELSE') {
        node.otherwise = c.fieldList.map((name) => {
          const r = scope.field(`${f.field}.${name}`);
          return { kind: 'field', key: r.field.name, col: cols.push(r.sql) - 1, type: r.field.type, def: r.field };
        });
        continue;
      }
      const target = hop.targets.find((t) => t.object.name.toLowerCase() === (c.objectType ?? '').toLowerCase());
      if (!target) {
        throw malformed(this.soql, positionOf(this.soql, c.objectType ?? 'WHEN'), `${c.objectType} is not a valid type for ${hop.relationshipName}`);
      }
      node.branches!.set(target.object.name.toLowerCase(), c.fieldList.map((name) => {
        const fd = target.object.fieldMap.get(name.toLowerCase());
        if (!fd) throw noSuchColumn(this.soql, positionOf(this.soql, name, positionOf(this.soql, 'TYPEOF')), name, target.object.name);
        return { kind: 'field', key: fd.name, col: cols.push(`${target.alias}.${q(fd.name)}`) - 1, type: fd.type, def: fd };
      }));
    }
    return node;
  }

  private rows(scope: Scope, query: Query, fields: ParsedField[]): RowPlan {
    const cols: Cols = [`${scope.alias}."Id"`];
    const { shape, children } = this.shape(scope, fields, cols, true);
    const tail = (s: Scope): string => {
      const order = withTieBreak(s, orderBy(s, asArray(query.orderBy)));
      return `${this.filter(s, query)} ORDER BY ${order}${limitOffset(this.soql, query)}`;
    };
    // The rowid snapshot joins only what WHERE and ORDER BY read; pages join only what SELECT reads.
    const filterScope = new Scope(this.soql, this.schema, scope.root, { n: 0 }, query.sObjectAlias);
    const idsTail = tail(filterScope);
    const flatTail = tail(scope);
    return {
      kind: 'rows',
      object: scope.root,
      idsSql: `SELECT ${filterScope.alias}.rowid FROM ${filterScope.fromClause()}${idsTail}`,
      pageSql:
        `SELECT ${cols.join(', ')} FROM json_each(?) AS k JOIN ${q(scope.root.name)} AS ${scope.alias} ` +
        `ON ${scope.alias}.rowid = k.value ${scope.joinClause} ORDER BY k.key`,
      flatSql: `SELECT ${cols.join(', ')} FROM ${scope.fromClause()}${flatTail}`,
      shape,
      children,
    };
  }

  private child(parent: Scope, sub: Subquery): { key: string; plan: ChildPlan } {
    const relName = sub.relationshipName;
    const rel = parent.root.childRelationships.find((r) => r.relationshipName?.toLowerCase() === relName.toLowerCase());
    const object = rel ? this.schema.get(rel.childSObject) : undefined;
    if (!rel || !rel.relationshipName || !object) throw badChildRelationship(this.soql, positionOf(this.soql, relName), relName);
    const scope = new Scope(this.soql, this.schema, object, { n: 0 }, sub.sObjectAlias);
    const fields = expandFields(this.soql, object, sub, sub.fields ?? []);
    if (fields.some((f) => f.type === 'FieldFunctionExpression' && isAggregateName(f.functionName))) {
      throw malformed(this.soql, positionOf(this.soql, relName), 'Aggregate functions are not supported in a subquery');
    }
    const cols: Cols = [`${scope.alias}."Id"`];
    const { shape } = this.shape(scope, fields, cols, false);
    const link = `${scope.alias}."${rel.field}"`;
    const where = this.filter(scope, sub, [`${link} IN (SELECT value FROM json_each(?))`]);
    const order = withTieBreak(scope, orderBy(scope, asArray(sub.orderBy)));
    const n = cols.length;
    const inner = `SELECT ${cols.map((c, i) => `${c} AS c${i}`).join(', ')}, ${link} AS p, ROW_NUMBER() OVER (PARTITION BY ${link} ORDER BY ${order}) AS rn FROM ${scope.fromClause()}${where}`;
    const limit = sub.limit !== undefined ? ` WHERE rn <= ${Number(sub.limit)}` : '';
    const sql = `SELECT ${cols.map((_c, i) => `c${i}`).join(', ')}, p FROM (${inner})${limit} ORDER BY p, rn`;
    return { key: rel.relationshipName, plan: { object, sql, cols: n, shape } };
  }

  private aggregate(scope: Scope, query: Query, fields: ParsedField[]): AggregatePlan {
    const groups = asArray<GroupByClause>(query.groupBy).map((g) =>
      'field' in g ? scope.field(g.field).sql : compileFunction(scope, g.fn).sql,
    );
    const cols: string[] = [];
    const items: AggItem[] = [];
    let expr = 0;
    for (const f of fields) {
      if (f.type === 'FieldSubquery' || f.type === 'FieldTypeof') {
        throw malformed(this.soql, positionOf(this.soql, 'SELECT'), 'Aggregate query does not support sub-queries');
      }
      if (f.type === 'FieldFunctionExpression') {
        const r = compileFunction(scope, f as FunctionLike);
        if (!r.aggregate && !groups.includes(r.sql)) {
          throw malformed(this.soql, positionOf(this.soql, f.functionName), `Field must be grouped or aggregated: ${r.fieldName}`);
        }
        const key = f.alias ?? `expr${expr++}`;
        items.push({ key, col: cols.push(r.sql) - 1, type: r.type, aggregate: true, display: displayName(scope, f as FunctionLike) });
        continue;
      }
      const path = f.type === 'Field' ? f.field : (f.rawValue ?? [...f.relationships, f.field].join('.'));
      const r = scope.field(path);
      if (!groups.includes(r.sql)) {
        throw malformed(this.soql, positionOf(this.soql, path), `Field must be grouped or aggregated: ${r.field.name}`);
      }
      items.push({ key: ('alias' in f && f.alias) || r.field.name, col: cols.push(r.sql) - 1, type: r.field.type, aggregate: false, display: r.field.name, def: r.field });
    }
    const where = this.filter(scope, query);
    const group = groups.length ? ` GROUP BY ${groups.join(', ')}` : '';
    const having = query.having ? ` HAVING ${compileCondition(scope, this.ctx, query.having)}` : '';
    const order = query.orderBy ? ` ORDER BY ${orderBy(scope, asArray(query.orderBy)).join(', ')}` : '';
    const sql = `SELECT ${cols.join(', ')} FROM ${scope.fromClause()}${where}${group}${having}${order}${limitOffset(this.soql, query)}`;
    return { kind: 'aggregate', sql, items };
  }
}

