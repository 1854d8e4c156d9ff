// WHERE and HAVING to SQL. SOQL uses two-valued logic (a null field simply fails `=` and passes `!=`), so
// negated forms are written null-safe; literals are typed against the field they are compared with, with
// Salesforce's errors when they don't fit.
import type { Query, WhereClause, HavingClause } from '@jetstreamapp/soql-parser-js';
import { SfApiError, type FieldType } from '../types.js';
import { dateLiteralRange, isoDate, isoDateTime, normalizeDateTimeLiteral, validDateLiteral } from './dates.js';
import { caretMessage, malformed, positionOf, soqlError, unsupportedType } from './errors.js';
import { compileFunction, type FunctionLike } from './functions.js';
import { canonicalId } from './ids.js';
import { NUMERIC, Scope, STRINGISH } from './resolve.js';

export type Ctx = { now: Date; scanAll: boolean };

type Cond = {
  field?: string;
  fn?: FunctionLike;
  operator: string;
  value?: string | string[];
  literalType?: string | string[];
  dateLiteralVariable?: number | number[];
  valueQuery?: Query;
  openParen?: number;
  closeParen?: number;
};

type Tok = '(' | ')' | 'AND' | 'OR' | 'NOT' | Cond;
type Node = { op: 'AND' | 'OR'; items: Node[] } | { op: 'NOT'; item: Node } | { op: 'COND'; cond: Cond };

/** The parser returns a right-leaning chain with parenthesis counts; rebuild the token stream, then a tree. */
function tokens(w: WhereClause | HavingClause | undefined, out: Tok[]): void {
  let node = w as { left: Cond | { openParen?: number } | null; operator?: string; right?: WhereClause } | undefined;
  while (node) {
    if (node.operator === 'NOT' && (node.left === null || !('operator' in (node.left as object)))) {
      for (let i = 0; i < ((node.left as { openParen?: number } | null)?.openParen ?? 0); i++) out.push('(');
      out.push('NOT');
      node = node.right as typeof node;
      continue;
    }
    const cond = node.left as Cond;
    for (let i = 0; i < (cond.openParen ?? 0); i++) out.push('(');
    out.push(cond);
    for (let i = 0; i < (cond.closeParen ?? 0); i++) out.push(')');
    if (!node.operator) break;
    out.push(node.operator as Tok);
    node = node.right as typeof node;
  }
}

