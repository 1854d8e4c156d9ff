// Mirrored org records (stored as the JSON the API returned, minus `attributes`) and per-object watermarks.
// A page of records and its watermark are committed together, so a crash never leaves the watermark ahead of
// the data.
import { storeTransaction } from './db.js';
import type { Sql } from '../lib/sql.js';

export type MirrorRecord = Record<string, unknown> & { Id: string; SystemModstamp: string };
/**
 * Where reading an object stopped: the last (SystemModstamp, Id) stored, in that order (so ties on the stamp
 * resume exactly), whether the initial full load finished, and when the read started (local clock).
 */
export type Watermark = { object: string; modstamp: string; lastId: string | null; fullDone: boolean; syncedAt: string | null };
export type WatermarkUpdate = { modstamp: string; lastId?: string | null; fullDone?: boolean; syncedAt?: string };

/** Upserts live records and removes deleted ones, then advances the watermark, all in one transaction. */
export async function applyPage(
  sql: Sql,
  object: string,
  records: Array<Record<string, unknown>>,
  runId: string,
  watermark?: WatermarkUpdate,
): Promise<{ upserted: number; deleted: number }> {
  // The last word on each Id wins, as it did when the page was applied row by row; it also keeps one Id out of
  // a single upsert statement twice (PostgreSQL refuses that).
  const last = new Map<string, Record<string, unknown> | null>();
  for (const r of records) {
    const { attributes: _attributes, ...data } = r;
    const id = String(data.Id);
    last.delete(id);
    last.set(id, data.IsDeleted === true || data.IsDeleted === 'true' ? null : data);
  }
  const live: Array<[string, Record<string, unknown>]> = [];
  const gone: string[] = [];
  for (const [id, data] of last) {
    if (data) live.push([id, data]);
    else gone.push(id);
  }
  return storeTransaction(sql, async (tx) => {
    // One COPY on PostgreSQL: a page is up to 50k records, and a round trip per row would dominate the sync.
    const upserted = await tx.copy('records', RECORD_COLUMNS, live.map(([id, data]) => [object, id, String(data.SystemModstamp ?? ''), JSON.stringify(data), runId]), { upsertKey: ['object', 'id'] });
    const deleted = await deleteRecords(tx, object, gone);
    if (watermark) await setWatermark(tx, object, watermark);
    return { upserted, deleted };
  });
}

const RECORD_COLUMNS = ['object', 'id', 'modstamp', 'data', 'run_id'] as const;
// Well under SQLite's bound-parameter limit (32,766) and PostgreSQL's (65,535).
const DELETE_CHUNK = 500;

async function deleteRecords(sql: Sql, object: string, ids: readonly string[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += DELETE_CHUNK) {
    const chunk = ids.slice(i, i + DELETE_CHUNK);
    n += await sql.run(`DELETE FROM records WHERE object = ? AND id IN (${chunk.map(() => '?').join(', ')})`, [object, ...chunk]);
  }
  return n;
}

/**
 * Folds fields Reco itself just wrote into the mirrored records (adding the records it created), so the mirror
 * matches the org without reading those records back. Only `fields` are kept, so the mirror holds one shape;
 * fields not written keep their mirrored value (a rep's Status__c, for one). Call inside a transaction.
 */
export async function applyOwnWrites(sql: Sql, object: string, fields: string[], runId: string, writes: Array<{ id: string; values: Record<string, unknown> }>): Promise<void> {
  if (writes.length === 0) return;
  const now = new Date().toISOString().replace('Z', '+0000');
  const stored = new Map<string, string>();
  const ids = [...new Set(writes.map((w) => w.id))];
  for (let i = 0; i < ids.length; i += DELETE_CHUNK) {
    const chunk = ids.slice(i, i + DELETE_CHUNK);
    const rows = await sql.all<{ id: string; data: string }>(`SELECT id, data FROM records WHERE object = ? AND id IN (${chunk.map(() => '?').join(', ')})`, [object, ...chunk]);
    for (const r of rows) stored.set(r.id, r.data);
  }
  // Applied in order, so a second write to the same record builds on the first, as it would row by row.
  const merged = new Map<string, Record<string, unknown>>();
  for (const w of writes) {
    const prior = merged.get(w.id) ?? stored.get(w.id);
    const data: Record<string, unknown> = typeof prior === 'string' ? (JSON.parse(prior) as Record<string, unknown>) : prior ? { ...prior } : Object.fromEntries(fields.map((f) => [f, null]));
    for (const f of fields) if (w.values[f] !== undefined) data[f] = w.values[f];
    Object.assign(data, { Id: w.id, IsDeleted: false, SystemModstamp: now });
    merged.set(w.id, data);
  }
  await sql.copy('records', RECORD_COLUMNS, [...merged].map(([id, data]) => [object, id, now, JSON.stringify(data), runId]), { upsertKey: ['object', 'id'] });
}

