// Pulls the source objects into the mirror with as few API calls as the data allows: COUNT() first, then
// Bulk API 2.0 above a threshold or REST pages of 2,000 below it. Later runs read only what changed since the
// watermark (plus a short overlap before the previous read, because a transaction can commit a
// SystemModstamp older than records already read) through queryAll, so deletions arrive as IsDeleted rows
// and leave the mirror too.
import type { Connection } from 'jsforce';
import type { ApiBudget } from '../connect/api-budget.js';
import { runningUserId } from '../connect/identity.js';
import type { Mirror } from '../mirror/db.js';
import { applyPage, countInWindow, deleteMeta, getMeta, getWatermark, setMeta, setWatermark, sweepObject, type Watermark } from '../mirror/records.js';
import { bulkQueryPages } from './bulk-query.js';
import { OPTIONAL_FIELDS, SOURCE_OBJECTS, type SourceObject } from './objects.js';
import { enforceExcerptLimits } from '../text/index.js';
import { refreshOrgCurrency } from './org-currency.js';
import { dropOrphanTextScores, scoreAndStripText } from './text-objects.js';
import { queryMany } from './query-many.js';

export type ExtractMode = 'rest' | 'bulk';

export type ExtractProgress = {
  object: string;
  phase: 'start' | 'page' | 'done';
  mode?: ExtractMode;
  expected?: number;
  fetched: number;
  incremental: boolean;
};

export type ObjectStats = {
  object: string;
  mode: ExtractMode;
  incremental: boolean;
  expected: number;
  fetched: number;
  upserted: number;
  deleted: number;
  swept: number;
  calls: number;
  /** text objects: texts scored (new or changed) and left as they were */
  textScored?: number;
  textUnchanged?: number;
  /** the overlap window's counts differed between the org and the mirror, so it was read again */
  windowReread?: boolean;
};

export type ExtractOptions = {
  runId: string;
  /** Records above which an object is read with Bulk API 2.0 (default 20,000). */
  bulkThreshold?: number;
  /** Re-read window before the previous read started, for late-committing transactions (default 60 s). */
  overlapMs?: number;
  objects?: SourceObject[];
  budget?: ApiBudget;
  signal?: AbortSignal;
  onProgress?: (e: ExtractProgress) => void;
  /** Bulk 2.0 polling (jsforce defaults: 1 s interval, 30 s timeout, too short for large orgs). */
  bulkPollInterval?: number;
  bulkPollTimeout?: number;
  /** Excerpt characters kept per text object (text/score-store.ts DEFAULT_EXCERPT_CHARS: none for EmailMessage). */
  textExcerptChars?: Record<string, number>;
};

type FieldTypes = Record<string, string>;
const FIELD_CACHE_MS = 24 * 3600 * 1000;

/** The fields of `src` this org has (optional ones may be absent), with their types; cached for a day. */
async function resolveFields(conn: Connection, sql: Mirror['sql'], src: SourceObject): Promise<FieldTypes> {
  const key = `fields:${src.name}`;
  const cached = await getMeta<FieldTypes>(sql, key, FIELD_CACHE_MS);
  if (cached) return cached;
  const d = await conn.describe(src.name);
  const types = new Map(d.fields.map((f) => [f.name.toLowerCase(), { name: f.name, type: f.type as string }]));
  const out: FieldTypes = {};
  for (const f of src.fields) {
    const t = types.get(f.toLowerCase());
    if (t) out[t.name] = t.type;
    else if (!OPTIONAL_FIELDS.has(f)) throw new Error(`${src.name}.${f} is missing or not readable in this org; run the org check for what to fix`);
  }
  await setMeta(sql, key, out);
  return out;
}

const soqlDateTime = (iso: string): string => new Date(iso).toISOString();

/** Bulk results are CSV strings; give them the REST JSON types so the mirror holds one shape. */
function coerce(rec: Record<string, unknown>, types: FieldTypes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(types)) {
    const v = rec[name];
    if (v === undefined || v === null || v === '') out[name] = type === 'boolean' ? false : null;
    else if (typeof v !== 'string') out[name] = v;
    else if (type === 'boolean') out[name] = v === 'true';
    else if (['int', 'double', 'currency', 'percent'].includes(type)) out[name] = Number(v);
    else if (type === 'datetime') out[name] = new Date(v).toISOString().replace('Z', '+0000');
    else out[name] = v;
  }
  return out;
}

