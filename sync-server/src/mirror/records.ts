// Mirrored org records (stored as the JSON the API returned, minus `attributes`) and per-object watermarks.
// A page of records and its watermark are committed together, so a crash never leaves the watermark ahead of
// the data.
import type { DatabaseSync } from 'node:sqlite';
import { transaction } from './db.js';

export type MirrorRecord = Record<string, unknown> & { Id: string; SystemModstamp: string };
/**
 * Where reading an object stopped: the last (SystemModstamp, Id) stored, in that order (so ties on the stamp
 * resume exactly), whether the initial full load finished, and when the read started (local clock).
 */
export type Watermark = { object: string; modstamp: string; lastId: string | null; fullDone: boolean; syncedAt: string | null };
export type WatermarkUpdate = { modstamp: string; lastId?: string | null; fullDone?: boolean; syncedAt?: string };

/** Upserts live records and removes deleted ones, then advances the watermark, all in one transaction. */
export function applyPage(
  db: DatabaseSync,
  object: string,
  records: Array<Record<string, unknown>>,
  runId: string,
  watermark?: WatermarkUpdate,
): { upserted: number; deleted: number } {
  const put = db.prepare('INSERT INTO records (object, id, modstamp, data, run_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT (object, id) DO UPDATE SET modstamp = excluded.modstamp, data = excluded.data, run_id = excluded.run_id');
  const del = db.prepare('DELETE FROM records WHERE object = ? AND id = ?');
  let upserted = 0;
  let deleted = 0;
  transaction(db, () => {
    for (const r of records) {
      const { attributes: _attributes, ...data } = r;
      const id = String(data.Id);
      if (data.IsDeleted === true || data.IsDeleted === 'true') {
        deleted += Number(del.run(object, id).changes);
      } else {
        put.run(object, id, String(data.SystemModstamp ?? ''), JSON.stringify(data), runId);
        upserted += 1;
      }
    }
    if (watermark) setWatermark(db, object, watermark);
  });
  return { upserted, deleted };
}

/**
 * Folds fields Reco itself just wrote into the mirrored records (adding the records it created), so the mirror
 * matches the org without reading those records back. Only `fields` are kept, so the mirror holds one shape;
 * fields not written keep their mirrored value (a rep's Status__c, for one). Call inside a transaction.
 */
export function applyOwnWrites(db: DatabaseSync, object: string, fields: string[], runId: string, writes: Array<{ id: string; values: Record<string, unknown> }>): void {
  const get = db.prepare('SELECT data FROM records WHERE object = ? AND id = ?');
  const put = db.prepare('INSERT INTO records (object, id, modstamp, data, run_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT (object, id) DO UPDATE SET modstamp = excluded.modstamp, data = excluded.data, run_id = excluded.run_id');
  const now = new Date().toISOString().replace('Z', '+0000');
  for (const w of writes) {
    const row = get.get(object, w.id) as { data: string } | undefined;
    const data: Record<string, unknown> = row ? (JSON.parse(row.data) as Record<string, unknown>) : Object.fromEntries(fields.map((f) => [f, null]));
    for (const f of fields) if (w.values[f] !== undefined) data[f] = w.values[f];
    Object.assign(data, { Id: w.id, IsDeleted: false, SystemModstamp: now });
    put.run(object, w.id, now, JSON.stringify(data), runId);
  }
}

