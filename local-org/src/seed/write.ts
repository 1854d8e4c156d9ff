// Small write helpers shared by the seeder and the replayer: both must stop at the first rejected record
// with a message that says which object and which source row, rather than leave half an invoice behind.
import type { DatabaseSync } from 'node:sqlite';
import type { DmlOptions, OrgStore, SfRecord } from '../types.js';

/** Insert options that let the seeder backdate CreatedDate (LastModifiedDate follows it) ("Set Audit Fields upon Record Creation"). */
export const BACKDATED: DmlOptions = { allOrNone: true, setAuditFields: true };
export const LIVE: DmlOptions = { allOrNone: true };

/** Inserts and returns the new ids in order; throws naming the object and the record's origin on failure. */
export function insertAll(store: OrgStore, object: string, records: SfRecord[], opts: DmlOptions, origin: (i: number) => string): string[] {
  if (records.length === 0) return [];
  let results;
  try {
    results = store.insert(object, records, opts);
  } catch (err) {
    throw new Error(`insert ${object} failed (${origin(0)}...): ${(err as Error).message}`, { cause: err });
  }
  return results.map((r, i) => {
    if (!r.success || !r.id) {
      const why = r.errors.map((e) => `${e.errorCode}: ${e.message}`).join('; ') || 'no error given';
      throw new Error(`insert ${object} failed for ${origin(i)}: ${why}`);
    }
    return r.id;
  });
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