/**
 * What changed since the watermark. Strictly after the last (SystemModstamp, Id) stored, so records sharing
 * one stamp (a bulk load) are neither skipped at a page boundary nor all read again; widened to the overlap
 * window before the previous read started, because a transaction can commit a stamp older than records we
 * already saw. The window is anchored at the read, not at the newest stamp, or a month-old bulk load would
 * be re-read on every run.
 */
export function sinceCondition(wm: Watermark, overlapMs: number): string {
  const from = overlapStart(wm, overlapMs);
  return from ? `SystemModstamp > ${from}` : keysetCondition(wm);
}

/** Strictly after the last (SystemModstamp, Id) stored. */
export function keysetCondition(wm: Watermark): string {
  const stamp = soqlDateTime(wm.modstamp);
  return wm.lastId
    ? `(SystemModstamp > ${stamp} OR (SystemModstamp = ${stamp} AND Id > '${wm.lastId}'))`
    : `SystemModstamp > ${stamp}`;
}

/** Where the overlap window starts, when it reaches back before the watermark (else there is no window). */
export function overlapStart(wm: Watermark, overlapMs: number): string | null {
  if (!wm.syncedAt) return null;
  const from = new Date(Date.parse(wm.syncedAt) - overlapMs).toISOString();
  return from < soqlDateTime(wm.modstamp) ? from : null;
}

/** The overlap window: records stamped after `from` and up to the watermark (what the keyset read skips). */
export function windowCondition(wm: Watermark, from: string): string {
  const stamp = soqlDateTime(wm.modstamp);
  return wm.lastId
    ? `(SystemModstamp > ${from} AND (SystemModstamp < ${stamp} OR (SystemModstamp = ${stamp} AND Id <= '${wm.lastId}')))`
    : `(SystemModstamp > ${from} AND SystemModstamp <= ${stamp})`;
}

/**
 * Records someone other than `userId` changed, plus every deletion (whoever deleted: a cascade from an Account
 * is stamped by the system), plus those matching `stillRead`. The write-back applies Reco's own writes to the
 * mirror itself, so skipping them here loses nothing and saves re-reading every record Reco just wrote.
 */
export function othersEditsCondition(userId: string, stillRead?: string): string {
  if (!/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(userId)) throw new Error(`not a Salesforce user Id: ${JSON.stringify(userId)}`);
  return `(LastModifiedById != '${userId}' OR IsDeleted = true${stillRead ? ` OR (${stillRead})` : ''})`;
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError');
}

/** What an object's read asks for: the records after the watermark, and the overlap window to verify. */
type ReadPlan = { wm: Watermark | undefined; where: string; window: { where: string; from: string } | null; countSoql: string; windowCountSoql: string | null };

async function planRead(conn: Connection, src: SourceObject, wm: Watermark | undefined, overlapMs: number): Promise<ReadPlan> {
  const base: string[] = [];
  if (src.where) base.push(`(${src.where})`);
  if (wm && src.othersEditsOnly) base.push(othersEditsCondition(await runningUserId(conn), src.othersEditsOnly.stillRead));
  // Objects Reco never writes hold in the mirror exactly what the org holds, so the overlap window can be
  // checked by counting instead of re-read. Reco's own recommendations carry local stamps in the mirror and
  // are read back only for reps' edits, a small read: they keep the plain widened condition.
  const from = wm && !src.othersEditsOnly ? overlapStart(wm, overlapMs) : null;
  const since = wm ? (from ? keysetCondition(wm) : sinceCondition(wm, overlapMs)) : null;
  const whereOf = (extra: string | null): string => {
    const all = extra ? [...base, extra] : base;
    return all.length ? ` WHERE ${all.join(' AND ')}` : '';
  };
  const where = whereOf(since);
  const window = wm && from ? { where: whereOf(windowCondition(wm, from)), from } : null;
  return { wm, where, window, countSoql: `SELECT COUNT() FROM ${src.name}${where}`, windowCountSoql: window ? `SELECT COUNT() FROM ${src.name}${window.where}` : null };
}

