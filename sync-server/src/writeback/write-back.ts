// Puts a ModelOutput into the org: segments first (insights point at them by Id), then insights, then
// recommendations, each as upserts by external id of only what changed since the last successful write.
//
// Recommendations that no longer apply are set to Expired rather than deleted: the record keeps its history
// (reports on how many suggestions were accepted, converted or ignored, and the evidence shown to the rep)
// and, if the model suggests the same product again, the same record comes back as New instead of a
// duplicate. A rep's decision (Accepted, Dismissed, Converted) is never overwritten: a recommendation's
// content is written without Status__c (except New on creation), and its status is written afterwards by
// status-writes.ts, from reps' reactions read right before (see docs/reactions.md).
import type { Connection } from 'jsforce';
import type { ModelOutput } from '../domain/types.js';
import { extractObject } from '../extract/extract.js';
import { SOURCE_OBJECTS, type SourceObject } from '../extract/objects.js';
import type { Mirror } from '../mirror/db.js';
import { applyOwnWrites, readRecords } from '../mirror/records.js';
import type { Sql } from '../lib/sql.js';
import { shownChanged, shownValues } from './change-filter.js';
import { auditLedger, type LedgerAuditResult } from './ledger-audit.js';
import { forgetWritten, payloadHash, readLedger, recordWritten } from './ledger.js';
import { insightPayload, recommendationPayload, retiredSegmentPayload, segmentPayload } from './payloads.js';
import { writeStatuses } from './status-writes.js';
import { upsertRecords, type RecordOutcome, type UpsertOptions } from './upsert.js';

export type WriteFailure = { object: string; externalId: string; code: string; message: string };
/** `expired`: recommendations set to Expired, or segments retired (Active__c cleared). */
export type WriteStats = { object: string; considered: number; unchanged: number; created: number; updated: number; expired: number; failed: number };
export type WritebackResult = { stats: WriteStats[]; failures: WriteFailure[]; written: number; failed: number; audit?: LedgerAuditResult[] };
export type WritebackProgress = { object: string; written: number; total: number };

export type WritebackOptions = UpsertOptions & {
  runId: string;
  /** Reco_Run__c Id, stamped on every record this run writes. */
  runSfId?: string | null;
  onProgress?: (p: WritebackProgress) => void;
  /** Check the ledger against the org first (see ledger-audit.ts); the pipeline does on every Full run. */
  auditLedger?: boolean;
  /** Score movement left unwritten when nothing else a rep sees changed (default DEFAULT_SCORE_TOLERANCE). */
  scoreTolerance?: number;
  /** Lower-cased external ids of recommendations a conversion was attributed to: their status becomes Converted. */
  converted?: ReadonlySet<string>;
};

type Planned = { externalId: string; payload: Record<string, unknown>; hash: string; expire?: boolean };

