// The Status__c (and Dismiss_Reason__c) of Reco's recommendations, written in a phase of its own after
// their content, from what the org holds right before it is written.
//
// Status__c is derived: a rep's decision (their newest Recommendation_Reaction__c, or on an org upgraded
// from the design before reactions, a status a rep set on the record) wins; otherwise a recommendation the
// model still makes is New and one it no longer makes is Expired. Reco never writes a reaction, so a rep's
// decision cannot be lost: the worst a race can do is leave Status__c a step behind the reaction until the
// next pass. A recommendation the sync attributed a conversion to (a new line item for its product, see
// impact/attribution.ts) becomes Converted, over New, Expired and a reaction's Accepted, never over a
// dismissal or a status a rep typed on the record themselves (see docs/impact.md, "Status__c Converted").
// To keep that window small, the reactions (and, when Reco has just spent time writing content,
// the recommendations) are read again right before the status writes, and once more after them, repairing
// any recommendation a rep reacted to while the writes were in flight.
import type { Connection } from 'jsforce';
import { repDecisions, type RawReaction, type RepDecision } from '../domain/rep-decisions.js';
import { extractObject, type ExtractOptions } from '../extract/extract.js';
import { SOURCE_OBJECTS, type SourceObject } from '../extract/objects.js';
import { storeTransaction, type Mirror } from '../mirror/db.js';
import { applyOwnWrites, readRecords } from '../mirror/records.js';
import { upsertRecords, type UpsertOptions } from './upsert.js';

const RECOMMENDATION = 'Product_Recommendation__c';
const REACTION = 'Recommendation_Reaction__c';
const sourceOf = (name: string): SourceObject => SOURCE_OBJECTS.find((o) => o.name === name) as SourceObject;

export type MirroredRecommendation = { Id: string; External_Id__c: string | null; Status__c: string | null; Dismiss_Reason__c: string | null };
export type StatusWrite = { externalId: string; id: string; status: string; dismissReason?: string | null; kind: 'expire' | 'revive' | 'decision' | 'convert' };

/**
 * What Status__c each recommendation should hold, for those where the org holds something else.
 * `wanted`: lower-cased external ids of what the model recommends now; `converted`: lower-cased external ids
 * of recommendations a conversion was attributed to.
 */
export function planStatusWrites(recs: MirroredRecommendation[], wanted: Set<string>, decisions: Map<string, RepDecision>, converted: ReadonlySet<string> = new Set()): StatusWrite[] {
  const out: StatusWrite[] = [];
  for (const r of recs) {
    if (!r.External_Id__c) continue;
    const d = decisions.get(r.Id);
    // Converted is the outcome that follows New or an acceptance: the rep's Accepted stays on their reaction
    // record (with its time, which is what "accepted → won" is measured from), so only Reco's derived status
    // moves on. A dismissal is a rep's verdict and wins over any sale; a status a rep typed on the record
    // (reactionId null: the design before reactions, or Converted already written) is left as it is.
    if (converted.has(r.External_Id__c.toLowerCase()) && d?.status !== 'Dismissed' && (!d || d.reactionId !== null)) {
      if (r.Status__c !== 'Converted') out.push({ externalId: r.External_Id__c, id: r.Id, status: 'Converted', kind: 'convert' });
      continue;
    }
    if (d) {
      // A status a rep set on the record is already there; a reaction's decision is copied onto it.
      if (d.reactionId !== null && (r.Status__c !== d.status || (r.Dismiss_Reason__c ?? null) !== d.dismissReason)) {
        out.push({ externalId: r.External_Id__c, id: r.Id, status: d.status, dismissReason: d.dismissReason, kind: 'decision' });
      }
      continue;
    }
    const current = r.Status__c ?? 'New';
    const isWanted = wanted.has(r.External_Id__c.toLowerCase());
    if (isWanted && current === 'Expired') out.push({ externalId: r.External_Id__c, id: r.Id, status: 'New', kind: 'revive' });
    else if (!isWanted && current === 'New') out.push({ externalId: r.External_Id__c, id: r.Id, status: 'Expired', kind: 'expire' });
    // Any other status without a decision behind it (a reaction since deleted by an admin) is left alone.
  }
  return out;
}

