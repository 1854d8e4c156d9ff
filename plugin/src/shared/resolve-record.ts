import { Messages, type Connection } from '@salesforce/core';
import { looksLikeId, soqlString } from './soql.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@reco/plugin-reco', 'shared');

type Lookup = {
  object: string;
  keyPrefix: string;
  /** The field admins know the record by when they don't give its Id (Name, ProductCode). */
  byField: string;
  fields: string[];
  /** Message keys (in messages/shared.md) for no match and for several matches. */
  errors: { notFound: string; ambiguous: string };
};

/**
 * Resolves a flag given as an Id or as the value admins see in the org. Several matches are an error rather
 * than a guess: acting on the wrong record is worse than asking for its Id.
 */
export async function resolveRecord<T extends { Id: string; Name: string }>(conn: Connection, lookup: Lookup, value: string): Promise<T> {
  const field = looksLikeId(value, lookup.keyPrefix) ? 'Id' : lookup.byField;
  const { records } = await conn.query<T>(
    `SELECT ${lookup.fields.join(', ')} FROM ${lookup.object} WHERE ${field} = ${soqlString(value)} LIMIT 6`,
  );
  if (records.length === 0) throw messages.createError(lookup.errors.notFound, [value]);
  if (records.length > 1) {
    throw messages.createError(lookup.errors.ambiguous, [value, records.map((r) => `${r.Id} (${r.Name})`).join(', ')]);
  }
  return records[0];
}
