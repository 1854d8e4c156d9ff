// Scores of CRM texts, kept in Reco's store (node:sqlite or PostgreSQL) instead of the texts themselves: record
// id, account, date, score, label, theme and (only where the object's excerpt length allows) a short excerpt.
// The body's hash plus SystemModstamp say whether a record changed, so a nightly run re-scores only what did.
import { applyDomainSchema, inCodeUnitOrder, throughStage, type SchemaStep } from '../lib/domain-schema.js';
import type { Sql } from '../lib/sql.js';
import { cleanCrmText } from './clean.js';
import { fingerprint } from './fingerprint.js';
import { termsOf } from './terms.js';
import { scoreSentiment, type SentimentLabel } from './sentiment.js';

export type TextRecord = {
  id: string;
  object: string;
  accountId: string | null;
  /** ISO date-time the text was written (CreatedDate / MessageDate) */
  date: string;
  systemModstamp: string;
  /** the text parts, e.g. [Subject, Description]; never stored */
  parts: (string | null | undefined)[];
  /** Case only: still open, for the open-case-age feature */
  isClosed?: boolean;
};

export type TextScore = {
  id: string;
  object: string;
  accountId: string | null;
  date: string;
  score: number;
  label: SentimentLabel;
  confidence: number;
  isClosed: boolean | null;
  excerpt: string | null;
  contentHash: string;
  systemModstamp: string;
};

/** Characters of excerpt kept per object; 0 keeps none. Emails are private by default. */
export const DEFAULT_EXCERPT_CHARS: Record<string, number> = { Case: 160, CaseComment: 160, Task: 160, Event: 160, EmailMessage: 0 };

/**
 * The text tables, step by step, for each engine: scores, the term index (document frequencies of hashed
 * terms) and last run's themes. Exported so a store's own migration runner can apply them when it opens; every
 * function here also applies them on first use of a handle.
 */
export const TEXT_SCHEMA: readonly SchemaStep[] = [
  // 1: the tables as they were first created on SQLite (IF NOT EXISTS: an older file already has them)
  {
    sqlite: `
      CREATE TABLE IF NOT EXISTS reco_text_score (
        id TEXT PRIMARY KEY, object TEXT NOT NULL, account_id TEXT, date TEXT NOT NULL, score REAL NOT NULL,
        label TEXT NOT NULL, confidence REAL NOT NULL, is_closed INTEGER, excerpt TEXT, content_hash TEXT NOT NULL,
        system_modstamp TEXT NOT NULL, theme_id TEXT, terms TEXT NOT NULL DEFAULT '[]');
      CREATE TABLE IF NOT EXISTS reco_text_term (hash TEXT PRIMARY KEY, df INTEGER NOT NULL, surface TEXT);
      CREATE INDEX IF NOT EXISTS reco_text_score_account ON reco_text_score(account_id, date);
      CREATE TABLE IF NOT EXISTS reco_text_themes (slot INTEGER PRIMARY KEY CHECK (slot = 1), themes TEXT NOT NULL);`,
    postgres: `
      CREATE TABLE IF NOT EXISTS reco_text_score (
        id TEXT PRIMARY KEY, object TEXT NOT NULL, account_id TEXT, date TEXT NOT NULL, score DOUBLE PRECISION NOT NULL,
        label TEXT NOT NULL, confidence DOUBLE PRECISION NOT NULL, is_closed INTEGER, excerpt TEXT, content_hash TEXT NOT NULL,
        system_modstamp TEXT NOT NULL, theme_id TEXT, terms TEXT NOT NULL DEFAULT '[]');
      CREATE TABLE IF NOT EXISTS reco_text_term (hash TEXT PRIMARY KEY, df INTEGER NOT NULL, surface TEXT);
      CREATE INDEX IF NOT EXISTS reco_text_score_account ON reco_text_score(account_id, date);
      CREATE TABLE IF NOT EXISTS reco_text_themes (slot INTEGER PRIMARY KEY CHECK (slot = 1), themes TEXT NOT NULL);`,
  },
];

export function ensureTextScoreTable(sql: Sql): Promise<void> {
  return applyDomainSchema(sql, 'text', TEXT_SCHEMA);
}

/** Runs `fn` over `ids` in slices, so an IN (…) list stays within both engines' parameter limits. */
async function inSlices<T>(ids: readonly string[], fn: (slice: string[], marks: string) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const slice = ids.slice(i, i + 500);
    out.push(...(await fn(slice, slice.map(() => '?').join(', '))));
  }
  return out;
}

/**
 * Applies the operator's excerpt limits to the excerpts already stored: scoring writes excerpts only for texts
 * that changed, so without this an excerpt kept under an earlier, looser setting would still reach the org
 * after the operator turned excerpts off. Returns how many stored excerpts were removed or shortened.
 */
