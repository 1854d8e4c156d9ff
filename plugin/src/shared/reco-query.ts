import { Messages, type Connection } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@reco/plugin-reco', 'shared');

/**
 * Queries Reco's custom objects. An org without Reco's metadata answers INVALID_TYPE or INVALID_FIELD, which
 * would read as a bug to an admin; it becomes an error that says what to deploy.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsforce's own record constraint
export async function queryReco<T extends { [field: string]: any }>(conn: Connection, soql: string, objects: string): Promise<T[]> {
  try {
    const result = await conn.query<T>(soql, { autoFetch: true, maxFetch: 50_000 });
    return result.records;
  } catch (err) {
    const code = (err as { errorCode?: string; name?: string }).errorCode ?? (err as Error).name;
    if (code === 'INVALID_TYPE' || code === 'INVALID_FIELD') throw messages.createError('error.RecoObjectsMissing', [objects]);
    throw err;
  }
}
