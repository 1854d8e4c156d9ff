import type { Connection } from '@salesforce/core';
import { resolveRecord } from './resolve-record.js';

export type ProductRef = { Id: string; Name: string; ProductCode: string | null };

/** Resolves --product, given as an Id or as the product code (stock code) admins and reps know. */
export function resolveProduct(conn: Connection, product: string): Promise<ProductRef> {
  return resolveRecord<ProductRef>(
    conn,
    { object: 'Product2', keyPrefix: '01t', byField: 'ProductCode', fields: ['Id', 'Name', 'ProductCode'], errors: { notFound: 'error.ProductNotFound', ambiguous: 'error.ProductAmbiguous' } },
    product,
  );
}
