// Salesforce reports SOQL problems with the query echoed back and a caret under the offending token
// ("\nSELECT Foo FROM Account\n       ^\nERROR at Row:1:Column:8\n<message>"); clients and tests match on
// that text, so every SOQL error is built here in that one shape.
import { SfApiError } from '../types.js';

/** Zero-based character offset into the SOQL text, or -1 when the position is unknown. */
export type Position = number;

/** The echoed text is the row holding the error (the whole query when it is one line). */
export function caretMessage(soql: string, pos: Position, message: string): string {
  const at = pos < 0 ? 0 : Math.min(pos, soql.length);
  const before = soql.slice(0, at);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = soql.indexOf('\n', at);
  const line = soql.slice(lineStart, lineEnd < 0 ? soql.length : lineEnd);
  const column = at - lineStart + 1;
  return `\n${line}\n${' '.repeat(column - 1)}^\nERROR at Row:${row}:Column:${column}\n${message}`;
}

export function soqlError(code: string, soql: string, pos: Position, message: string): SfApiError {
  return new SfApiError(400, [{ errorCode: code, message: caretMessage(soql, pos, message) }]);
}

export const malformed = (soql: string, pos: Position, message: string): SfApiError =>
  soqlError('MALFORMED_QUERY', soql, pos, message);

export const noSuchColumn = (soql: string, pos: Position, field: string, entity: string): SfApiError =>
  soqlError(
    'INVALID_FIELD',
    soql,
    pos,
    `No such column '${field}' on entity '${entity}'. If you are attempting to use a custom field, be sure to ` +
      `append the '__c' after the custom field name. Please reference your WSDL or the describe call for the ` +
      `appropriate names.`,
  );

export const badRelationship = (soql: string, pos: Position, rel: string): SfApiError =>
  soqlError(
    'INVALID_FIELD',
    soql,
    pos,
    `Didn't understand relationship '${rel}' in field path. If you are attempting to use a custom relationship, ` +
      `be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the ` +
      `describe call for the appropriate names.`,
  );

export const badChildRelationship = (soql: string, pos: Position, rel: string): SfApiError =>
  soqlError(
    'INVALID_TYPE',
    soql,
    pos,
    `Didn't understand relationship '${rel}' in FROM part of query call. If you are attempting to use a custom ` +
      `relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL ` +
      `or the describe call for the appropriate names.`,
  );

export const unsupportedType = (soql: string, pos: Position, object: string): SfApiError =>
  soqlError(
    'INVALID_TYPE',
    soql,
    pos,
    `sObject type '${object}' is not supported. If you are attempting to use a custom object, be sure to append ` +
      `the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
  );

/**
 * Offset of `token` in the SOQL text as a whole word (case-insensitive), searching from `from`; used to
 * place the caret because the parser's AST carries no positions.
 */
export function positionOf(soql: string, token: string, from = 0): Position {
  const escaped = token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(^|[^A-Za-z0-9_.])(${escaped})(?![A-Za-z0-9_])`, 'ig');
  re.lastIndex = Math.max(0, from);
  const m = re.exec(soql);
  return m ? m.index + m[1].length : -1;
}