async function writeObject(
  conn: Connection,
  sql: Sql,
  object: string,
  extField: string,
  planned: Planned[],
  opts: WritebackOptions,
  /** Alternative payload when Salesforce rejects the first one with this code (create-only field mismatch). */
  fallback?: (p: Planned, code: string) => Record<string, unknown> | null,
  /** Mirrored fields of `object`: what is written is folded into the mirror along with the ledger entry. */
  mirrorFields?: string[],
): Promise<{ stats: WriteStats; failures: WriteFailure[]; ids: Map<string, string> }> {
  const stats: WriteStats = { object, considered: planned.length, unchanged: 0, created: 0, updated: 0, expired: 0, failed: 0 };
  const ledger = await readLedger(sql, object);
  const ids = new Map<string, string>();
  const todo: Planned[] = [];
  for (const p of planned) {
    const known = ledger.get(p.externalId.toLowerCase());
    if (known?.sfId) ids.set(p.externalId, known.sfId);
    // The ledger keeps what was last written, so small moves cannot add up unseen: each run compares with it.
    if (known && (known.hash === p.hash || !shownChanged(object, known.shown, shownValues(object, p.payload), opts.scoreTolerance))) stats.unchanged += 1;
    else todo.push(p);
  }
  const failures: WriteFailure[] = [];
  const byExt = new Map(todo.map((p) => [p.externalId.toLowerCase(), p]));
  let written = 0;
  const sent = new Map<string, Record<string, unknown>>(); // what was last sent per external id (fallbacks differ)
  const commit = async (outcomes: RecordOutcome[]): Promise<void> => {
    const entries = outcomes.flatMap((o) => {
      const p = byExt.get(o.externalId.toLowerCase());
      return p ? [{ externalId: p.externalId, hash: p.hash, sfId: o.id ?? null, shown: shownValues(object, sent.get(o.externalId.toLowerCase()) ?? p.payload) }] : [];
    });
    const mirrored = outcomes.flatMap((o) => {
      const values = sent.get(o.externalId.toLowerCase());
      return o.ok && o.id && values ? [{ id: o.id, values }] : [];
    });
    await recordWritten(sql, object, opts.runId, entries, mirrorFields && mirrored.length ? (tx) => applyOwnWrites(tx, object, mirrorFields, opts.runId, mirrored) : undefined);
    written += entries.length;
    opts.onProgress?.({ object, written, total: todo.length });
  };
  const send = (ps: Planned[]): Promise<RecordOutcome[]> => {
    for (const p of ps) sent.set(p.externalId.toLowerCase(), p.payload);
    return upsertRecords(conn, object, extField, ps.map((p) => (opts.runSfId ? { ...p.payload, Run__c: opts.runSfId } : p.payload)), { ...opts, onChunk: commit });
  };

  let outcomes = await send(todo);
  if (fallback) {
    const again: Planned[] = [];
    outcomes.forEach((o, i) => {
      if (o.ok) return;
      const alt = fallback(todo[i], o.code ?? '');
      if (alt) again.push({ ...todo[i], payload: alt });
    });
    if (again.length) {
      const second = new Map((await send(again)).map((o) => [o.externalId.toLowerCase(), o]));
      outcomes = outcomes.map((o) => second.get(o.externalId.toLowerCase()) ?? o);
    }
  }
  outcomes.forEach((o, i) => {
    const p = todo[i];
    if (o.ok) {
      if (o.id) ids.set(p.externalId, o.id);
      if (p.expire) stats.expired += 1;
      else if (o.created) stats.created += 1;
      else stats.updated += 1;
    } else {
      stats.failed += 1;
      failures.push({ object, externalId: p.externalId, code: o.code ?? 'UNKNOWN', message: o.message ?? '' });
    }
  });
  return { stats, failures, ids };
}

const plan = (externalId: string, payload: Record<string, unknown>, expire = false): Planned => ({ externalId, payload, hash: payloadHash(payload), expire });

/** Adds or drops the create-only master-detail field depending on what the org said. */
function accountFallback(accountOf: Map<string, string>) {
  return (p: Planned, code: string): Record<string, unknown> | null => {
    const { Account__c: had, ...rest } = p.payload;
    if (had !== undefined && code === 'INVALID_FIELD_FOR_INSERT_UPDATE') return rest; // exists already
    if (had === undefined && code === 'REQUIRED_FIELD_MISSING') {
      const acc = accountOf.get(p.externalId);
      return acc ? { ...p.payload, Account__c: acc } : null; // was deleted in the org: create it again
    }
    return null;
  };
}

