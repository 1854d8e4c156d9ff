// The current recommendations as the API serves them, packed into a few typed arrays: each account's list
// already sorted and serialised once. The pipeline's thread builds it after the models stage and transfers it
// (zero-copy) to the serving thread, which then swaps it in without building tens of thousands of objects:
// on a large org that build, and the major GC after it, held the serving event loop for seconds.
import type { Recommendation } from '../domain/types.js';
import type { Sql } from '../lib/sql.js';

/** A recommendation as the API returns it: the stored one with its product's mirrored name. */
export type ServedRecommendation = Recommendation & { productName?: string | null };

export type RecommendationSnapshot = {
  /** Account ids in ascending (JS string) order, so a lookup is a binary search: nothing to index on arrival. */
  accounts: string[];
  /** How many recommendations each account has. */
  counts: Uint32Array;
  /** Where each account's list ends in `json` (it starts where the previous one ends). */
  ends: Uint32Array;
  /** Each account's recommendations as UTF-8 JSON, comma-separated, highest score first. */
  json: Uint8Array;
};

const byScore = (a: ServedRecommendation, b: ServedRecommendation): number => b.score - a.score || a.rank - b.rank;

/** Groups by account and orders each list highest score first (ties by rank, then the input's order). */
export function packRecommendations(recs: Iterable<ServedRecommendation>): RecommendationSnapshot {
  const byAccount = new Map<string, ServedRecommendation[]>();
  for (const rec of recs) {
    const list = byAccount.get(rec.accountId);
    if (list) list.push(rec);
    else byAccount.set(rec.accountId, [rec]);
  }
  const accounts = [...byAccount.keys()].sort(compareIds);
  const texts = accounts.map((id) => byAccount.get(id)!.sort(byScore).map((r) => JSON.stringify(r)).join(','));
  const counts = new Uint32Array(accounts.length);
  const ends = new Uint32Array(accounts.length);
  let size = 0;
  for (const [i, text] of texts.entries()) {
    counts[i] = byAccount.get(accounts[i])!.length;
    size += Buffer.byteLength(text);
    ends[i] = size;
  }
  // A buffer of its own (not a slice of Node's pool), so it can be transferred to another thread.
  const json = new Uint8Array(new ArrayBuffer(size));
  const encoder = new TextEncoder();
  for (const [i, text] of texts.entries()) encoder.encodeInto(text, json.subarray(i === 0 ? 0 : ends[i - 1], ends[i]));
  return { accounts, counts, ends, json };
}

/** The buffers to list in postMessage's transfer list: moved to the receiving thread, not copied. */
export function snapshotTransferList(snapshot: RecommendationSnapshot): ArrayBuffer[] {
  return [snapshot.counts.buffer, snapshot.ends.buffer, snapshot.json.buffer] as ArrayBuffer[];
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type RecommendationRow = {
  account_id: string; product_id: string; kind: Recommendation['kind']; rank: number; score: number; confidence: Recommendation['confidence'];
  reason: string; evidence: string; expected_revenue: number | null; opportunity_id: string | null; product_name: string | null;
};

export const recommendationsSql = (sql: Pick<Sql, 'dialect'>): string => `SELECT r.account_id, r.product_id, r.kind, r.rank, r.score, r.confidence, r.reason, r.evidence, r.expected_revenue, r.opportunity_id,
            ${sql.dialect === 'postgres' ? "p.data::jsonb ->> 'Name'" : "json_extract(p.data, '$.Name')"} AS product_name
       FROM result_recommendations r LEFT JOIN records p ON p.object = 'Product2' AND p.id = r.product_id
      ORDER BY r.account_id, r.kind, r.rank`;

export const toServed = (r: RecommendationRow): ServedRecommendation => ({
  accountId: r.account_id, productId: r.product_id, productName: r.product_name, kind: r.kind, rank: r.rank, score: r.score,
  confidence: r.confidence, reason: r.reason, evidence: JSON.parse(r.evidence) as Record<string, unknown>,
  expectedRevenue: r.expected_revenue, opportunityId: r.opportunity_id,
});

/** Every stored recommendation with its product's mirrored name (null when the product is not mirrored). */
export async function readServedRecommendations(sql: Sql): Promise<ServedRecommendation[]> {
  return (await sql.all<RecommendationRow>(recommendationsSql(sql))).map(toServed);
}

/** The stored recommendations, packed; one statement, so one read snapshot of the mirror. */
export async function readRecommendationSnapshot(sql: Sql): Promise<RecommendationSnapshot> {
  const rows = await sql.all<RecommendationRow>(recommendationsSql(sql));
  // Served objects are made as the packer takes them, so the rows and one account's objects are all that live.
  return packRecommendations((function* () {
    for (const row of rows) yield toServed(row);
  })());
}