export function conditionTree(w: WhereClause | HavingClause, soql: string): Node {
  const toks: Tok[] = [];
  tokens(w, toks);
  let i = 0;
  const fail = (tok: Tok | undefined): never => {
    const text = tok === undefined ? '<EOF>' : typeof tok === 'string' ? tok : (tok.field ?? tok.fn?.rawValue ?? '?');
    const where = positionOf(soql, 'WHERE');
    throw malformed(soql, typeof tok === 'string' ? positionOf(soql, tok, where) : where, `unexpected token: '${text}'`);
  };
  const primary = (): Node => {
    const t = toks[i++];
    if (t === 'NOT') return { op: 'NOT', item: primary() };
    if (t === '(') {
      const inner = expr();
      if (toks[i++] !== ')') fail(toks[i - 1]);
      return inner;
    }
    if (t === undefined || typeof t === 'string') return fail(t);
    return { op: 'COND', cond: t };
  };
  // SOQL refuses to mix AND and OR at one level without parentheses.
  const expr = (): Node => {
    const first = primary();
    const t = toks[i];
    if (t !== 'AND' && t !== 'OR') return first;
    const items = [first];
    while (toks[i] === 'AND' || toks[i] === 'OR') {
      if (toks[i] !== t) fail(toks[i]);
      i++;
      items.push(primary());
    }
    return { op: t, items };
  };
  const tree = expr();
  if (i !== toks.length) fail(toks[i]);
  return tree;
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** SOQL string literal body (quotes included) to its value; escapes per the SOQL reference. */
export function unquote(raw: string): string {
  const body = raw.slice(1, -1);
  return body.replace(/\\(.)/gs, (_m, c: string) => {
    switch (/[nrtbf]/i.test(c) ? c.toLowerCase() : c) {
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case 'b': return '\b';
      case 'f': return '\f';
      case '%': return '\\%'; // kept escaped: only meaningful to LIKE
      case '_': return '\\_';
      default: return c;
    }
  });
}

/** LIKE pattern for SQLite with `\` as escape: SOQL's `\%` and `\_` match the literal characters. */
function likePattern(value: string): string {
  let out = '';
  for (let k = 0; k < value.length; k++) {
    const c = value[k];
    if (c === '\\' && (value[k + 1] === '%' || value[k + 1] === '_')) {
      out += `\\${value[++k]}`;
    } else if (c === '\\') out += '\\\\';
    else out += c;
  }
  return out;
}
const plain = (value: string): string => value.replace(/\\([%_])/g, '$1');

type Lhs = { sql: string; type: FieldType; name: string; pos: number };
type Operand = { kind: 'null' } | { kind: 'value'; sql: string } | { kind: 'range'; start: string; end: string };

const TYPE_WORD: Partial<Record<FieldType, string>> = {
  boolean: 'boolean', int: 'integer', double: 'double', currency: 'double', percent: 'double',
  date: 'date', datetime: 'dateTime',
};

function typeError(soql: string, lhs: Lhs, pos: number): SfApiError {
  const word = TYPE_WORD[lhs.type];
  const msg = word
    ? `value of filter criterion for field '${lhs.name}' must be of type ${word} and should not be enclosed in quotes`
    : `value of filter criterion for field '${lhs.name}' must be of type string and should be enclosed in quotes`;
  return soqlError('INVALID_FIELD', soql, pos, msg);
}

function operand(scope: Scope, ctx: Ctx, lhs: Lhs, raw: string, literalType: string, n: number | undefined): Operand {
  const soql = scope.soql;
  const pos = positionOf(soql, raw.startsWith("'") ? raw : raw.split(':')[0], lhs.pos);
  if (literalType === 'NULL') return { kind: 'null' };
  const t = lhs.type;
  const isString = literalType === 'STRING' && raw.startsWith("'");
  if (literalType === 'STRING' && !raw.startsWith("'")) throw malformed(soql, pos, `unexpected token: ${raw}`);
  if (t === 'id' || t === 'reference') {
    if (!isString) throw typeError(soql, lhs, pos);
    const v = plain(unquote(raw));
    if (v === '') return { kind: 'null' };
    const id = canonicalId(v);
    if (!id) {
      throw new SfApiError(400, [
        { errorCode: 'INVALID_QUERY_FILTER_OPERATOR', message: caretMessage(soql, pos, `invalid ID field: ${v}`) },
      ]);
    }
    return { kind: 'value', sql: sqlString(id) };
  }
  if (STRINGISH.has(t) || t === 'time') {
    if (!isString) throw typeError(soql, lhs, pos);
    const v = plain(unquote(raw));
    return v === '' ? { kind: 'null' } : { kind: 'value', sql: sqlString(v) };
  }
  if (t === 'boolean') {
    if (literalType !== 'BOOLEAN') throw typeError(soql, lhs, pos);
    return { kind: 'value', sql: raw.toUpperCase() === 'TRUE' ? '1' : '0' };
  }
  if (NUMERIC.has(t)) {
    const num = Number(raw.replace(/^[A-Z]{3}/, ''));
    if (!/^(INTEGER|DECIMAL)/.test(literalType) || !Number.isFinite(num)) throw typeError(soql, lhs, pos);
    return { kind: 'value', sql: String(num) };
  }
  if (t === 'date' || t === 'datetime') {
    if (literalType === 'DATE_LITERAL' || literalType === 'DATE_N_LITERAL') {
      const [name] = raw.split(':');
      const range = dateLiteralRange(name, literalType === 'DATE_N_LITERAL' ? n : undefined, ctx.now);
      if (!range) throw malformed(soql, pos, `unexpected token: ${raw}`);
      const fmt = t === 'date' ? isoDate : isoDateTime;
      return { kind: 'range', start: fmt(range.start), end: fmt(range.end) };
    }
    if (t === 'date' && literalType === 'DATE' && validDateLiteral(raw)) return { kind: 'value', sql: sqlString(raw) };
    if (t === 'datetime' && literalType === 'DATETIME') {
      const v = normalizeDateTimeLiteral(raw);
      if (v) return { kind: 'value', sql: sqlString(v) };
    }
    throw typeError(soql, lhs, pos);
  }
  throw typeError(soql, lhs, pos);
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Null-safe truth: a comparison with a null field is false, never unknown. */
const sure = (sql: string): string => `IFNULL(${sql}, 0)`;

function compare(lhs: Lhs, op: string, v: Operand): string {
  const coll = STRINGISH.has(lhs.type) ? ' COLLATE NOCASE' : '';
  // Booleans are never null in Salesforce; a missing value reads as false.
  const x = lhs.type === 'boolean' ? `IFNULL(${lhs.sql}, 0)` : lhs.sql;
  if (v.kind === 'null') {
    if (op === '=') return `(${x} IS NULL)`;
    if (op === '!=' || op === '<>') return `(${x} IS NOT NULL)`;
    return '0';
  }
  if (v.kind === 'range') {
    const s = sqlString(v.start);
    const e = sqlString(v.end);
    switch (op) {
      case '=': return `(${x} >= ${s} AND ${x} < ${e})`;
      case '!=': case '<>': return `NOT ${sure(`${x} >= ${s} AND ${x} < ${e}`)}`;
      case '<': return `(${x} < ${s})`;
      case '<=': return `(${x} < ${e})`;
      case '>': return `(${x} >= ${e})`;
      default: return `(${x} >= ${s})`;
    }
  }
  if (op === '!=' || op === '<>') return `NOT ${sure(`${x} = ${v.sql}${coll}`)}`;
  return `(${x} ${op} ${v.sql}${coll})`;
}

function multipicklistTerm(x: string, value: string): string {
  // INCLUDES ('a;b') means both a and b are selected.
  const parts = value.split(';').map((p) => p.trim()).filter(Boolean);
  const likes = parts.map((p) => `(';' || ${x} || ';') LIKE ${sqlString(`%;${likePattern(p.replace(/([%_])/g, '\\$1'))};%`)} ESCAPE '\\'`);
  return likes.length ? `(${likes.join(' AND ')})` : '0';
}

function semiJoin(scope: Scope, ctx: Ctx, lhs: Lhs, op: string, sub: Query): string {
  const soql = scope.soql;
  const objectName = sub.sObject ?? '';
  const object = scope.schema.get(objectName);
  if (!object) throw unsupportedType(soql, positionOf(soql, objectName), objectName);
  const inner = new Scope(soql, scope.schema, object, scope.seq, sub.sObjectAlias);
  const fields = sub.fields ?? [];
  const f = fields[0] as { type: string; field?: string; rawValue?: string } | undefined;
  if (fields.length !== 1 || !f || (f.type !== 'Field' && f.type !== 'FieldRelationship')) {
    throw malformed(soql, positionOf(soql, 'SELECT', positionOf(soql, objectName) - 40), 'unexpected token: SELECT');
  }
  const col = inner.field(f.rawValue ?? f.field ?? '');
  const conds = [`${col.sql} IS NOT NULL`, ...liveFilter(inner, ctx)];
  if (sub.where) conds.push(compileCondition(inner, ctx, sub.where));
  const sql = `SELECT ${col.sql} FROM ${inner.fromClause()} WHERE ${conds.join(' AND ')}`;
  const test = `${lhs.sql} IN (${sql})`;
  return op === 'NOT IN' ? `NOT ${sure(test)}` : `(${test})`;
}

/** Rows /query must not see: recycle-bin rows and archived activities (both visible to /queryAll). */
export function liveFilter(scope: Scope, ctx: Ctx): string[] {
  if (ctx.scanAll) return [];
  const out: string[] = [];
  if (scope.root.fieldMap.has('isdeleted')) out.push(`${scope.alias}."IsDeleted" = 0`);
  if (scope.root.fieldMap.has('isarchived')) out.push(`IFNULL(${scope.alias}."IsArchived", 0) = 0`);
  return out;
}

function atom(scope: Scope, ctx: Ctx, c: Cond): string {
  const soql = scope.soql;
  let lhs: Lhs;
  if (c.fn) {
    const r = compileFunction(scope, c.fn);
    lhs = { sql: r.sql, type: r.type, name: r.fieldName, pos: positionOf(soql, c.fn.functionName ?? '') };
  } else {
    const r = scope.field(c.field ?? '');
    lhs = { sql: r.sql, type: r.field.type, name: r.field.name, pos: positionOf(soql, c.field ?? '') };
  }
  const op = c.operator.toUpperCase();
  if (c.valueQuery) {
    if (op !== 'IN' && op !== 'NOT IN') throw malformed(soql, lhs.pos, `unexpected token: '${c.operator}'`);
    return semiJoin(scope, ctx, lhs, op, c.valueQuery);
  }
  const raws = asArray(c.value);
  const types = asArray(c.literalType);
  const ns = asArray(c.dateLiteralVariable);
  const typeAt = (k: number): string => types[Math.min(k, types.length - 1)] ?? 'STRING';
  const ops = raws.map((raw, k) => ({ raw, type: typeAt(k), n: (ns[k] ?? undefined) as number | undefined }));
  switch (op) {
    case 'LIKE': {
      const [v] = ops;
      if (!v || v.type !== 'STRING' || !v.raw.startsWith("'")) throw malformed(soql, lhs.pos, `unexpected token: ${v?.raw}`);
      return `(${lhs.sql} LIKE ${sqlString(likePattern(unquote(v.raw)))} ESCAPE '\\')`;
    }
    case 'IN':
    case 'NOT IN': {
      const operands = ops.map((v) => operand(scope, ctx, lhs, v.raw, v.type, v.n));
      const parts: string[] = [];
      const values = operands.filter((o): o is { kind: 'value'; sql: string } => o.kind === 'value').map((o) => o.sql);
      const coll = STRINGISH.has(lhs.type) ? ' COLLATE NOCASE' : '';
      if (values.length) parts.push(`${lhs.sql}${coll} IN (${values.join(', ')})`);
      if (operands.some((o) => o.kind === 'null')) parts.push(`${lhs.sql} IS NULL`);
      for (const o of operands) if (o.kind === 'range') parts.push(compare(lhs, '=', o));
      const test = parts.length ? `(${parts.join(' OR ')})` : '0';
      return op === 'IN' ? test : `NOT ${sure(test)}`;
    }
    case 'INCLUDES':
    case 'EXCLUDES': {
      if (lhs.type !== 'multipicklist') {
        throw malformed(soql, lhs.pos, `${op} operator is only valid on multipicklist fields`);
      }
      const terms = ops.map((v) => {
        if (v.type !== 'STRING' || !v.raw.startsWith("'")) throw typeError(soql, lhs, lhs.pos);
        return multipicklistTerm(lhs.sql, plain(unquote(v.raw)));
      });
      const test = `(${terms.join(' OR ')})`;
      return op === 'INCLUDES' ? sure(test) : `NOT ${sure(test)}`;
    }
    case '=': case '!=': case '<>': case '<': case '<=': case '>': case '>=': {
      if (ops.length !== 1) throw malformed(soql, lhs.pos, `unexpected token: '('`);
      return compare(lhs, op, operand(scope, ctx, lhs, ops[0].raw, ops[0].type, ops[0].n));
    }
    default:
      throw malformed(soql, lhs.pos, `unexpected token: '${c.operator}'`);
  }
}

function compileNode(scope: Scope, ctx: Ctx, node: Node): string {
  switch (node.op) {
    case 'COND': return atom(scope, ctx, node.cond);
    case 'NOT': return `NOT ${sure(compileNode(scope, ctx, node.item))}`;
    default: return `(${node.items.map((n) => compileNode(scope, ctx, n)).join(` ${node.op} `)})`;
  }
}

export function compileCondition(scope: Scope, ctx: Ctx, w: WhereClause | HavingClause): string {
  return compileNode(scope, ctx, conditionTree(w, scope.soql));
}