/** Moves the watermark forward (never back); timestamps are compared as instants. */
export function setWatermark(db: DatabaseSync, object: string, w: WatermarkUpdate): void {
  const cur = getWatermark(db, object);
  const stamp = new Date(w.modstamp.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')).toISOString();
  const newer = !cur || stamp > cur.modstamp || (stamp === cur.modstamp && (w.lastId ?? '') > (cur.lastId ?? ''));
  db.prepare(
    `INSERT INTO watermarks (object, modstamp, last_id, full_done, synced_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (object) DO UPDATE SET modstamp = excluded.modstamp, last_id = excluded.last_id, full_done = excluded.full_done,
       synced_at = excluded.synced_at, updated_at = excluded.updated_at`,
  ).run(
    object,
    newer ? stamp : (cur as Watermark).modstamp,
    newer ? (w.lastId ?? null) : (cur as Watermark).lastId,
    w.fullDone || cur?.fullDone ? 1 : 0,
    w.syncedAt ?? cur?.syncedAt ?? null,
    new Date().toISOString(),
  );
}

export function getWatermark(db: DatabaseSync, object: string): Watermark | undefined {
  const row = db.prepare('SELECT object, modstamp, last_id, full_done, synced_at FROM watermarks WHERE object = ?').get(object) as
    | { object: string; modstamp: string; last_id: string | null; full_done: number; synced_at: string | null }
    | undefined;
  return row ? { object: row.object, modstamp: row.modstamp, lastId: row.last_id, fullDone: row.full_done === 1, syncedAt: row.synced_at } : undefined;
}

/**
 * After a full load of an object by run `runId`, drops what that load did not see: records the org deleted
 * (and purged) while the mirror was not looking. Returns how many were dropped.
 */
export function sweepObject(db: DatabaseSync, object: string, runId: string): number {
  return Number(db.prepare('DELETE FROM records WHERE object = ? AND run_id <> ?').run(object, runId).changes);
}

/** Forgets an object's watermark so the next extraction is a full load (records stay until swept). */
export function resetWatermark(db: DatabaseSync, object: string): void {
  db.prepare('DELETE FROM watermarks WHERE object = ?').run(object);
}

/**
 * Records whose stamp lies in the overlap window: after `fromIso`, up to the watermark (its stamp, and ties on
 * it up to `lastId`). Stamps are stored as the API returns them, UTC with millisecond precision
 * ("2026-01-01T10:00:00.000+0000"), so their first 23 characters compare as the instant.
 */
export function countInWindow(db: DatabaseSync, object: string, fromIso: string, toIso: string, lastId: string | null): number {
  const from = fromIso.slice(0, 23);
  const to = toIso.slice(0, 23);
  const row = (lastId
    ? db.prepare('SELECT COUNT(*) AS n FROM records WHERE object = ? AND substr(modstamp, 1, 23) > ? AND (substr(modstamp, 1, 23) < ? OR (substr(modstamp, 1, 23) = ? AND id <= ?))').get(object, from, to, to, lastId)
    : db.prepare('SELECT COUNT(*) AS n FROM records WHERE object = ? AND substr(modstamp, 1, 23) > ? AND substr(modstamp, 1, 23) <= ?').get(object, from, to)) as { n: number };
  return row.n;
}

export function readRecords<T = MirrorRecord>(db: DatabaseSync, object: string): T[] {
  const rows = db.prepare('SELECT data FROM records WHERE object = ?').all(object) as Array<{ data: string }>;
  return rows.map((r) => JSON.parse(r.data) as T);
}

export function countRecords(db: DatabaseSync, object?: string): number {
  const row = (object
    ? db.prepare('SELECT COUNT(*) AS n FROM records WHERE object = ?').get(object)
    : db.prepare('SELECT COUNT(*) AS n FROM records').get()) as { n: number };
  return row.n;
}

/** Small cached values (e.g. the resolved field list per object), with the time they were stored. */
export function getMeta<T>(db: DatabaseSync, key: string, maxAgeMs: number): T | undefined {
  const row = db.prepare('SELECT value, updated_at FROM meta WHERE key = ?').get(key) as { value: string; updated_at: string } | undefined;
  if (!row || Date.now() - Date.parse(row.updated_at) > maxAgeMs) return undefined;
  return JSON.parse(row.value) as T;
}

export function setMeta(db: DatabaseSync, key: string, value: unknown): void {
  db.prepare('INSERT OR REPLACE INTO meta (key, value, updated_at) VALUES (?, ?, ?)').run(key, JSON.stringify(value), new Date().toISOString());
}

export function deleteMeta(db: DatabaseSync, key: string): void {
  db.prepare('DELETE FROM meta WHERE key = ?').run(key);
}
