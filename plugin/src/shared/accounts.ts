import { Messages, type Connection } from '@salesforce/core';
import { looksLikeId, soqlString } from './soql.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@reco/plugin-reco', 'shared');

export type AccountRef = { Id: string; Name: string };

/**
 * Resolves --account, which admins give as an Id or as the account name they see in the org.
 * A name that matches several accounts is an error rather than a guess: acting on the wrong account is worse.
 */
export async function resolveAccount(conn: Connection, account: string): Promise<AccountRef> {
  const where = looksLikeId(account, '001') ? `Id = ${soqlString(account)}` : `Name = ${soqlString(account)}`;
  const { records } = await conn.query<AccountRef>(`SELECT Id, Name FROM Account WHERE ${where} LIMIT 6`);
  if (records.length === 0) throw messages.createError('error.AccountNotFound', [account]);
  if (records.length > 1) {
    throw messages.createError('error.AccountAmbiguous', [account, records.map((r) => `${r.Id} (${r.Name})`).join(', ')]);
  }
  return { Id: records[0].Id, Name: records[0].Name };
}
