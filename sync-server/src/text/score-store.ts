// Scores of CRM texts, kept in Reco's SQLite database instead of the texts themselves: record id, account,
// date, score, label, theme and (only where the object's excerpt length allows) a short excerpt. The body's
// hash plus SystemModstamp say whether a record changed, so a nightly run re-scores only what did.
import type { DatabaseSync } from 'node:sqlite';
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

export function ensureTextScoreTable(db: DatabaseSync): void {
  db.exec(`CREATE TABLE IF NOT EXISTS reco_text_score (
    id TEXT PRIMARY KEY, object TEXT NOT NULL, account_id TEXT, date TEXT NOT NULL, score REAL NOT NULL,
    label TEXT NOT NULL, confidence REAL NOT NULL, is_closed INTEGER, excerpt TEXT, content_hash TEXT NOT NULL,
    system_modstamp TEXT NOT NULL, theme_id TEXT, terms TEXT NOT NULL DEFAULT '[]')`);
  db.exec('CREATE TABLE IF NOT EXISTS reco_text_term (hash TEXT PRIMARY KEY, df INTEGER NOT NULL, surface TEXT)');
  db.exec('CREATE INDEX IF NOT EXISTS reco_text_score_account ON reco_text_score(account_id, date)');
}

/**
 * Applies the operator's excerpt limits to the excerpts already stored: scoring writes excerpts only for texts
 * that changed, so without this an excerpt kept under an earlier, looser setting would still reach the org
 * after the operator turned excerpts off. Returns how many stored excerpts were removed or shortened.
 */
export function enforceExcerptLimits(db: DatabaseSync, excerptChars: Record<string, number> = {}): number {
  ensureTextScoreTable(db);
  const limits = { ...DEFAULT_EXCERPT_CHARS, ...excerptChars };
  let changed = 0;
  const clear = db.prepare('UPDATE reco_text_score SET excerpt = NULL WHERE object = ? AND excerpt IS NOT NULL');
  const tooLong = db.prepare('SELECT id, excerpt FROM reco_text_score WHERE object = ? AND length(excerpt) > ?');
  const set = db.prepare('UPDATE reco_text_score SET excerpt = ? WHERE id = ?');
  const objects = (db.prepare('SELECT DISTINCT object FROM reco_text_score WHERE excerpt IS NOT NULL').all() as { object: string }[]).map((r) => r.object);
  for (const object of objects) {
    const limit = limits[object] ?? 0;
    if (limit <= 0) {
      changed += Number(clear.run(object).changes);
      continue;
    }
    for (const row of tooLong.all(object, limit) as { id: string; excerpt: string }[]) {
      set.run(excerptOf(row.excerpt, limit), row.id);
      changed++;
    }
  }
  return changed;
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

type TermIndex = { bump(hashes: readonly string[], delta: number, surfaces?: ReadonlyMap<string, string>): void };

function termIndex(db: DatabaseSync): TermIndex {
  const up = db.prepare(`INSERT INTO reco_text_term (hash, df, surface) VALUES (?, ?, NULL)
    ON CONFLICT(hash) DO UPDATE SET df = MAX(0, df + excluded.df)`);
  const name = db.prepare('UPDATE reco_text_term SET surface = ? WHERE hash = ? AND surface IS NULL AND df >= ?');
  return {
    bump(hashes, delta, surfaces) {
      for (const h of hashes) {
        up.run(h, delta);
        const readable = surfaces?.get(h);
        if (readable) name.run(readable, h, MIN_READABLE_DF);
      }
    },
  };
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
export function rescoreChanged(
  db: DatabaseSync,
  records: Iterable<TextRecord>,
  opts: { excerptChars?: Record<string, number>; deletedIds?: readonly string[] } = {},
): RescoreStats {
  ensureTextScoreTable(db);
  const limits = { ...DEFAULT_EXCERPT_CHARS, ...opts.excerptChars };
  const seen = db.prepare('SELECT content_hash, system_modstamp, terms FROM reco_text_score WHERE id = ?');
  const terms = termIndex(db);
  const upsert = db.prepare(`INSERT INTO reco_text_score
    (id, object, account_id, date, score, label, confidence, is_closed, excerpt, content_hash, system_modstamp, theme_id, terms)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)
    ON CONFLICT(id) DO UPDATE SET object = excluded.object, account_id = excluded.account_id, date = excluded.date,
      score = excluded.score, label = excluded.label, confidence = excluded.confidence, is_closed = excluded.is_closed,
      excerpt = excluded.excerpt, content_hash = excluded.content_hash, system_modstamp = excluded.system_modstamp,
      theme_id = CASE WHEN reco_text_score.content_hash = excluded.content_hash THEN reco_text_score.theme_id END,
      terms = excluded.terms`);
  const stats: RescoreStats = { scored: 0, unchanged: 0, deleted: 0 };
  db.exec('BEGIN');
  try {
    for (const r of records) {
      const body = joinTextParts(r.parts);
      const hash = fingerprint(body);
      const prev = seen.get(r.id) as { content_hash: string; system_modstamp: string; terms: string } | undefined;
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
      upsert.run(r.id, r.object, r.accountId, r.date, s.score, s.label, s.confidence, r.isClosed === undefined ? null : r.isClosed ? 1 : 0, excerpt, hash, r.systemModstamp, JSON.stringify(hashes));
      stats.scored++;
    }
    const del = db.prepare('DELETE FROM reco_text_score WHERE id = ? RETURNING terms');
    for (const id of opts.deletedIds ?? []) {
      const gone = del.get(id) as { terms: string } | undefined;
      if (!gone) continue;
      terms.bump(JSON.parse(gone.terms) as string[], -1);
      stats.deleted++;
    }
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
  return stats;
}

/**
 * Copies of one text (same content hash) from which it is a template, not something a customer wrote: a mass
 * email logged on every account, an auto-logged activity, a seeder's placeholder. Left out of sentiment and
 * themes, such a text would otherwise become the org's biggest "theme" and set the mood of every account.
 */
export const TEMPLATE_COPIES = 10;

/** The content hashes of template texts (TEMPLATE_COPIES or more records with the same content). */
export function templateHashes(db: DatabaseSync): Set<string> {
  ensureTextScoreTable(db);
  const rows = db.prepare('SELECT content_hash AS hash FROM reco_text_score GROUP BY content_hash HAVING COUNT(*) >= ?').all(TEMPLATE_COPIES) as { hash: string }[];
  return new Set(rows.map((r) => r.hash));
}

export function loadTextScores(db: DatabaseSync): TextScore[] {
  ensureTextScoreTable(db);
  return (db.prepare('SELECT * FROM reco_text_score ORDER BY id').all() as Record<string, unknown>[]).map((r) => ({
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
