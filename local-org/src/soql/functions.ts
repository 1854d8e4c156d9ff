// SOQL functions in SELECT, GROUP BY, ORDER BY, WHERE and HAVING: aggregates (COUNT, SUM ...) and date
// functions (CALENDAR_YEAR, DAY_ONLY ...) as SQL over the stored text dates.
import type { FieldType } from '../types.js';
import { malformed, positionOf } from './errors.js';
import { NUMERIC, type Scope } from './resolve.js';

export type FunctionLike = { functionName?: string; parameters?: (string | FunctionLike)[]; rawValue?: string };

export type Compiled = {
  sql: string;
  /** Type of the result, used to type literals compared with it and to format it for JSON. */
  type: FieldType;
  aggregate: boolean;
  /** The field the function reads (for the GROUP BY key of a date function and error messages). */
  fieldName: string;
};

const AGGREGATES = new Set(['COUNT', 'COUNT_DISTINCT', 'SUM', 'AVG', 'MIN', 'MAX']);

const DATE_FUNCTIONS: Record<string, (x: string) => string> = {
  CALENDAR_YEAR: (x) => `CAST(strftime('%Y', ${x}) AS INTEGER)`,
  CALENDAR_MONTH: (x) => `CAST(strftime('%m', ${x}) AS INTEGER)`,
  CALENDAR_QUARTER: (x) => `((CAST(strftime('%m', ${x}) AS INTEGER) + 2) / 3)`,
  FISCAL_YEAR: (x) => `CAST(strftime('%Y', ${x}) AS INTEGER)`,
  FISCAL_MONTH: (x) => `CAST(strftime('%m', ${x}) AS INTEGER)`,
  FISCAL_QUARTER: (x) => `((CAST(strftime('%m', ${x}) AS INTEGER) + 2) / 3)`,
  DAY_IN_MONTH: (x) => `CAST(strftime('%d', ${x}) AS INTEGER)`,
  DAY_IN_WEEK: (x) => `(CAST(strftime('%w', ${x}) AS INTEGER) + 1)`, // 1 = Sunday
  DAY_IN_YEAR: (x) => `CAST(strftime('%j', ${x}) AS INTEGER)`,
  WEEK_IN_MONTH: (x) => `((CAST(strftime('%d', ${x}) AS INTEGER) - 1) / 7 + 1)`,
  WEEK_IN_YEAR: (x) => `((CAST(strftime('%j', ${x}) AS INTEGER) - 1) / 7 + 1)`,
  HOUR_IN_DAY: (x) => `CAST(strftime('%H', ${x}) AS INTEGER)`,
  DAY_ONLY: (x) => `date(${x})`,
};

/** Functions that only change presentation (labels, locale formats, currency): identity here. */
const PASS_THROUGH = new Set(['TOLABEL', 'FORMAT', 'CONVERTCURRENCY']);

export const isAggregateName = (name: string | undefined): boolean => AGGREGATES.has((name ?? '').toUpperCase());

export function compileFunction(scope: Scope, fn: FunctionLike): Compiled {
  const name = (fn.functionName ?? '').toUpperCase();
  const params = fn.parameters ?? [];
  const raw = fn.rawValue ?? name;
  const pos = positionOf(scope.soql, fn.functionName ?? raw);
  if (name === 'COUNT' && params.length === 0) {
    return { sql: 'COUNT(*)', type: 'int', aggregate: true, fieldName: 'Id' };
  }
  if (params.length !== 1) throw malformed(scope.soql, pos, `unexpected token: '${raw}'`);
  const p = params[0];
  const inner =
    typeof p === 'string'
      ? (() => {
          const r = scope.field(p);
          return { sql: r.sql, type: r.field.type, aggregate: false, fieldName: r.field.name };
        })()
      : compileFunction(scope, p);
  if (AGGREGATES.has(name)) {
    if (inner.aggregate) throw malformed(scope.soql, pos, `unexpected token: '${raw}'`);
    if ((name === 'SUM' || name === 'AVG') && !NUMERIC.has(inner.type) && inner.type !== 'int') {
      throw malformed(scope.soql, pos, `field ${inner.fieldName} does not support aggregate operator ${name}`);
    }
    switch (name) {
      case 'COUNT':
        return { ...inner, sql: `COUNT(${inner.sql})`, type: 'int', aggregate: true };
      case 'COUNT_DISTINCT':
        return { ...inner, sql: `COUNT(DISTINCT ${inner.sql})`, type: 'int', aggregate: true };
      case 'SUM':
        return { ...inner, sql: `SUM(${inner.sql})`, type: 'double', aggregate: true };
      case 'AVG':
        return { ...inner, sql: `AVG(${inner.sql})`, type: 'double', aggregate: true };
      default:
        return { ...inner, sql: `${name}(${inner.sql})`, aggregate: true };
    }
  }
  const dateFn = DATE_FUNCTIONS[name];
  if (dateFn) {
    if (inner.type !== 'date' && inner.type !== 'datetime') {
      throw malformed(scope.soql, pos, `${name} can only be applied to date or dateTime fields`);
    }
    return { ...inner, sql: dateFn(inner.sql), type: name === 'DAY_ONLY' ? 'date' : 'int' };
  }
  if (PASS_THROUGH.has(name)) return inner;
  throw malformed(scope.soql, pos, `unexpected token: '${fn.functionName}'`);
}