export async function enforceExcerptLimits(sql: Sql, excerptChars: Record<string, number> = {}): Promise<number> {
  await ensureTextScoreTable(sql);
  const limits = { ...DEFAULT_EXCERPT_CHARS, ...excerptChars };
  return sql.transaction(async (tx) => {
    let changed = 0;
    const objects = (await tx.all<{ object: string }>('SELECT DISTINCT object FROM reco_text_score WHERE excerpt IS NOT NULL')).map((r) => r.object);
    for (const object of objects) {
      const limit = limits[object] ?? 0;
      if (limit <= 0) {
        changed += await tx.run('UPDATE reco_text_score SET excerpt = NULL WHERE object = ? AND excerpt IS NOT NULL', [object]);
        continue;
      }
      for (const row of await tx.all<{ id: string; excerpt: string }>('SELECT id, excerpt FROM reco_text_score WHERE object = ? AND length(excerpt) > ?', [object, limit])) {
        await tx.run('UPDATE reco_text_score SET excerpt = ? WHERE id = ?', [excerptOf(row.excerpt, limit), row.id]);
        changed++;
      }
    }
    return changed;
  });
}

/**
 * The parts of a record joined into one text, without a part that only repeats the start of a later one: a
 * Case Subject is often the first line of its Description (cut with "..."), and reading it twice would double
 * its sentiment and quote it twice in the excerpt.
 */
export function joinTextParts(parts: ReadonlyArray<string | null | undefined>): string {
  const present = parts.filter((p): p is string => !!p && p.trim().length > 0).map((p) => p.trim());
  const key = (p: string) => p.replace(/(\.\.\.|…)$/, '').trim().toLowerCase();
  return present.filter((p, i) => {
    const k = key(p);
    return !present.some((later, j) => j > i && later.toLowerCase().startsWith(k));
  }).join('\n');
}

function excerptOf(text: string, chars: number): string | null {
  if (chars <= 0 || !text) return null;
  if (text.length <= chars) return text;
  const cut = text.lastIndexOf(' ', chars - 1);
  return `${text.slice(0, cut > chars / 2 ? cut : chars - 1)}…`;
}

/**
 * Themes need each text's words after the text is gone, so a text keeps the hashes of its stemmed words and
 * bigrams, deduplicated and sorted (no order, nothing to read). A term gets a readable form only once
 * MIN_READABLE_DF texts use it: a name, an account number or a passport number in one email never does.
 * (A hash of a single word can still be tested against a guessed word; excerpts are the only text kept.)
 */
export const MIN_READABLE_DF = 5;

export function termHash(term: string): string {
  // FNV-1a over UTF-16 units, two 32-bit lanes: cheap, stable, and collisions are rare at an org's vocabulary.
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < term.length; i++) {
    const c = term.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return `${a.toString(36)}${b.toString(36)}`;
}

/** Document-frequency changes to the term index, summed over a batch, with a readable form for each term. */
class TermDeltas {
  private readonly delta = new Map<string, number>();
  private readonly surface = new Map<string, string>();

  public bump(hashes: readonly string[], by: number, surfaces?: ReadonlyMap<string, string>): void {
    for (const h of hashes) {
      this.delta.set(h, (this.delta.get(h) ?? 0) + by);
      const readable = surfaces?.get(h);
      // The first text of the batch that uses the term names it (as a term gets its name only once).
      if (readable && !this.surface.has(h)) this.surface.set(h, readable);
    }
  }

  /**
   * Adds the changes to the index in one staged write, never taking a count below 0, then names the terms
   * that now reach MIN_READABLE_DF and have no name yet.
   */
  public async write(tx: Sql): Promise<void> {
    const rows = [...this.delta].filter(([h, d]) => d !== 0 || this.surface.has(h)).map(([h, d]) => [h, d, this.surface.get(h) ?? null] as const);
    if (rows.length === 0) return;
    const greatest = tx.dialect === 'postgres' ? 'GREATEST' : 'MAX';
    await throughStage(tx, 'reco_text_term_stage', [['hash', 'TEXT'], ['delta', 'INTEGER'], ['surface', 'TEXT']], rows, (stage) => [
      `INSERT INTO reco_text_term (hash, df, surface) SELECT hash, delta, NULL FROM ${stage} WHERE true
        ON CONFLICT (hash) DO UPDATE SET df = ${greatest}(0, reco_text_term.df + excluded.df)`,
      `UPDATE reco_text_term SET surface = s.surface FROM ${stage} s
        WHERE reco_text_term.hash = s.hash AND reco_text_term.surface IS NULL AND s.surface IS NOT NULL AND reco_text_term.df >= ${MIN_READABLE_DF}`,
    ]);
  }
}

function hashedTerms(text: string): { hashes: string[]; surfaces: Map<string, string> } {
  const words = new Map<string, string>();
  const surfaces = new Map<string, string>();
  for (const t of new Set(termsOf(text, words))) {
    surfaces.set(termHash(t), t.split(' ').map((w) => words.get(w) ?? w).join(' '));
  }
  return { hashes: [...surfaces.keys()].sort(), surfaces };
}

export type RescoreStats = { scored: number; unchanged: number; deleted: number };

