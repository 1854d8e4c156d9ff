/** Quotes a value for a SOQL string literal; user input never reaches a query unescaped. */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const ID_RE = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** True when the value has the shape of a Salesforce record id with the given key prefix. */
export function looksLikeId(value: string, keyPrefix: string): boolean {
  return ID_RE.test(value) && value.startsWith(keyPrefix);
}
