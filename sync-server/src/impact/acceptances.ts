// "Accepted → won": of the recommendations reps saw, those a rep accepted, and how many of them were followed by
// a won sale of that product to that account within the attribution window. Reps react with insert-only
// Recommendation_Reaction__c records (docs/reactions.md), each with its CreatedDate, so a reaction's time is
// known even after Status__c has moved on to Converted. This is an observational figure, not a causal one:
// reps accept what they already mean to sell, so it is reported next to the holdout comparison, never instead.
import type { Sql } from '../lib/sql.js';
import { readRecords } from '../mirror/records.js';
import type { Conversion, Exposure } from './store.js';

/** One rep reaction, tied to the recommendation (by its external id) it was made on. */
export type ReactionEvent = { id: string; externalId: string; type: 'Accepted' | 'Dismissed'; at: string };

export type AcceptedWon = {
  /** Shown recommendations whose rep's standing decision is Accepted (on the day it converted, or now). */
  accepted: number;
  acceptedAccounts: number;
  /** Of those: converted after (or on the day of) the acceptance, and of those, with the opportunity Closed Won. */
  converted: number;
  won: number;
  /** won / accepted. */
  wonRate: number | null;
  wonRevenue: number;
  /** The same won / recommendations for every shown recommendation, for scale. */
  treatedWonRate: number | null;
  note: string;
};

export const ACCEPTED_WON_NOTE =
  'Observational: reps accept what they already mean to sell, so this is not a measure of what Reco caused; the holdout comparison is.';

type ReactionRow = { Id: string; CreatedDate?: unknown; Recommendation__c?: unknown; Reaction__c?: unknown };
type RecRow = { Id: string; External_Id__c?: unknown };

/**
 * Reactions from the mirror, each tied to its recommendation's external id. A reaction whose recommendation is
 * not in the mirror (deleted in the org) cannot be tied to one list entry and is left out; reactions of an
 * unknown type are ignored, as the write-back ignores them.
 */
export async function reactionsFromMirror(sql: Sql): Promise<ReactionEvent[]> {
  const extById = new Map<string, string>();
  for (const r of await readRecords<RecRow>(sql, 'Product_Recommendation__c')) if (typeof r.External_Id__c === 'string' && r.External_Id__c) extById.set(r.Id, r.External_Id__c);
  const out: ReactionEvent[] = [];
  for (const r of await readRecords<ReactionRow>(sql, 'Recommendation_Reaction__c')) {
    const type = r.Reaction__c;
    const ext = typeof r.Recommendation__c === 'string' ? extById.get(r.Recommendation__c) : undefined;
    const at = typeof r.CreatedDate === 'string' ? r.CreatedDate : null;
    if ((type !== 'Accepted' && type !== 'Dismissed') || !ext || !at || Number.isNaN(Date.parse(at))) continue;
    out.push({ id: r.Id, externalId: ext, type, at });
  }
  return out;
}

const newestFirst = (a: ReactionEvent, b: ReactionEvent): number => {
  const d = Date.parse(b.at) - Date.parse(a.at);
  return d !== 0 ? d : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
};

/**
 * A shown recommendation counts as accepted when the rep's newest reaction is Accepted, taken on the day it
 * converted when it did (a rep who accepted, sold, and later dismissed still accepted before the sale), or now
 * otherwise. It counts as accepted → won when it converted on or after the day of that acceptance (the
 * conversion is itself within the window of the recommendation) and the opportunity closed won.
 */
export function acceptedWon(shown: Exposure[], conversions: Map<string, Conversion>, reactions: ReactionEvent[]): AcceptedWon {
  const byExt = new Map<string, ReactionEvent[]>();
  for (const r of reactions) {
    const k = r.externalId.toLowerCase();
    const list = byExt.get(k);
    if (list) list.push(r);
    else byExt.set(k, [r]);
  }
  for (const list of byExt.values()) list.sort(newestFirst);
  let accepted = 0;
  let converted = 0;
  let won = 0;
  let wonRevenue = 0;
  let treatedWon = 0;
  const accounts = new Set<string>();
  for (const e of shown) {
    const c = conversions.get(e.externalId);
    if (c?.won) treatedWon += 1;
    const list = byExt.get(e.externalId.toLowerCase());
    if (!list) continue;
    const standing = c ? list.find((r) => r.at.slice(0, 10) <= c.convertedOn) : list[0];
    if (standing?.type !== 'Accepted') continue;
    accepted += 1;
    accounts.add(e.accountId);
    if (!c) continue;
    converted += 1;
    if (c.won) {
      won += 1;
      wonRevenue += c.amount;
    }
  }
  return {
    accepted,
    acceptedAccounts: accounts.size,
    converted,
    won,
    wonRate: accepted ? won / accepted : null,
    wonRevenue: Math.round(wonRevenue * 100) / 100,
    treatedWonRate: shown.length ? treatedWon / shown.length : null,
    note: ACCEPTED_WON_NOTE,
  };
}