/** `store.sql` holds the ledger and the mirror; `store` is passed whole to the extract that re-reads reps' edits. */
export async function writeBack(conn: Connection, store: Pick<Mirror, 'sql'>, output: ModelOutput, opts: WritebackOptions): Promise<WritebackResult> {
  const { sql } = store;
  const all: Awaited<ReturnType<typeof writeObject>>[] = [];
  const audit = opts.auditLedger ? await auditLedger(conn, sql, { budget: opts.budget }) : undefined;

  // Segments this run no longer produces are retired (Active__c cleared, no accounts), not deleted: insights
  // keep them as their previous segment, and a segment that comes back is the same record made active again.
  const segmentKeys = new Set(output.segments.map((s) => s.key.toLowerCase()));
  const retired = [...(await readLedger(sql, 'Customer_Segment__c')).keys()].filter((k) => !segmentKeys.has(k));
  const segs = await writeObject(conn, sql, 'Customer_Segment__c', 'Key__c', [
    ...output.segments.map((s) => plan(s.key, segmentPayload(s))),
    ...retired.map((k) => plan(k, retiredSegmentPayload(k), true)),
  ], opts);
  all.push(segs);

  // Insights: Account__c is master-detail (not reparentable), so it is sent only for records not yet known.
  const insightLedger = await readLedger(sql, 'Account_Insight__c');
  const insightAccount = new Map<string, string>();
  const insights = output.insights.map((i) => {
    const base = insightPayload(i, segs.ids);
    const ext = String(base.External_Id__c);
    insightAccount.set(ext, i.accountId);
    return plan(ext, insightLedger.get(ext.toLowerCase())?.sfId ? base : { ...base, Account__c: i.accountId });
  });
  all.push(await writeObject(conn, sql, 'Account_Insight__c', 'External_Id__c', insights, opts, accountFallback(insightAccount)));

  // Reps may have acted since extraction: read their latest decisions right before deciding what to send
  // (only their edits: Reco's own writes are folded into the mirror as they are made).
  const recoSource = SOURCE_OBJECTS.find((o) => o.name === 'Product_Recommendation__c') as SourceObject;
  await extractObject(conn, store, recoSource, { runId: opts.runId, budget: opts.budget, signal: opts.signal });

  // Recommendations, against what the org holds now.
  type OrgRec = { Id: string; External_Id__c: string | null; Status__c: string | null };
  const inOrg = new Map<string, OrgRec>();
  for (const r of await readRecords<OrgRec>(sql, 'Product_Recommendation__c')) if (r.External_Id__c) inOrg.set(r.External_Id__c.toLowerCase(), r);
  const recAccount = new Map<string, string>();
  const planned: Planned[] = [];
  const wanted = new Set<string>();
  for (const r of output.recommendations) {
    const base = recommendationPayload(r);
    const ext = String(base.External_Id__c);
    if (wanted.has(ext.toLowerCase())) continue; // the same (account, product, kind) twice: keep the first
    wanted.add(ext.toLowerCase());
    recAccount.set(ext, r.accountId);
    // Status__c only on creation: expiring and reviving are the status phase's, after a fresh read.
    planned.push(plan(ext, inOrg.has(ext.toLowerCase()) ? base : { ...base, Account__c: r.accountId, Status__c: 'New' }));
  }
  // A record the ledger remembers but the org no longer has must be written again, whatever its hash.
  const recLedger = await readLedger(sql, 'Product_Recommendation__c');
  const gone = planned.filter((p) => !inOrg.has(p.externalId.toLowerCase()) && recLedger.has(p.externalId.toLowerCase()));
  await forgetWritten(sql, 'Product_Recommendation__c', gone.map((p) => p.externalId));
  const content = await writeObject(conn, sql, 'Product_Recommendation__c', 'External_Id__c', planned, opts, accountFallback(recAccount), recoSource.fields);
  all.push(content);

  // Statuses last, from reps' decisions read after the content went out (which may have taken minutes).
  const statuses = await writeStatuses(conn, store, wanted, { ...opts, converted: opts.converted, rereadRecommendations: content.stats.considered > content.stats.unchanged });
  content.stats.expired += statuses.expired;
  content.stats.updated += statuses.updated;
  content.stats.failed += statuses.failures.length;
  content.failures.push(...statuses.failures.map((f) => ({ object: 'Product_Recommendation__c', ...f })));

  const stats = all.map((a) => a.stats);
  const failures = all.flatMap((a) => a.failures);
  return {
    stats,
    failures,
    written: stats.reduce((n, s) => n + s.created + s.updated + s.expired, 0),
    failed: failures.length,
    ...(audit ? { audit } : {}),
  };
}
