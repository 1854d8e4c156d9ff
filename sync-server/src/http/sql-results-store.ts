// The results port over the async Sql store, for a PostgreSQL store (RECO_STORE_URL): the same answers as the
// synchronous node:sqlite adapter in mirror-store.ts, read through the store modules. JSON fields of the
// mirrored records are read with PostgreSQL's jsonb operators, where SQLite uses json_extract.
import type { AccountInsight, Segment } from '../domain/types.js';
import { storeFault } from '../mirror/db.js';
import { storedOrgCurrency } from '../mirror/org-currency.js';
import { readRecommendationSnapshot } from '../mirror/recommendation-snapshot.js';
import { getInsight, listSegments } from '../mirror/results.js';
import { getRun, listRuns } from '../mirror/runs.js';
import type { Sql } from '../lib/sql.js';
import { evaluationFileReader, toRunView } from './mirror-store.js';
import type { AccountMatch, ResultsStore } from './ports.js';

export function sqlResultsStore(sql: Sql, options: { evaluationFile?: string; currency?: string; isOpen?: () => boolean } = {}): ResultsStore {
  const readEvaluation = evaluationFileReader(options.evaluationFile);
  const field = (name: string): string => (sql.dialect === 'postgres' ? `(data::jsonb ->> '${name}')` : `json_extract(data, '$.${name}')`);
  // SQLite's LIKE ignores ASCII case; PostgreSQL's ILIKE is the same match.
  const like = sql.dialect === 'postgres' ? 'ILIKE' : 'LIKE';
  return {
    isOpen: () => options.isOpen?.() ?? true,
    fault: () => storeFault(sql)?.message ?? null,
    listRuns: async (limit) => (await listRuns(sql, limit)).map(toRunView),
    getRun: async (id) => {
      const run = await getRun(sql, id);
      return run ? toRunView(run) : undefined;
    },
    recommendationSnapshot: () => readRecommendationSnapshot(sql),
    getInsight: (accountId) => getInsight(sql, accountId),
    listInsights: async () => (await sql.all<{ data: string }>('SELECT data FROM result_insights ORDER BY account_id')).map((r) => JSON.parse(r.data) as AccountInsight),
    listSegments: async () => (await listSegments(sql)).sort((a: Segment, b: Segment) => b.accountCount - a.accountCount),
    evaluation: readEvaluation,
    searchAccounts: async (text, limit): Promise<AccountMatch[]> => {
      const pattern = text.replace(/[\\%_]/g, (c) => `\\${c}`);
      const name = field('Name');
      const rows = await sql.all<{ id: string; name: string }>(
        `SELECT id, ${name} AS name FROM records
          WHERE object = 'Account' AND ${name} ${like} ? ESCAPE '\\'
          ORDER BY CASE WHEN ${name} ${like} ? ESCAPE '\\' THEN 0 ELSE 1 END, ${name}${sql.dialect === 'postgres' ? ' COLLATE "C"' : ''}, id LIMIT ?`,
        [`%${pattern}%`, `${pattern}%`, limit],
      );
      return rows.map((r) => ({ accountId: r.id, name: r.name }));
    },
    accountName: async (accountId) => (await sql.get<{ name: string | null }>(`SELECT ${field('Name')} AS name FROM records WHERE object = 'Account' AND id = ?`, [accountId]))?.name ?? null,
    currency: async () => {
      if (options.currency) return options.currency;
      const stored = await storedOrgCurrency(sql);
      if (stored) return stored.corporate;
      // A mirror filled before the org's currency was read: the code most mirrored opportunities carry.
      const code = field('CurrencyIsoCode');
      const row = await sql.get<{ code: string }>(
        `SELECT ${code} AS code, COUNT(*) AS n FROM records WHERE object = 'Opportunity' AND ${code} IS NOT NULL GROUP BY ${code} ORDER BY n DESC LIMIT 1`,
      );
      return row?.code ?? null;
    },
  };
}