/** Counts found ahead for an object (by extractAll, several per API call). */
type Precount = { expected: number; window: number | null };

export async function extractObject(conn: Connection, store: Pick<Mirror, 'sql'>, src: SourceObject, opts: ExtractOptions, precount?: Precount): Promise<ObjectStats> {
  const { sql } = store;
  const callsBefore = opts.budget?.calls ?? 0;
  const overlap = opts.overlapMs ?? 60_000;
  let types: FieldTypes;
  try {
    types = await resolveFields(conn, sql, src);
  } catch (err) {
    await deleteMeta(sql, `fields:${src.name}`);
    throw err;
  }
  const wm = await getWatermark(sql, src.name);
  const incremental = Boolean(wm);
  const syncedAt = new Date().toISOString();
  const plan = await planRead(conn, src, wm, overlap);
  const fieldList = Object.keys(types).join(', ');
  const count = async (soql: string): Promise<number> => {
    opts.budget?.check(`reading ${src.name}`);
    return (await conn.query(soql, { scanAll: true })).totalSize;
  };

  const expected = precount?.expected ?? (await count(plan.countSoql));
  const mode: ExtractMode = expected > (opts.bulkThreshold ?? 20_000) ? 'bulk' : 'rest';
  opts.onProgress?.({ object: src.name, phase: 'start', mode, expected, fetched: 0, incremental });

  let fetched = 0;
  let upserted = 0;
  let deleted = 0;
  let textScored = 0;
  let textUnchanged = 0;
  // Text fields are scored here and never reach applyPage: the mirror keeps no bodies.
  const withoutText = async (recs: Array<Record<string, unknown>>): Promise<Array<Record<string, unknown>>> => {
    if (!src.text) return recs;
    const r = await scoreAndStripText(sql, src, recs, opts.textExcerptChars);
    textScored += r.stats.scored;
    textUnchanged += r.stats.unchanged;
    return r.records;
  };
  const fullKey = `fullload:${src.name}`;
  if (!wm) await setMeta(sql, fullKey, opts.runId);
  const finishFull = !wm || !wm.fullDone;

  const read = async (where: string, n: number, readMode: ExtractMode): Promise<void> => {
    if (n === 0) return; // nothing to read: skip the query call
    if (readMode === 'rest') {
      // Ordered by SystemModstamp so every committed page can advance the watermark: a run that dies resumes
      // after the last page it stored instead of from the start.
      let res = await conn.query<Record<string, unknown>>(`SELECT ${fieldList} FROM ${src.name}${where} ORDER BY SystemModstamp, Id`, { scanAll: true, autoFetch: false });
      for (;;) {
        const recs = res.records;
        fetched += recs.length;
        const last = recs.at(-1);
        const r = await applyPage(sql, src.name, await withoutText(recs), opts.runId, last ? { modstamp: String(last.SystemModstamp), lastId: String(last.Id), syncedAt } : undefined);
        upserted += r.upserted;
        deleted += r.deleted;
        opts.onProgress?.({ object: src.name, phase: 'page', mode: readMode, expected, fetched, incremental });
        if (res.done || !res.nextRecordsUrl) break;
        checkAbort(opts.signal);
        opts.budget?.check(`reading more ${src.name}`);
        res = await conn.queryMore<Record<string, unknown>>(res.nextRecordsUrl);
      }
      return;
    }
    // Bulk results are unordered: store page by page, move the watermark once the whole result is in.
    let maxStamp = '';
    await bulkQueryPages(
      conn,
      `SELECT ${fieldList} FROM ${src.name}${where}`,
      { scanAll: true, pollInterval: opts.bulkPollInterval, pollTimeout: opts.bulkPollTimeout, signal: opts.signal },
      async (page) => {
        const recs = page.map((raw) => coerce(raw, types));
        for (const rec of recs) if (String(rec.SystemModstamp) > maxStamp) maxStamp = String(rec.SystemModstamp);
        fetched += recs.length;
        const r = await applyPage(sql, src.name, await withoutText(recs), opts.runId);
        upserted += r.upserted;
        deleted += r.deleted;
        opts.onProgress?.({ object: src.name, phase: 'page', mode: readMode, expected, fetched, incremental });
      },
    );
    if (maxStamp) await setWatermark(sql, src.name, { modstamp: maxStamp, lastId: null, syncedAt });
  };

  await read(plan.where, expected, mode);
  let windowReread = false;
  if (plan.window && wm) {
    // The overlap window exists for transactions that committed a stamp older than what the last read saw.
    // When the org holds as many records in the window as the mirror (both after the read above, which moved
    // records changed since out of the window on both sides), no such record arrived: skip the re-read, which
    // right after a bulk load would be the whole org.
    const inOrg = precount?.window ?? (await count(plan.windowCountSoql as string));
    const inMirror = await countInWindow(sql, src.name, plan.window.from, wm.modstamp, wm.lastId);
    if (inOrg !== inMirror) {
      windowReread = true;
      checkAbort(opts.signal);
      await read(plan.window.where, inOrg, inOrg > (opts.bulkThreshold ?? 20_000) ? 'bulk' : 'rest');
    }
  }

  let swept = 0;
  if (finishFull) {
    // The load that started from nothing is complete: whatever it did not see is gone from the org. Only the
    // run that started the load can tell (records carry the run that last stored them).
    if ((await getMeta<string>(sql, fullKey, Infinity)) === opts.runId) {
      swept = await sweepObject(sql, src.name, opts.runId);
      // Scores of texts whose records are gone from the org go with them.
      if (src.text) await dropOrphanTextScores(sql, src.name);
    }
    await setWatermark(sql, src.name, { modstamp: (await getWatermark(sql, src.name))?.modstamp ?? '1970-01-01T00:00:00.000Z', fullDone: true, syncedAt });
  } else if (fetched === 0) {
    // Nothing new: the read still happened, so the next overlap window starts from it.
    await setWatermark(sql, src.name, { modstamp: wm?.modstamp ?? '1970-01-01T00:00:00.000Z', syncedAt });
  }
  const stats: ObjectStats = { object: src.name, mode, incremental, expected, fetched, upserted, deleted, swept, windowReread, calls: (opts.budget?.calls ?? 0) - callsBefore };
  if (src.text) Object.assign(stats, { textScored, textUnchanged });
  opts.onProgress?.({ object: src.name, phase: 'done', mode, expected, fetched, incremental });
  return stats;
}

