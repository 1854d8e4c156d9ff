// What the org learns from a measurement: the conversion fields on each shown recommendation it converted,
// and the run's figures on Reco_Run__c for Salesforce reports (the holdout comparison and accepted → won). Only Reco's own Converted_* fields are sent,
// never Status__c, so a rep's decision (and however the reactions design derives Status__c) is untouched.
import type { Connection } from 'jsforce';
import type { Sql } from '../lib/sql.js';
import { upsertRecords, type UpsertOptions } from '../writeback/upsert.js';
import type { ImpactReport } from './report.js';
import { readLedger } from '../writeback/ledger.js';
import { markOrgWritten, pendingOrgWrites, type Conversion } from './store.js';

export function conversionPayload(c: Conversion): Record<string, unknown> {
  return {
    External_Id__c: c.externalId,
    Converted_Opportunity__c: c.opportunityId,
    Converted_On__c: c.convertedOn,
    Converted_Amount__c: Math.round(c.amount * 100) / 100,
    Converted_Won__c: c.won,
  };
}

export type ConversionWrites = { written: number; failed: Array<{ externalId: string; code: string; message: string }> };

/**
 * Sends pending conversions of recommendations the write-back has put in the org (shadow lists never are).
 * A failed record stays pending and is retried by the next run.
 */
export async function writeConversions(conn: Connection, sql: Sql, opts: UpsertOptions = {}): Promise<ConversionWrites> {
  // Recommendations the org has an Id for (the ledger's keys are lower-cased external ids).
  const inOrg = new Set([...(await readLedger(sql, 'Product_Recommendation__c'))].filter(([, e]) => e.sfId !== null).map(([id]) => id));
  const todo = (await pendingOrgWrites(sql)).filter((c) => inOrg.has(c.externalId.toLowerCase()));
  if (todo.length === 0) return { written: 0, failed: [] };
  const outcomes = await upsertRecords(conn, 'Product_Recommendation__c', 'External_Id__c', todo.map(conversionPayload), opts);
  const ok = outcomes.filter((o) => o.ok).map((o) => o.externalId);
  await markOrgWritten(sql, ok);
  return { written: ok.length, failed: outcomes.filter((o) => !o.ok).map((o) => ({ externalId: o.externalId, code: o.code ?? 'UNKNOWN', message: o.message ?? '' })) };
}

const pct = (v: number | null): number | null => (v === null ? null : Math.round(v * 10_000) / 100);

/** Reco_Run__c fields for a report (Percent fields hold 0..100; lift is in percentage points). */
export function runFigures(r: ImpactReport): Record<string, unknown> {
  return {
    Impact_Treated_Accounts__c: r.treated.accounts,
    Impact_Holdout_Accounts__c: r.holdout.accounts,
    Impact_Treated_Conversion__c: pct(r.treated.conversionRate),
    Impact_Holdout_Conversion__c: pct(r.holdout.conversionRate),
    Impact_Lift__c: pct(r.lift.conversion),
    Impact_Lift_Low__c: pct(r.lift.ci95?.[0] ?? null),
    Impact_Lift_High__c: pct(r.lift.ci95?.[1] ?? null),
    Impact_Verdict__c: r.verdict.text.length <= 255 ? r.verdict.text : `${r.verdict.text.slice(0, 254)}…`,
    Impact_Accepted__c: r.acceptedWon.accepted,
    Impact_Accepted_Won__c: r.acceptedWon.won,
    Impact_Accepted_Won_Rate__c: pct(r.acceptedWon.wonRate),
    Impact_Accepted_Won_Revenue__c: r.acceptedWon.wonRevenue,
  };
}