export type StatusPhaseResult = {
  expired: number;
  /** Set to Converted (also counted in `updated`). */
  converted: number;
  /** Revived to New, or set to a rep's decision. */
  updated: number;
  failures: Array<{ externalId: string; code: string; message: string }>;
  /** Passes that wrote something (1, or 2 when reps reacted while the first pass was being written). */
  passes: number;
};

export type StatusPhaseOptions = UpsertOptions & {
  runId: string;
  runSfId?: string | null;
  /** The content writes just took time: read reps' status edits on the recommendations again too. */
  rereadRecommendations: boolean;
  /** Lower-cased external ids of recommendations a conversion was attributed to (they become Converted). */
  converted?: ReadonlySet<string>;
  onProgress?: (p: { object: string; written: number; total: number }) => void;
};

/** Reads, plans and writes statuses; a second pass repairs what reps changed while the first was written. */
export async function writeStatuses(conn: Connection, store: Pick<Mirror, 'sql'>, wanted: Set<string>, opts: StatusPhaseOptions): Promise<StatusPhaseResult> {
  const result: StatusPhaseResult = { expired: 0, converted: 0, updated: 0, failures: [], passes: 0 };
  const failed = new Map<string, StatusPhaseResult['failures'][number]>(); // a later pass may succeed
  const read: ExtractOptions = { runId: opts.runId, budget: opts.budget, signal: opts.signal };
  const fields = sourceOf(RECOMMENDATION).fields;
  for (let pass = 0; pass < 2; pass++) {
    const recsRead = pass > 0 || opts.rereadRecommendations ? await extractObject(conn, store, sourceOf(RECOMMENDATION), read) : undefined;
    const reactionsRead = await extractObject(conn, store, sourceOf(REACTION), read);
    // Nobody changed anything while the pass was written: it stands.
    if (pass > 0 && reactionsRead.upserted + reactionsRead.deleted + (recsRead ? recsRead.upserted + recsRead.deleted : 0) === 0) break;
    const recs = await readRecords<MirroredRecommendation>(store.sql, RECOMMENDATION);
    const decisions = repDecisions(recs, await readRecords<RawReaction>(store.sql, REACTION));
    const writes = planStatusWrites(recs, wanted, decisions, opts.converted);
    if (writes.length === 0) break;
    result.passes += 1;
    const byExt = new Map(writes.map((w) => [w.externalId.toLowerCase(), w]));
    const payloadOf = (w: StatusWrite): Record<string, unknown> => ({
      External_Id__c: w.externalId,
      Status__c: w.status,
      ...(w.dismissReason !== undefined ? { Dismiss_Reason__c: w.dismissReason } : {}),
      ...(opts.runSfId ? { Run__c: opts.runSfId } : {}),
    });
    let written = 0;
    const outcomes = await upsertRecords(conn, RECOMMENDATION, 'External_Id__c', writes.map(payloadOf), {
      ...opts,
      onChunk: async (chunk) => {
        const done = chunk.flatMap((o) => {
          const w = byExt.get(o.externalId.toLowerCase());
          return w && o.ok ? [{ id: w.id, values: { Status__c: w.status, ...(w.dismissReason !== undefined ? { Dismiss_Reason__c: w.dismissReason } : {}) } }] : [];
        });
        if (done.length) await storeTransaction(store.sql, (tx) => applyOwnWrites(tx, RECOMMENDATION, fields, opts.runId, done));
        written += chunk.length;
        opts.onProgress?.({ object: RECOMMENDATION, written, total: writes.length });
      },
    });
    outcomes.forEach((o, i) => {
      const w = writes[i];
      if (!o.ok) {
        failed.set(w.externalId.toLowerCase(), { externalId: w.externalId, code: o.code ?? 'UNKNOWN', message: o.message ?? '' });
        return;
      }
      failed.delete(w.externalId.toLowerCase());
      if (w.kind === 'expire') result.expired += 1;
      else result.updated += 1;
      if (w.kind === 'convert') result.converted += 1;
    });
  }
  result.failures = [...failed.values()];
  return result;
}
