// What currency the org's amounts are in, asked in one API call: Organization.DefaultCurrencyIsoCode (the
// currency of a single-currency org) and the active CurrencyType rows, which exist only in a multi-currency
// org and give its corporate currency and conversion rates. Either query may be refused by an org that lacks
// what it asks for; only both refused leaves the currency unknown (amounts then print as bare numbers).
import type { Connection } from 'jsforce';
import type { ApiBudget } from '../connect/api-budget.js';
import { storedOrgCurrency, storeOrgCurrency, type OrgCurrency } from '../mirror/org-currency.js';
import type { Sql } from '../lib/sql.js';
import { queryManySettled, SubrequestError, type QueryResultLike } from './query-many.js';

export const ORG_CURRENCY_SOQL = 'SELECT DefaultCurrencyIsoCode FROM Organization';
export const CURRENCY_TYPES_SOQL = 'SELECT IsoCode, ConversionRate, IsCorporate FROM CurrencyType WHERE IsActive = true';

/** Rates change (an admin edits them), the corporate currency hardly ever: re-read at most once a day. */
const REFRESH_MS = 24 * 60 * 60 * 1000;

const ISO = /^[A-Z]{3}$/;

type CurrencyTypeRow = { IsoCode?: unknown; ConversionRate?: unknown; IsCorporate?: unknown };

export type OrgCurrencyRead = { currency: OrgCurrency | null; refused: string[] };

/** Reads the org's currency (one composite call); `refused` names the queries the org would not answer, and why. */
export async function readOrgCurrency(conn: Connection, opts: { budget?: ApiBudget } = {}): Promise<OrgCurrencyRead> {
  const [org, types] = await queryManySettled(conn, [ORG_CURRENCY_SOQL, CURRENCY_TYPES_SOQL], { budget: opts.budget, what: "reading the org's currency" });
  const refused = [org, types].filter((r): r is SubrequestError => r instanceof SubrequestError).map((e) => e.message);
  return { currency: currencyFrom(org, types), refused };
}

/**
 * The corporate currency from the two answers. CurrencyType's ConversionRate is how many units of that currency
 * one corporate unit buys, so one unit of it is worth 1 / ConversionRate corporate units.
 */
export function currencyFrom(org: QueryResultLike | SubrequestError, types: QueryResultLike | SubrequestError): OrgCurrency | null {
  if (!(types instanceof SubrequestError)) {
    const rows = types.records as CurrencyTypeRow[];
    const corporate = rows.find((r) => r.IsCorporate === true && typeof r.IsoCode === 'string' && ISO.test(r.IsoCode));
    if (corporate) {
      const rates: Record<string, number> = {};
      for (const r of rows) {
        const rate = Number(r.ConversionRate);
        if (r === corporate || typeof r.IsoCode !== 'string' || !ISO.test(r.IsoCode) || !(rate > 0)) continue;
        rates[r.IsoCode] = 1 / rate;
      }
      return { corporate: String(corporate.IsoCode), rates };
    }
  }
  if (!(org instanceof SubrequestError)) {
    const code = (org.records[0] as { DefaultCurrencyIsoCode?: unknown } | undefined)?.DefaultCurrencyIsoCode;
    if (typeof code === 'string' && ISO.test(code)) return { corporate: code, rates: {} };
  }
  return null;
}

/** Reads the currency into the mirror unless it was read within the day; returns what the mirror now holds. */
export async function refreshOrgCurrency(conn: Connection, sql: Sql, opts: { budget?: ApiBudget } = {}): Promise<OrgCurrency | null> {
  const fresh = await storedOrgCurrency(sql, REFRESH_MS);
  if (fresh) return fresh;
  const { currency } = await readOrgCurrency(conn, opts);
  if (currency) await storeOrgCurrency(sql, currency);
  return currency ?? (await storedOrgCurrency(sql)) ?? null;
}
