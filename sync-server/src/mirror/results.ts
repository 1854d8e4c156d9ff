// The last model output, kept in the mirror so the HTTP API answers from SQLite without touching the org, plus
// the read functions its routes use.
import type { AccountInsight, ModelOutput, Recommendation, RecommendationKind, Segment } from '../domain/types.js';
import { storeTransaction } from './db.js';
import type { Sql } from '../lib/sql.js';

export { getRun, listRuns } from './runs.js';

export type StoredRecommendation = Recommendation & { externalId: string; runId: string };

/** The external id of a recommendation: stable across runs for the same account, product and kind. */
export function recommendationExternalId(r: Pick<Recommendation, 'accountId' | 'productId' | 'kind'>): string {
  return `${r.accountId}-${r.productId}-${r.kind === 'Cross-sell' ? 'XS' : 'BA'}`;
}

export function insightExternalId(accountId: string): string {
  return `INS-${accountId}`;
}

/** Replaces the stored results with this run's output in one transaction (readers never see half of it). */
export async function saveModelOutput(sql: Sql, runId: string, output: ModelOutput): Promise<void> {
  // Duplicates (same external id) kept first-come, as the row-by-row INSERT ... DO NOTHING did; COPY would
  // refuse them. Insights and segments kept last-come, as INSERT OR REPLACE did.
  const recs = new Map<string, Recommendation>();
  for (const r of output.recommendations) {
    const id = recommendationExternalId(r);
    if (!recs.has(id)) recs.set(id, r);
  }
  const insights = new Map(output.insights.map((i) => [i.accountId, i]));
  const segments = new Map(output.segments.map((g) => [g.key, g]));
  await storeTransaction(sql, async (tx) => {
    await tx.exec('DELETE FROM result_recommendations; DELETE FROM result_insights; DELETE FROM result_segments; DELETE FROM result_meta;');
    await tx.copy(
      'result_recommendations',
      ['external_id', 'account_id', 'product_id', 'kind', 'rank', 'score', 'confidence', 'reason', 'evidence', 'expected_revenue', 'opportunity_id', 'run_id', 'next_best_rank'],
      [...recs].map(([id, r]) => [id, r.accountId, r.productId, r.kind, r.rank, r.score, r.confidence, r.reason, JSON.stringify(r.evidence), r.expectedRevenue, r.opportunityId, runId, r.nextBestRank ?? null]),
    );
    await tx.copy('result_insights', ['account_id', 'data', 'run_id'], [...insights].map(([id, i]) => [id, JSON.stringify(i), runId]));
    await tx.copy('result_segments', ['key', 'data', 'run_id'], [...segments].map(([key, g]) => [key, JSON.stringify(g), runId]));
    await tx.run('INSERT INTO result_meta (id, run_id, as_of, metrics) VALUES (1, ?, ?, ?)', [runId, output.asOf, JSON.stringify(output.metrics)]);
  });
}

type RecRow = {
  external_id: string; account_id: string; product_id: string; kind: RecommendationKind; rank: number; score: number;
  confidence: Recommendation['confidence']; reason: string; evidence: string; expected_revenue: number | null; opportunity_id: string | null; run_id: string; next_best_rank: number | null;
};

export async function listRecommendations(
  sql: Sql,
  accountId: string,
  opts: { kind?: RecommendationKind; limit?: number } = {},
): Promise<StoredRecommendation[]> {
  const limit = opts.limit ?? 50;
  const rows = opts.kind
    ? await sql.all<RecRow>('SELECT * FROM result_recommendations WHERE account_id = ? AND kind = ? ORDER BY rank LIMIT ?', [accountId, opts.kind, limit])
    : await sql.all<RecRow>('SELECT * FROM result_recommendations WHERE account_id = ? ORDER BY kind, rank LIMIT ?', [accountId, limit]);
  return rows.map(toStored);
}

const toStored = (r: RecRow): StoredRecommendation => ({
    externalId: r.external_id,
    runId: r.run_id,
    accountId: r.account_id,
    productId: r.product_id,
    kind: r.kind,
    rank: r.rank,
    score: r.score,
    confidence: r.confidence,
    reason: r.reason,
    evidence: JSON.parse(r.evidence) as Record<string, unknown>,
    expectedRevenue: r.expected_revenue,
    opportunityId: r.opportunity_id,
    nextBestRank: r.next_best_rank,
});

export async function getInsight(sql: Sql, accountId: string): Promise<AccountInsight | undefined> {
  const row = await sql.get<{ data: string }>('SELECT data FROM result_insights WHERE account_id = ?', [accountId]);
  return row ? (JSON.parse(row.data) as AccountInsight) : undefined;
}

export async function listSegments(sql: Sql): Promise<Segment[]> {
  const rows = await sql.all<{ data: string }>('SELECT data FROM result_segments ORDER BY key');
  return rows.map((r) => JSON.parse(r.data) as Segment);
}

export async function getResultMeta(sql: Sql): Promise<{ runId: string; asOf: string; metrics: Record<string, unknown> } | undefined> {
  const row = await sql.get<{ run_id: string; as_of: string; metrics: string }>('SELECT run_id, as_of, metrics FROM result_meta WHERE id = 1');
  return row ? { runId: row.run_id, asOf: row.as_of, metrics: JSON.parse(row.metrics) as Record<string, unknown> } : undefined;
}

/** The whole stored output (the write-back stage re-reads it when a run resumes after the models stage). */
export async function loadModelOutput(sql: Sql): Promise<ModelOutput | undefined> {
  const meta = await getResultMeta(sql);
  if (!meta) return undefined;
  // One read of the table in the order the per-account reads gave (account, kind, rank): same output, one query.
  const recs = await sql.all<RecRow>('SELECT * FROM result_recommendations ORDER BY account_id, kind, rank');
  return {
    asOf: meta.asOf,
    metrics: meta.metrics,
    segments: await listSegments(sql),
    insights: (await sql.all<{ data: string }>('SELECT data FROM result_insights ORDER BY account_id')).map((r) => JSON.parse(r.data) as AccountInsight),
    recommendations: recs.map((r) => {
      const { externalId: _e, runId: _r, ...rec } = toStored(r);
      return rec;
    }),
  };
}