/**
 * Extracts every source object in order; the watermarks make a rerun after a crash continue, not restart.
 * Objects read incrementally are counted up front, five COUNT()s per API call.
 */
export async function extractAll(conn: Connection, store: Pick<Mirror, 'sql'>, opts: ExtractOptions): Promise<ObjectStats[]> {
  const { sql } = store;
  const objects = opts.objects ?? SOURCE_OBJECTS;
  // Amounts mean nothing without their currency: the clean stage converts and the models word them in it.
  await refreshOrgCurrency(conn, sql, { budget: opts.budget });
  const overlap = opts.overlapMs ?? 60_000;
  // Before any page is read: an incremental run may read no text at all, and the excerpts stored under an
  // earlier setting must not reach this run's write-back.
  await enforceExcerptLimits(sql, opts.textExcerptChars);
  const planned: Array<{ name: string; plan: ReadPlan }> = [];
  for (const src of objects) {
    const wm = await getWatermark(sql, src.name);
    if (wm?.fullDone) planned.push({ name: src.name, plan: await planRead(conn, src, wm, overlap) });
  }
  const soqls = planned.flatMap((p) => (p.plan.windowCountSoql ? [p.plan.countSoql, p.plan.windowCountSoql] : [p.plan.countSoql]));
  const counts = soqls.length ? await queryMany(conn, soqls, { scanAll: true, budget: opts.budget, what: 'counting changes' }) : [];
  const precounts = new Map<string, Precount>();
  let k = 0;
  for (const p of planned) {
    const expected = counts[k++].totalSize;
    const window = p.plan.windowCountSoql ? counts[k++].totalSize : null;
    precounts.set(p.name, { expected, window });
  }
  const stats: ObjectStats[] = [];
  for (const src of objects) {
    checkAbort(opts.signal);
    stats.push(await extractObject(conn, store, src, opts, precounts.get(src.name)));
  }
  return stats;
}
