// Salesforce record ids: 15 case-sensitive characters plus a 3-character case-insensitive checksum.
// The http layer mints ids only for things that are not records in the store (org, user fallback,
// query locators, Bulk jobs); the store mints record ids itself.
import { randomBytes } from 'node:crypto';
import { withChecksum } from '../soql/ids.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random 18-character id with the given 3-character key prefix (e.g. 750 for Bulk jobs). */
export function newId(prefix: string): string {
  const bytes = randomBytes(12);
  let body = '0';
  for (let i = 0; body.length < 12; i++) body += BASE62[bytes[i % bytes.length] % 62];
  return withChecksum(prefix + body);
}
