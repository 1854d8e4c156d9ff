// Themes found across an org's texts, not picked from a fixed list: TF-IDF over stemmed words and bigrams,
// clustered with spherical k-means, each cluster named by the phrases that set it apart from the others.
// Ids are a hash of a theme's defining terms, and a theme that overlaps one of the previous run's keeps that
// theme's id, so a rep's "card not arrived" theme is the same record from one night to the next.
import { createHash } from 'node:crypto';
import { sphericalKMeans } from './kmeans.js';
import { termsOf } from './terms.js';
import { dot, fitTfidf, vectorize, type SparseVector, type TfidfModel } from './tfidf.js';

export type Theme = {
  id: string;
  /** 2-3 distinctive phrases, e.g. "card arrive / new card" */
  name: string;
  /** top words and phrases, most distinctive first */
  topTerms: string[];
  /** the stems behind topTerms, which the next run matches on */
  terms: string[];
  size: number;
};

export type ThemeModel = { themes: Theme[]; tfidf: TfidfModel; centroids: Float64Array[] };
export type ThemeResult = { model: ThemeModel; assignment: (string | null)[] };

/** A text joins a theme only when it is at least this close to it; otherwise it has none. */
const MIN_SIMILARITY = 0.05;

export function defaultThemeCount(n: number): number {
  return Math.max(2, Math.min(25, Math.round(Math.sqrt(n / 4))));
}

function themeId(terms: readonly string[]): string {
  return `th_${createHash('sha256').update(terms.slice(0, 5).slice().sort().join('|')).digest('hex').slice(0, 10)}`;
}

function surfaceOf(term: string, surface: ReadonlyMap<string, string>): string {
  return surface.get(term) ?? term.split(' ').map((s) => surface.get(s) ?? s).join(' ');
}

function nameCluster(c: number, centroids: Float64Array[], vocab: string[], surface: ReadonlyMap<string, string>): { terms: string[]; topTerms: string[]; name: string } {
  const dim = vocab.length;
  const scored: { j: number; s: number }[] = [];
  for (let j = 0; j < dim; j++) {
    const own = centroids[c][j];
    if (own <= 0) continue;
    let others = 0;
    for (let o = 0; o < centroids.length; o++) if (o !== c) others += centroids[o][j];
    // Distinctive: heavy here, light elsewhere.
    scored.push({ j, s: own - others / Math.max(1, centroids.length - 1) });
  }
  scored.sort((a, b) => b.s - a.s || a.j - b.j);
  const terms = scored.slice(0, 10).map((x) => vocab[x.j]);
  const topTerms = terms.map((t) => surfaceOf(t, surface));
  const picked: string[] = [];
  for (const t of terms.slice().sort((a, b) => (b.includes(' ') ? 1 : 0) - (a.includes(' ') ? 1 : 0) || terms.indexOf(a) - terms.indexOf(b))) {
    if (picked.length === 3) break;
    // A word already inside a picked phrase adds nothing to the name.
    if (picked.some((p) => p.split(' ').includes(t) || t.split(' ').every((w) => p.split(' ').includes(w)))) continue;
    if (terms.indexOf(t) > 5) continue;
    picked.push(t);
  }
  return { terms, topTerms, name: picked.slice(0, 3).map((t) => surfaceOf(t, surface)).join(' / ') };
}

/** Keep last run's ids for themes that overlap them (Jaccard on defining terms), best match first. */
function carryIds(themes: Theme[], previous: readonly Theme[]): void {
  const pairs: { i: number; p: number; j: number }[] = [];
  themes.forEach((t, i) =>
    previous.forEach((prev, p) => {
      const a = new Set(t.terms);
      const inter = prev.terms.filter((x) => a.has(x)).length;
      const j = inter / (a.size + prev.terms.length - inter);
      if (j >= 0.3) pairs.push({ i, p, j });
    }),
  );
  pairs.sort((x, y) => y.j - x.j || x.i - y.i);
  const usedNew = new Set<number>();
  const usedPrev = new Set<number>();
  for (const { i, p } of pairs) {
    if (usedNew.has(i) || usedPrev.has(p)) continue;
    usedNew.add(i);
    usedPrev.add(p);
    themes[i].id = previous[p].id;
  }
}

export type ThemeOptions = { k?: number; seed?: number; previous?: readonly Theme[] };

export function discoverThemes(texts: readonly string[], opts: ThemeOptions = {}): ThemeResult {
  const surface = new Map<string, string>();
  return discoverThemesFromTerms(texts.map((t) => termsOf(t, surface)), surface, opts);
}

/**
 * The same from term lists already extracted (the score store keeps hashed terms, not texts); `surface` maps
 * a term, or each word of a bigram, to what a rep reads.
 */
export function discoverThemesFromTerms(docs: readonly string[][], surface: ReadonlyMap<string, string>, opts: ThemeOptions = {}): ThemeResult {
  const texts = docs;
  // No upper document-frequency cut: in a small org one complaint can be every negative text, and its words
  // are then the theme's name (idf already keeps such words from steering the clustering).
  const tfidf = fitTfidf(docs, { minDf: 2, maxDfShare: 1 });
  const vectors = docs.map((d) => vectorize(tfidf, d));
  const live = vectors.map((v, i) => ({ v, i })).filter((x) => x.v.idx.length > 0);
  if (live.length < 2 || tfidf.vocab.length === 0) {
    return { model: { themes: [], tfidf, centroids: [] }, assignment: texts.map(() => null) };
  }
  const k = Math.min(opts.k ?? defaultThemeCount(live.length), live.length);
  const km = sphericalKMeans(live.map((x) => x.v), k, tfidf.vocab.length, { seed: opts.seed ?? 1, restarts: 5 });
  const sizes = new Array<number>(km.centroids.length).fill(0);
  for (const a of km.assignment) sizes[a]++;
  const used = sizes.map((s, c) => ({ s, c })).filter((x) => x.s > 0).map((x) => x.c);
  const centroids = used.map((c) => km.centroids[c]);
  const themes: Theme[] = used.map((c, n) => {
    const named = nameCluster(n, centroids, tfidf.vocab, surface);
    return { id: themeId(named.terms), name: named.name, topTerms: named.topTerms, terms: named.terms, size: sizes[c] };
  });
  if (opts.previous?.length) carryIds(themes, opts.previous);
  const byCluster = new Map(used.map((c, n) => [c, themes[n].id]));
  const assignment: (string | null)[] = texts.map(() => null);
  live.forEach((x, n) => {
    assignment[x.i] = byCluster.get(km.assignment[n]) ?? null;
  });
  return { model: { themes, tfidf, centroids }, assignment };
}

/** The theme of a text that was not in the clustering run (a new case since last night), or null. */
export function assignTheme(model: ThemeModel, text: string): string | null {
  const v: SparseVector = vectorize(model.tfidf, termsOf(text));
  if (v.idx.length === 0) return null;
  let best = -1;
  let bestSim = MIN_SIMILARITY;
  for (let c = 0; c < model.centroids.length; c++) {
    const s = dot(v, model.centroids[c]);
    if (s > bestSim) {
      bestSim = s;
      best = c;
    }
  }
  return best < 0 ? null : model.themes[best].id;
}
