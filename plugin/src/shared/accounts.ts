import type { Connection } from '@salesforce/core';
import { resolveRecord } from './resolve-record.js';

export type AccountRef = { Id: string; Name: string };

/** Resolves --account, given as an Id or as the account name admins see in the org. */
export async function resolveAccount(conn: Connection, account: string): Promise<AccountRef> {
  const r = await resolveRecord<AccountRef>(
    conn,
    { object: 'Account', keyPrefix: '001', byField: 'Name', fields: ['Id', 'Name'], errors: { notFound: 'error.AccountNotFound', ambiguous: 'error.AccountAmbiguous' } },
    account,
  );
  return { Id: r.Id, Name: r.Name };
}
