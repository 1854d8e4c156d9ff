// What Reco last wrote to the org, per external id: a hash of the payload and the record Id. A record whose
// payload hashes the same as last time is skipped, so a re-run writes only what changed, and a write-back
// killed half-way resumes with exactly the records it had not committed yet.
import { createHash } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { transaction } from '../mirror/db.js';

/** `shown`: the values the record displays when written (see change-filter.ts); null for old entries. */
export type LedgerEntry = { hash: string; sfId: string | null; shown: string | null };

function stable(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stable(o[k])}`).join(',')}}`;
}

/**
 * Hash of what a payload says about the record. Left out: the Run__c stamp (or every run would rewrite
 * everything), and the fields sent only on some writes of the same record: Account__c (create-only) and
 * Status__c (New on creation, not sent on updates). An expiry payload differs in its other fields anyway.
 */
export function payloadHash(payload: Record<string, unknown>): string {
  const { Run__c: _run, Account__c: _account, Status__c: _status, ...rest } = payload;
  return createHash('sha256').update(stable(rest)).digest('base64url').slice(0, 32);
}

export function readLedger(db: DatabaseSync, object: string): Map<string, LedgerEntry> {
  const rows = db.prepare('SELECT external_id, hash, sf_id, shown FROM written WHERE object = ?').all(object) as Array<{ external_id: string; hash: string; sf_id: string | null; shown: string | null }>;
  return new Map(rows.map((r) => [r.external_id.toLowerCase(), { hash: r.hash, sfId: r.sf_id, shown: r.shown }]));
}

/** Records what was written; `alongside` runs in the same transaction (so the mirror cannot lag the ledger). */
export function recordWritten(
  db: DatabaseSync,
  object: string,
  runId: string,
  entries: Array<{ externalId: string; hash: string; sfId?: string | null; shown?: string | null }>,
  alongside?: () => void,
): void {
  if (entries.length === 0) return;
  const put = db.prepare(
    `INSERT INTO written (object, external_id, hash, sf_id, run_id, shown) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (object, external_id) DO UPDATE SET hash = excluded.hash, sf_id = COALESCE(excluded.sf_id, written.sf_id), run_id = excluded.run_id,
       shown = excluded.shown`,
  );
  transaction(db, () => {
    for (const e of entries) put.run(object, e.externalId.toLowerCase(), e.hash, e.sfId ?? null, runId, e.shown ?? null);
    alongside?.();
  });
}

/**
 * Drops ledger entries, so those records are written again whatever their hash. One statement per entry in a
 * single transaction: a mass delete in the org can leave tens of thousands to forget, more than SQLite binds
 * in one statement (SQLITE_MAX_VARIABLE_NUMBER, 32,766 by default).
 */
export function forgetWritten(db: DatabaseSync, object: string, externalIds: Iterable<string>): number {
  const del = db.prepare('DELETE FROM written WHERE object = ? AND external_id = ?');
  let n = 0;
  transaction(db, () => {
    for (const id of externalIds) n += Number(del.run(object, id.toLowerCase()).changes);
  });
  return n;
}
