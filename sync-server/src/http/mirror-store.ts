// The results port over the sync engine's mirror (node:sqlite): run history with per-stage progress, the
// last model output, and product names from the mirrored Product2 records. The evaluation comes from the
// JSON that `npm run evaluate -- --json` writes, re-read when the file changes.
import { readFileSync, statSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import type { AccountInsight, Segment } from '../domain/types.js';
import { storeFault } from '../mirror/db.js';
import type { OrgCurrency } from '../mirror/org-currency.js';
import { packRecommendations, recommendationsSql, toServed, type RecommendationRow } from '../mirror/recommendation-snapshot.js';
import { STAGES } from '../domain/run.js';
import { toRun, type RunRecord, type RunRow } from '../mirror/runs.js';
import type { AccountMatch, EvaluationReport, ResultsStore, RunView } from './ports.js';

// The ResultsStore port is synchronous (the serving thread answers from node:sqlite without awaiting), so this
// adapter reads the SQLite handle directly with the statements the async store modules use.
export function mirrorResultsStore(db: DatabaseSync, options: { evaluationFile?: string; currency?: string } = {}): ResultsStore {
  const readEvaluation = evaluationFileReader(options.evaluationFile);
  const nameOf = db.prepare(`SELECT json_extract(data, '$.Name') AS name FROM records WHERE object = 'Account' AND id = ?`);
  const data = <T>(sql: string, ...params: string[]): T[] => (db.prepare(sql).all(...params) as Array<{ data: string }>).map((r) => JSON.parse(r.data) as T);
  return {
    isOpen: () => db.isOpen,
    fault: () => storeFault(db)?.message ?? null,
    listRuns: (limit) => (db.prepare('SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?').all(limit) as RunRow[]).map((r) => toRunView(toRun(r))),
    getRun: (id) => {
      const row = db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
      return row ? toRunView(toRun(row)) : undefined;
    },
    recommendationSnapshot: () => packRecommendations((function* () {
      for (const row of db.prepare(recommendationsSql({ dialect: 'sqlite' })).iterate() as Iterable<RecommendationRow>) yield toServed(row);
    })()),
    getInsight: (accountId) => data<AccountInsight>('SELECT data FROM result_insights WHERE account_id = ?', accountId)[0],
    listInsights: () => data<AccountInsight>('SELECT data FROM result_insights ORDER BY account_id'),
    listSegments: () => data<Segment>('SELECT data FROM result_segments ORDER BY key').sort((a, b) => b.accountCount - a.accountCount),
    evaluation: readEvaluation,
    searchAccounts: (text, limit) => searchAccounts(db, text, limit),
    accountName: (accountId) => ((nameOf.get(accountId) as { name: string | null } | undefined)?.name ?? null),
    currency: () => options.currency ?? storedCurrency(db) ?? mirroredCurrency(db),
  };
}

/** The org's corporate currency as the extract stored it (mirror/org-currency.ts), read synchronously. */
function storedCurrency(db: DatabaseSync): string | null {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'orgCurrency'").get() as { value: string } | undefined;
  return row ? (JSON.parse(row.value) as OrgCurrency).corporate : null;
}

/** Substring match on the mirrored Account names; names starting with the text first, then alphabetical. */
function searchAccounts(db: DatabaseSync, text: string, limit: number): AccountMatch[] {
  const pattern = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  const rows = db.prepare(
    `SELECT id, json_extract(data, '$.Name') AS name FROM records
      WHERE object = 'Account' AND json_extract(data, '$.Name') LIKE ? ESCAPE '\\'
      ORDER BY json_extract(data, '$.Name') LIKE ? ESCAPE '\\' DESC, json_extract(data, '$.Name'), id LIMIT ?`,
  ).all(`%${pattern}%`, `${pattern}%`, limit) as Array<{ id: string; name: string }>;
  return rows.map((r) => ({ accountId: r.id, name: r.name }));
}

/**
 * For a mirror filled before the org's currency was read from it: a multi-currency org stamps CurrencyIsoCode
 * on every opportunity, and the most common one is what its amounts are mostly in.
 */
function mirroredCurrency(db: DatabaseSync): string | null {
  const row = db.prepare(
    `SELECT json_extract(data, '$.CurrencyIsoCode') AS code, COUNT(*) AS n FROM records
      WHERE object = 'Opportunity' AND json_extract(data, '$.CurrencyIsoCode') IS NOT NULL GROUP BY code ORDER BY n DESC LIMIT 1`,
  ).get() as { code: string } | undefined;
  return row?.code ?? null;
}

export function toRunView(run: RunRecord): RunView {
  const stages = STAGES.filter((s) => run.progress[s]).map((stage) => {
    const p = run.progress[stage]!;
    const records = p.detail && typeof p.detail.records === 'number' ? p.detail.records : null;
    return { stage, status: p.state, startedAt: p.startedAt ?? null, finishedAt: p.finishedAt ?? null, records, detail: p.detail };
  });
  return {
    id: run.id, kind: run.kind, status: run.status, startedAt: run.startedAt, finishedAt: run.finishedAt,
    durationMs: run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : null,
    stages, counts: numericLeaves(run.summary), dataQuality: run.quality, error: run.error,
  };
}

/** Flattens a run summary to { "path.to.count": n } for the counts field. */
function numericLeaves(value: unknown, prefix = '', out: Record<string, number> = {}): Record<string, number> {
  if (typeof value === 'number' && prefix) out[prefix] = value;
  else if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) numericLeaves(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

type TopN = Record<string, number>;
type EvaluateOutput = { crossSell?: { reco: TopN; baselines: Record<string, TopN> }; buyAgain?: { reco: TopN; baselines: Record<string, TopN> }; windows?: { testFrom: string; testTo: string } };

/** Reads the evaluation CLI's JSON into task -> model -> metric, dropping counts (users) that are not rates. */
export function evaluationFromCli(output: EvaluateOutput, generatedAt: string | null): EvaluationReport {
  const tasks: EvaluationReport['tasks'] = {};
  for (const task of ['crossSell', 'buyAgain'] as const) {
    const list = output[task];
    if (!list) continue;
    tasks[task] = {};
    for (const [model, metrics] of Object.entries({ reco: list.reco, ...list.baselines })) {
      tasks[task][model] = Object.fromEntries(Object.entries(metrics).filter(([name, v]) => name !== 'users' && typeof v === 'number'));
    }
  }
  const window = output.windows ? `test window ${output.windows.testFrom} to ${output.windows.testTo}` : null;
  return { generatedAt, source: window, tasks };
}

export function evaluationFileReader(file: string | undefined): () => EvaluationReport | null {
  let cached: { mtimeMs: number; report: EvaluationReport | null } | null = null;
  return () => {
    if (!file) return null;
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      return null; // not produced yet
    }
    if (cached?.mtimeMs !== mtimeMs) {
      let report: EvaluationReport | null = null;
      try {
        report = evaluationFromCli(JSON.parse(readFileSync(file, 'utf8')) as EvaluateOutput, new Date(mtimeMs).toISOString());
      } catch {
        report = null; // half-written or not the CLI's format: show nothing rather than fail the page
      }
      cached = { mtimeMs, report };
    }
    return cached.report;
  };
}
