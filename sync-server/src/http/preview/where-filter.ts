// getRelatedListRecords takes its `where` in the GraphQL filter syntax of the UI API
// ({ Status__c: { in: ["New", "Accepted"] } }); the preview answers from SOQL, so translate the subset
// components use: comparisons, in/nin, like, and/or/not, and relationship paths (Product__r: { Name: ... }).
export class FilterError extends Error {
  public constructor(message: string) {
    super(`where: ${message}`);
    this.name = 'FilterError';
  }
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const OPERATORS: Record<string, string> = { eq: '=', ne: '!=', lt: '<', lte: '<=', gt: '>', gte: '>=', like: 'LIKE' };

/** SOQL condition for a GraphQL filter text; '' for an empty filter. */
export function whereToSoql(filter: string | undefined): string {
  if (filter === undefined || filter.trim() === '') return '';
  return condition(parseFilter(filter), []);
}

function parseFilter(filter: string): unknown {
  // GraphQL object literals differ from JSON only in unquoted keys.
  const json = filter.replace(/([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:/g, '$1"$2":');
  try {
    return JSON.parse(json);
  } catch {
    throw new FilterError(`cannot read ${JSON.stringify(filter)}; expected a GraphQL filter like { Field__c: { eq: "x" } }`);
  }
}

function condition(node: unknown, path: string[]): string {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) throw new FilterError(`expected an object at ${path.join('.') || 'the top'}`);
  const parts = Object.entries(node as Record<string, unknown>).map(([key, value]) => {
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value) || value.length === 0) throw new FilterError(`${key} needs a non-empty list`);
      return `(${value.map((v) => condition(v, path)).join(` ${key.toUpperCase()} `)})`;
    }
    if (key === 'not') return `(NOT ${condition(value, path)})`;
    if (key in OPERATORS || key === 'in' || key === 'nin') return comparison(path, key, value);
    if (!NAME.test(key)) throw new FilterError(`${key} is not a field name`);
    return condition(value, [...path, key]);
  });
  if (parts.length === 0) throw new FilterError(`empty filter at ${path.join('.') || 'the top'}`);
  return parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`;
}

function comparison(path: string[], op: string, value: unknown): string {
  if (path.length === 0) throw new FilterError(`${op} needs a field`);
  const field = path.join('.');
  if (op === 'in' || op === 'nin') {
    if (!Array.isArray(value) || value.length === 0) throw new FilterError(`${field}: ${op} needs a non-empty list`);
    return `${field} ${op === 'in' ? 'IN' : 'NOT IN'} (${value.map(literal).join(', ')})`;
  }
  return `${field} ${OPERATORS[op]} ${literal(value)}`;
}

/** A SOQL literal; strings are quoted with backslash escapes so a value can never end the literal. */
export function literal(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  throw new FilterError(`unsupported value ${JSON.stringify(value)}`);
}
