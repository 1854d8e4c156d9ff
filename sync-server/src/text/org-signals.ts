// The org-level text step of a run: themes over the org's recent negative texts (from the stored term
// hashes, never from bodies), each text's theme, and per account the signals the churn model and the record
// page use. Last run's themes are kept so a theme keeps its id from one run to the next.
import { inCodeUnitOrder, throughStage } from '../lib/domain-schema.js';
import type { Sql } from '../lib/sql.js';
import { accountTextSignals, type AccountText, type ScoredText } from './account-text.js';
import { ensureTextScoreTable, MIN_READABLE_DF, templateHashes } from './score-store.js';
import { discoverThemesFromTerms, type Theme } from './themes.js';

const DAY = 86_400_000;
/** Themes are found over a longer window than the 90 days shown, so they do not churn with every new case. */
const THEME_WINDOW_DAYS = 180;
/** Share of all the org's texts above which a term is boilerplate for themes (a max-df cut). */
export const MAX_TERM_SHARE = 0.5;

export type OrgTextSignals = { themes: Theme[]; accounts: Map<string, AccountText>; texts: number; themedTexts: number };

export async function orgTextSignals(sql: Sql, asOf: Date, opts: { k?: number } = {}): Promise<OrgTextSignals> {
  await ensureTextScoreTable(sql);
  const templates = await templateHashes(sql);
  const all = await sql.all<{
    id: string; object: string; account_id: string | null; date: string; score: number; label: ScoredText['label'];
    is_closed: number | null; excerpt: string | null; terms: string; content_hash: string;
  }>('SELECT id, object, account_id, date, score, label, is_closed, excerpt, terms, content_hash FROM reco_text_score');
  // Ordered here, not by the engine: PostgreSQL sorts text by its collation, and the themes depend on the order.
  const rows = inCodeUnitOrder(all, (r) => r.id).filter((r) => !templates.has(r.content_hash));
  // A term in most of the org's texts (a footer, a logging system's line, the org's own name) cannot tell one
  // theme from another and would otherwise name the biggest one.
  const maxDf = Math.max(MIN_READABLE_DF, Math.floor(MAX_TERM_SHARE * all.length));
  const surface = new Map((await sql.all<{ hash: string; surface: string }>('SELECT hash, surface FROM reco_text_term WHERE surface IS NOT NULL AND df <= ?', [maxDf])).map((r) => [r.hash, r.surface]));
  const from = asOf.getTime() - THEME_WINDOW_DAYS * DAY;
  const negatives = rows.filter((r) => r.label === 'negative' && Date.parse(r.date) >= from && Date.parse(r.date) <= asOf.getTime());
  // Only words enough texts share have a readable form; clustering on those alone keeps themes nameable.
  const docs = negatives.map((r) => (JSON.parse(r.terms) as string[]).filter((h) => surface.has(h)));
  const prevRow = await sql.get<{ themes: string }>('SELECT themes FROM reco_text_themes WHERE slot = 1');
  const previous = prevRow ? (JSON.parse(prevRow.themes) as Theme[]) : [];
  const found = discoverThemesFromTerms(docs, surface, { k: opts.k, previous });
  const themeOf = new Map(negatives.map((r, i) => [r.id, found.assignment[i]]));
  await sql.transaction(async (tx) => {
    // Template texts (filtered out of rows) keep no theme from an earlier run either.
    await tx.run('UPDATE reco_text_score SET theme_id = NULL WHERE theme_id IS NOT NULL');
    const themed = rows.filter((r) => typeof themeOf.get(r.id) === 'string').map((r) => [r.id, themeOf.get(r.id) as string] as const);
    if (themed.length) {
      await throughStage(tx, 'reco_text_theme_stage', [['id', 'TEXT'], ['theme_id', 'TEXT']], themed, (stage) => [
        `UPDATE reco_text_score SET theme_id = s.theme_id FROM ${stage} s WHERE reco_text_score.id = s.id`,
      ]);
    }
    await tx.run('INSERT INTO reco_text_themes (slot, themes) VALUES (1, ?) ON CONFLICT (slot) DO UPDATE SET themes = excluded.themes', [JSON.stringify(found.model.themes)]);
  });
  const texts: ScoredText[] = rows.map((r) => ({
    accountId: r.account_id, object: r.object, date: r.date, score: r.score, label: r.label,
    themeId: themeOf.get(r.id) ?? null, isClosed: r.is_closed === null ? null : r.is_closed === 1, excerpt: r.excerpt,
  }));
  return {
    themes: found.model.themes,
    accounts: accountTextSignals(texts, found.model.themes, asOf),
    texts: rows.length,
    themedTexts: found.assignment.filter((a) => a !== null).length,
  };
}
