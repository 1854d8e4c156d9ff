// The two mirror reads measurement needs, through the async store surface: an object's records (as
// mirror/records.ts's readRecords stores them, JSON per record) and which recommendations the write-back has
// put in the org. Kept here while mirror/ and writeback/ move to the same surface; once their readRecords and
// readLedger take a Sql, these are those.
import type { Sql } from '../mirror/sql.js';

export async function mirrorRecords<T>(sql: Sql, object: string): Promise<T[]> {
  return (await sql.all<{ data: string }>('SELECT data FROM records WHERE object = ?', [object])).map((r) => JSON.parse(r.data) as T);
}

/** External ids (lower-cased, as the ledger compares them) of the object's records the org has an Id for. */
export async function writtenToOrg(sql: Sql, object: string): Promise<Set<string>> {
  const rows = await sql.all<{ external_id: string }>('SELECT external_id FROM written WHERE object = ? AND sf_id IS NOT NULL', [object]);
  return new Set(rows.map((r) => r.external_id.toLowerCase()));
}
