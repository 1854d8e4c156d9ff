// Small write helpers shared by the seeder and the replayer: both must stop at the first rejected record
// with a message that says which object and which source row, rather than leave half an invoice behind.
import { rmSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import type { DmlOptions, OrgStore, SfRecord } from '../types.js';

/** Insert options that let the seeder backdate CreatedDate (LastModifiedDate follows it) ("Set Audit Fields upon Record Creation"). */
export const BACKDATED: DmlOptions = { allOrNone: true, setAuditFields: true };
export const LIVE: DmlOptions = { allOrNone: true };

const ROLLED_BACK = 'ALL_OR_NONE_OPERATION_ROLLED_BACK';
const PROBE_DONE = Symbol('probe done');

/**
 * Inserts and returns the new ids in order; throws naming the object and the origin of the record that failed.
 * With allOrNone every good record of a failed batch reports ALL_OR_NONE_OPERATION_ROLLED_BACK, so the one to
 * name is the record with any other error, not the batch's first.
 */
export function insertAll(store: OrgStore, object: string, records: SfRecord[], opts: DmlOptions, origin: (i: number) => string): string[] {
  if (records.length === 0) return [];
  let results;
  try {
    results = store.insert(object, records, opts);
  } catch (err) {
    const culprit = findThrowingRecord(store, object, records, opts);
    const which = culprit === null ? `${origin(0)}...` : origin(culprit.index);
    const cause = culprit?.error ?? err;
    throw new Error(`insert ${object} failed for ${which}: ${(cause as Error).message}`, { cause });
  }
  const failed = results.findIndex((r) => !r.success && r.errors.some((e) => e.errorCode !== ROLLED_BACK));
  const bad = failed >= 0 ? failed : results.findIndex((r) => !r.success || !r.id);
  if (bad >= 0) {
    const why = results[bad].errors.map((e) => `${e.errorCode}: ${e.message}`).join('; ') || 'no error given';
    throw new Error(`insert ${object} failed for ${origin(bad)}: ${why}`);
  }
  return results.map((r) => r.id as string);
}

/**
 * When a whole insert call throws (a storage limit rather than a field error), inserts the records one at a
 * time, each in a savepoint that is always undone, to find the first that throws on its own. Only ever on the
 * way to an error, so its cost does not matter.
 */
function findThrowingRecord(store: OrgStore, object: string, records: SfRecord[], opts: DmlOptions): { index: number; error: unknown } | null {
  for (let index = 0; index < records.length; index += 1) {
    try {
      store.transaction(() => {
        store.insert(object, [records[index]], opts);
        throw PROBE_DONE;
      });
    } catch (error) {
      if (error !== PROBE_DONE) return { index, error };
    }
  }
  return null;
}

/** The standard price book's id (every org has exactly one). */
export function standardPricebookId(db: DatabaseSync): string {
  const row = db.prepare(`SELECT Id FROM Pricebook2 WHERE IsStandard = 1 AND IsDeleted = 0 LIMIT 1`).get() as { Id: string } | undefined;
  if (!row) throw new Error('the org has no standard price book (Pricebook2 with IsStandard = true)');
  return row.Id;
}

/** Standard-price-book entry id per product code. */
export function entriesByProductCode(db: DatabaseSync, pricebookId: string): Map<string, string> {
  const rows = db
    .prepare(
      `SELECT e.Id AS id, p.ProductCode AS code FROM PricebookEntry e JOIN Product2 p ON p.Id = e.Product2Id
       WHERE e.Pricebook2Id = ? AND e.IsDeleted = 0 AND p.IsDeleted = 0`,
    )
    .all(pricebookId) as Array<{ id: string; code: string }>;
  return new Map(rows.map((r) => [r.code, r.id]));
}

/** Account id per AccountNumber (the customer number), read once: AccountNumber has no index. */
export function accountsByNumber(db: DatabaseSync): Map<string, string> {
  const rows = db.prepare(`SELECT Id AS id, AccountNumber AS num FROM Account WHERE AccountNumber IS NOT NULL AND IsDeleted = 0 ORDER BY rowid`).all() as Array<{ id: string; num: string }>;
  const out = new Map<string, string>();
  for (const r of rows) if (!out.has(r.num)) out.set(r.num, r.id);
  return out;
}

/** Deletes an SQLite database and its journal files (WAL, shared memory, rollback journal). */
export function removeDatabaseFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
}
