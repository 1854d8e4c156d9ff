import { Messages, type Connection } from '@salesforce/core';
import { looksLikeId, soqlString } from './soql.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@reco/plugin-reco', 'shared');

export type ProductRef = { Id: string; Name: string; ProductCode: string | null };

/** Resolves --product given as an Id or as the product code reps and admins know (a stock code). */
export async function resolveProduct(conn: Connection, product: string): Promise<ProductRef> {
  const where = looksLikeId(product, '01t') ? `Id = ${soqlString(product)}` : `ProductCode = ${soqlString(product)}`;
  const { records } = await conn.query<ProductRef>(`SELECT Id, Name, ProductCode FROM Product2 WHERE ${where} LIMIT 6`);
  if (records.length === 0) throw messages.createError('error.ProductNotFound', [product]);
  if (records.length > 1) {
    throw messages.createError('error.ProductAmbiguous', [product, records.map((r) => `${r.Id} (${r.Name})`).join(', ')]);
  }
  return records[0];
}
