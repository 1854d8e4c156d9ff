// The last model output, kept in the mirror so the HTTP API answers from SQLite without touching the org, plus
// the read functions its routes use.
import type { DatabaseSync } from 'node:sqlite';
import type { AccountInsight, ModelOutput, Recommendation, RecommendationKind, Segment } from '../domain/types.js';
import { transaction } from './db.js';

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
export function saveModelOutput(db: DatabaseSync, runId: string, output: ModelOutput): void {
  transaction(db, () => {
    db.exec('DELETE FROM result_recommendations; DELETE FROM result_insights; DELETE FROM result_segments; DELETE FROM result_meta;');
    const rec = db.prepare(
      `INSERT INTO result_recommendations (external_id, account_id, product_id, kind, rank, score, confidence, reason, evidence, expected_revenue, opportunity_id, run_id, next_best_rank)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (external_id) DO NOTHING`,
    );
    for (const r of output.recommendations) {
      rec.run(recommendationExternalId(r), r.accountId, r.productId, r.kind, r.rank, r.score, r.confidence, r.reason, JSON.stringify(r.evidence), r.expectedRevenue, r.opportunityId, runId, r.nextBestRank ?? null);
    }
    const ins = db.prepare('INSERT OR REPLACE INTO result_insights (account_id, data, run_id) VALUES (?, ?, ?)');
    for (const i of output.insights) ins.run(i.accountId, JSON.stringify(i), runId);
    const seg = db.prepare('INSERT OR REPLACE INTO result_segments (key, data, run_id) VALUES (?, ?, ?)');
    for (const s of output.segments) seg.run(s.key, JSON.stringify(s), runId);
    db.prepare('INSERT INTO result_meta (id, run_id, as_of, metrics) VALUES (1, ?, ?, ?)').run(runId, output.asOf, JSON.stringify(output.metrics));
  });
}

type RecRow = {
  external_id: string; account_id: string; product_id: string; kind: RecommendationKind; rank: number; score: number;
  confidence: Recommendation['confidence']; reason: string; evidence: string; expected_revenue: number | null; opportunity_id: string | null; run_id: string; next_best_rank: number | null;
};

export function listRecommendations(
  db: DatabaseSync,
  accountId: string,
  opts: { kind?: RecommendationKind; limit?: number } = {},
): StoredRecommendation[] {
  const limit = opts.limit ?? 50;
  const rows = (opts.kind
    ? db.prepare('SELECT * FROM result_recommendations WHERE account_id = ? AND kind = ? ORDER BY rank LIMIT ?').all(accountId, opts.kind, limit)
    : db.prepare('SELECT * FROM result_recommendations WHERE account_id = ? ORDER BY kind, rank LIMIT ?').all(accountId, limit)) as RecRow[];
  return rows.map((r) => ({
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
  }));
}

export function getInsight(db: DatabaseSync, accountId: string): AccountInsight | undefined {
  const row = db.prepare('SELECT data FROM result_insights WHERE account_id = ?').get(accountId) as { data: string } | undefined;
  return row ? (JSON.parse(row.data) as AccountInsight) : undefined;
}

export function listSegments(db: DatabaseSync): Segment[] {
  const rows = db.prepare('SELECT data FROM result_segments ORDER BY key').all() as Array<{ data: string }>;
  return rows.map((r) => JSON.parse(r.data) as Segment);
}

export function getResultMeta(db: DatabaseSync): { runId: string; asOf: string; metrics: Record<string, unknown> } | undefined {
  const row = db.prepare('SELECT run_id, as_of, metrics FROM result_meta WHERE id = 1').get() as { run_id: string; as_of: string; metrics: string } | undefined;
  return row ? { runId: row.run_id, asOf: row.as_of, metrics: JSON.parse(row.metrics) as Record<string, unknown> } : undefined;
}

/** The whole stored output (the write-back stage re-reads it when a run resumes after the models stage). */
export function loadModelOutput(db: DatabaseSync): ModelOutput | undefined {
  const meta = getResultMeta(db);
  if (!meta) return undefined;
  const recs = (db.prepare('SELECT * FROM result_recommendations ORDER BY account_id, kind, rank').all() as RecRow[]).map((r) => r.account_id);
  const accounts = [...new Set(recs)];
  return {
    asOf: meta.asOf,
    metrics: meta.metrics,
    segments: listSegments(db),
    insights: (db.prepare('SELECT data FROM result_insights ORDER BY account_id').all() as Array<{ data: string }>).map((r) => JSON.parse(r.data) as AccountInsight),
    recommendations: accounts.flatMap((a) => listRecommendations(db, a, { limit: 1_000_000 }).map(({ externalId: _e, runId: _r, ...rec }) => rec)),
  };
}
