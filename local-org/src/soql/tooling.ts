// The Tooling API's query endpoint. local-org keeps no tooling objects (Apex classes, EntityDefinition,
// metadata containers…), so a tooling query gets the answer a real org gives for an object the Tooling
// API does not expose: INVALID_TYPE with the query echoed, after the same syntax checks as /query.
import type { SfApiError } from '../types.js';
import { parseSoql } from './engine.js';
import { positionOf, unsupportedType } from './errors.js';

export function toolingQueryError(soql: string): SfApiError {
  const object = parseSoql(soql).sObject ?? '';
  return unsupportedType(soql, positionOf(soql, object, positionOf(soql, 'FROM')), object);
}
