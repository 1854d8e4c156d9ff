// What Reco last wrote to the org, per external id: a hash of the payload and the record Id. A record whose
// payload hashes the same as last time is skipped, so a re-run writes only what changed, and a write-back
// killed half-way resumes with exactly the records it had not committed yet.
import { createHash } from 'node:crypto';
import { storeTransaction } from '../mirror/db.js';
import type { Sql } from '../lib/sql.js';

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

type LedgerRow = { external_id: string; hash: string; sf_id: string | null; shown: string | null };
const LEDGER_SQL = 'SELECT external_id, hash, sf_id, shown FROM written WHERE object = ?';
const toLedger = (rows: LedgerRow[]): Map<string, LedgerEntry> => new Map(rows.map((r) => [r.external_id.toLowerCase(), { hash: r.hash, sfId: r.sf_id, shown: r.shown }]));

/** What Reco last wrote of `object`, by lower-cased external id. */
export async function readLedger(sql: Sql, object: string): Promise<Map<string, LedgerEntry>> {
  return toLedger(await sql.all<LedgerRow>(LEDGER_SQL, [object]));
}

const LEDGER_COLUMNS = ['object', 'external_id', 'hash', 'sf_id', 'run_id', 'shown'] as const;

/** Records what was written; `alongside` runs in the same transaction (so the mirror cannot lag the ledger). */
export async function recordWritten(
  sql: Sql,
  object: string,
  runId: string,
  entries: Array<{ externalId: string; hash: string; sfId?: string | null; shown?: string | null }>,
  alongside?: (tx: Sql) => Promise<void>,
): Promise<void> {
  if (entries.length === 0) return;
  // Last entry per external id wins, as row-by-row upserts did; a known Id is kept when this write has none.
  const last = new Map<string, (typeof entries)[number]>();
  for (const e of entries) {
    const id = e.externalId.toLowerCase();
    const prior = last.get(id);
    last.delete(id);
    last.set(id, { ...e, sfId: e.sfId ?? prior?.sfId ?? null });
  }
  await storeTransaction(sql, async (tx) => {
    const known = new Map<string, string | null>();
    const ids = [...last.keys()];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const rows = await tx.all<{ external_id: string; sf_id: string | null }>(`SELECT external_id, sf_id FROM written WHERE object = ? AND external_id IN (${chunk.map(() => '?').join(', ')})`, [object, ...chunk]);
      for (const r of rows) known.set(r.external_id, r.sf_id);
    }
    // One COPY on PostgreSQL for a whole chunk of outcomes; COALESCE(excluded.sf_id, written.sf_id) done here.
    await tx.copy('written', LEDGER_COLUMNS, [...last].map(([id, e]) => [object, id, e.hash, e.sfId ?? known.get(id) ?? null, runId, e.shown ?? null]), { upsertKey: ['object', 'external_id'] });
    await alongside?.(tx);
  });
}

// Well under SQLite's bound-parameter limit (32,766) and PostgreSQL's (65,535).
const CHUNK = 500;

/**
 * Drops ledger entries, so those records are written again whatever their hash. In chunks, in a single
 * transaction: a mass delete in the org can leave tens of thousands to forget, more than SQLite binds in one
 * statement (SQLITE_MAX_VARIABLE_NUMBER, 32,766 by default).
 */
export async function forgetWritten(sql: Sql, object: string, externalIds: Iterable<string>): Promise<number> {
  const ids = [...new Set([...externalIds].map((id) => id.toLowerCase()))];
  if (ids.length === 0) return 0;
  return storeTransaction(sql, async (tx) => {
    let n = 0;
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      n += await tx.run(`DELETE FROM written WHERE object = ? AND external_id IN (${chunk.map(() => '?').join(', ')})`, [object, ...chunk]);
    }
    return n;
  });
}