/**
 * Scores the records whose content or SystemModstamp changed since they were last scored, deletes the rows of
 * deleted records, and leaves the rest untouched. Only hashes, scores and allowed excerpts are written.
 */
export async function rescoreChanged(
  sql: Sql,
  records: Iterable<TextRecord>,
  opts: { excerptChars?: Record<string, number>; deletedIds?: readonly string[] } = {},
): Promise<RescoreStats> {
  await ensureTextScoreTable(sql);
  const limits = { ...DEFAULT_EXCERPT_CHARS, ...opts.excerptChars };
  const list = [...records];
  return sql.transaction(async (tx) => {
    type Seen = { id: string; content_hash: string; system_modstamp: string; terms: string };
    const seen = new Map((await inSlices([...new Set(list.map((r) => r.id))], (ids, marks) =>
      tx.all<Seen>(`SELECT id, content_hash, system_modstamp, terms FROM reco_text_score WHERE id IN (${marks})`, ids))).map((r) => [r.id, r]));
    const terms = new TermDeltas();
    const scored = new Map<string, Array<string | number | null>>();
    // Texts whose body changed lose their theme (the next org step gives them one); unchanged ones keep it.
    const reworded = new Set<string>();
    const stats: RescoreStats = { scored: 0, unchanged: 0, deleted: 0 };
    for (const r of list) {
      const body = joinTextParts(r.parts);
      const hash = fingerprint(body);
      const prev = seen.get(r.id);
      if (prev && prev.content_hash === hash && prev.system_modstamp === r.systemModstamp) {
        stats.unchanged++;
        continue;
      }
      const s = scoreSentiment(body);
      const cleaned = cleanCrmText(body).text;
      const excerpt = excerptOf(cleanCrmText(body, 1000).text, limits[r.object] ?? 0);
      const { hashes, surfaces } = hashedTerms(cleaned);
      if (prev) terms.bump(JSON.parse(prev.terms) as string[], -1);
      terms.bump(hashes, 1, surfaces);
      if (prev && prev.content_hash !== hash) reworded.add(r.id);
      const termsJson = JSON.stringify(hashes);
      scored.set(r.id, [r.id, r.object, r.accountId, r.date, s.score, s.label, s.confidence, r.isClosed === undefined ? null : r.isClosed ? 1 : 0, excerpt, hash, r.systemModstamp, termsJson]);
      // The same record twice in one batch compares with its first version, as if that were stored already.
      seen.set(r.id, { id: r.id, content_hash: hash, system_modstamp: r.systemModstamp, terms: termsJson });
      stats.scored++;
    }
    await inSlices([...reworded], async (ids, marks) => {
      await tx.run(`UPDATE reco_text_score SET theme_id = NULL WHERE id IN (${marks})`, ids);
      return [];
    });
    await tx.copy('reco_text_score', ['id', 'object', 'account_id', 'date', 'score', 'label', 'confidence', 'is_closed', 'excerpt', 'content_hash', 'system_modstamp', 'terms'],
      scored.values(), { upsertKey: ['id'] });
    const gone = await inSlices([...new Set(opts.deletedIds ?? [])], (ids, marks) => tx.all<{ terms: string }>(`DELETE FROM reco_text_score WHERE id IN (${marks}) RETURNING terms`, ids));
    for (const g of gone) terms.bump(JSON.parse(g.terms) as string[], -1);
    stats.deleted = gone.length;
    await terms.write(tx);
    return stats;
  });
}

/**
 * Copies of one text (same content hash) from which it is a template, not something a customer wrote: a mass
 * email logged on every account, an auto-logged activity, a seeder's placeholder. Left out of sentiment and
 * themes, such a text would otherwise become the org's biggest "theme" and set the mood of every account.
 */
export const TEMPLATE_COPIES = 10;

/** The content hashes of template texts (TEMPLATE_COPIES or more records with the same content). */
export async function templateHashes(sql: Sql): Promise<Set<string>> {
  await ensureTextScoreTable(sql);
  const rows = await sql.all<{ hash: string }>('SELECT content_hash AS hash FROM reco_text_score GROUP BY content_hash HAVING COUNT(*) >= ?', [TEMPLATE_COPIES]);
  return new Set(rows.map((r) => r.hash));
}

export async function loadTextScores(sql: Sql): Promise<TextScore[]> {
  await ensureTextScoreTable(sql);
  return inCodeUnitOrder(await sql.all<Record<string, unknown>>('SELECT * FROM reco_text_score'), (r) => String(r.id)).map((r) => ({
    id: String(r.id),
    object: String(r.object),
    accountId: r.account_id === null ? null : String(r.account_id),
    date: String(r.date),
    score: Number(r.score),
    label: String(r.label) as SentimentLabel,
    confidence: Number(r.confidence),
    isClosed: r.is_closed === null ? null : Number(r.is_closed) === 1,
    excerpt: r.excerpt === null ? null : String(r.excerpt),
    contentHash: String(r.content_hash),
    systemModstamp: String(r.system_modstamp),
  }));
}
