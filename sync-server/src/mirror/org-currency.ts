// The org's currency as last read from it (extract/org-currency.ts), kept beside the mirrored records so every
// reader of the mirror (clean, the dashboard) says amounts in the currency the org keeps them in.
import { getMeta, setMeta } from './records.js';
import type { Sql } from '../lib/sql.js';

/**
 * The corporate currency (ISO 4217) and, for a multi-currency org, what one unit of each other active currency
 * is worth in it (a single-currency org: no rates; every amount is already in the corporate currency).
 */
export type OrgCurrency = { corporate: string; rates: Record<string, number> };

const KEY = 'orgCurrency';

/** The stored currency if it was read within `maxAgeMs` (any age by default). */
export function storedOrgCurrency(sql: Sql, maxAgeMs = Number.POSITIVE_INFINITY): Promise<OrgCurrency | undefined> {
  return getMeta<OrgCurrency>(sql, KEY, maxAgeMs);
}

export function storeOrgCurrency(sql: Sql, currency: OrgCurrency): Promise<void> {
  return setMeta(sql, KEY, currency);
}