/** Moves the watermark forward (never back); timestamps are compared as instants. */
export async function setWatermark(sql: Sql, object: string, w: WatermarkUpdate): Promise<void> {
  const cur = await getWatermark(sql, object);
  const stamp = new Date(w.modstamp.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')).toISOString();
  const newer = !cur || stamp > cur.modstamp || (stamp === cur.modstamp && (w.lastId ?? '') > (cur.lastId ?? ''));
  await sql.run(
    `INSERT INTO watermarks (object, modstamp, last_id, full_done, synced_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (object) DO UPDATE SET modstamp = excluded.modstamp, last_id = excluded.last_id, full_done = excluded.full_done,
       synced_at = excluded.synced_at, updated_at = excluded.updated_at`,
    [
      object,
      newer ? stamp : (cur as Watermark).modstamp,
      newer ? (w.lastId ?? null) : (cur as Watermark).lastId,
      w.fullDone || cur?.fullDone ? 1 : 0,
      w.syncedAt ?? cur?.syncedAt ?? null,
      new Date().toISOString(),
    ],
  );
}

export async function getWatermark(sql: Sql, object: string): Promise<Watermark | undefined> {
  const row = await sql.get<{ object: string; modstamp: string; last_id: string | null; full_done: number; synced_at: string | null }>(
    'SELECT object, modstamp, last_id, full_done, synced_at FROM watermarks WHERE object = ?',
    [object],
  );
  return row ? { object: row.object, modstamp: row.modstamp, lastId: row.last_id, fullDone: row.full_done === 1, syncedAt: row.synced_at } : undefined;
}

/**
 * After a full load of an object by run `runId`, drops what that load did not see: records the org deleted
 * (and purged) while the mirror was not looking. Returns how many were dropped.
 */
export function sweepObject(sql: Sql, object: string, runId: string): Promise<number> {
  return sql.run('DELETE FROM records WHERE object = ? AND run_id <> ?', [object, runId]);
}

/** Forgets an object's watermark so the next extraction is a full load (records stay until swept). */
export async function resetWatermark(sql: Sql, object: string): Promise<void> {
  await sql.run('DELETE FROM watermarks WHERE object = ?', [object]);
}

/**
 * Records whose stamp lies in the overlap window: after `fromIso`, up to the watermark (its stamp, and ties on
 * it up to `lastId`). Stamps are stored as the API returns them, UTC with millisecond precision
 * ("2026-01-01T10:00:00.000+0000"), so their first 23 characters compare as the instant.
 */
export async function countInWindow(sql: Sql, object: string, fromIso: string, toIso: string, lastId: string | null): Promise<number> {
  const from = fromIso.slice(0, 23);
  const to = toIso.slice(0, 23);
  const row = lastId
    ? await sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM records WHERE object = ? AND substr(modstamp, 1, 23) > ? AND (substr(modstamp, 1, 23) < ? OR (substr(modstamp, 1, 23) = ? AND id <= ?))', [object, from, to, to, lastId])
    : await sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM records WHERE object = ? AND substr(modstamp, 1, 23) > ? AND substr(modstamp, 1, 23) <= ?', [object, from, to]);
  return row?.n ?? 0;
}

/** An object's mirrored records, in Id order on both engines (SQLite's primary-key order, asked for). */
export async function readRecords<T = MirrorRecord>(sql: Sql, object: string): Promise<T[]> {
  const rows = await sql.all<{ data: string }>('SELECT data FROM records WHERE object = ? ORDER BY id', [object]);
  return rows.map((r) => JSON.parse(r.data) as T);
}

export async function countRecords(sql: Sql, object?: string): Promise<number> {
  const row = object
    ? await sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM records WHERE object = ?', [object])
    : await sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM records');
  return row?.n ?? 0;
}

/** Small cached values (e.g. the resolved field list per object), with the time they were stored. */
export async function getMeta<T>(sql: Sql, key: string, maxAgeMs: number): Promise<T | undefined> {
  const row = await sql.get<{ value: string; updated_at: string }>('SELECT value, updated_at FROM meta WHERE key = ?', [key]);
  if (!row || Date.now() - Date.parse(row.updated_at) > maxAgeMs) return undefined;
  return JSON.parse(row.value) as T;
}

export async function setMeta(sql: Sql, key: string, value: unknown): Promise<void> {
  await sql.run(
    'INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    [key, JSON.stringify(value), new Date().toISOString()],
  );
}

export async function deleteMeta(sql: Sql, key: string): Promise<void> {
  await sql.run('DELETE FROM meta WHERE key = ?', [key]);
}
