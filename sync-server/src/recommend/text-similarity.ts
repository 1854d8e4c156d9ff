// Content similarity from what a product is called and which family it belongs to: TF-IDF over description
// words plus the family as one extra token, each product's vector L2-normalised (CSR). It lets the ranker see
// "like what this account already buys" for products with few or no buyers (cold start).

/** Product -> (token, weight) rows, each of unit length; empty rows for products with no text. */
export type TextIndex = { ptr: Int32Array; tokens: Int32Array; weights: Float32Array; nTokens: number };

const STOP = new Set(['of', 'and', 'the', 'with', 'in', 'for', 'set', 'a', 'an', 'to', 'on', 'by']);

export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    // Numbers and one-letter fragments (sizes, pack counts) say little about what a product is.
    if (raw.length < 2 || STOP.has(raw) || /^\d+$/.test(raw)) continue;
    out.push(raw);
  }
  return out;
}

export function buildTextIndex(descriptions: readonly (string | null | undefined)[], families?: readonly (string | null | undefined)[]): TextIndex {
  const vocab = new Map<string, number>();
  const docs: number[][] = descriptions.map((d, i) => {
    const words = tokenize(d ?? '');
    const fam = families?.[i];
    if (fam) words.push(`family:${fam.toLowerCase()}`);
    const ids = new Set<number>();
    for (const w of words) {
      let t = vocab.get(w);
      if (t === undefined) vocab.set(w, (t = vocab.size));
      ids.add(t);
    }
    return [...ids].sort((a, b) => a - b);
  });
  const df = new Float64Array(vocab.size);
  for (const doc of docs) for (const t of doc) df[t]++;
  const n = docs.length;
  const ptr = new Int32Array(n + 1);
  const tokens: number[] = [];
  const weights: number[] = [];
  docs.forEach((doc, i) => {
    // A word on every product, or on only one, cannot link two products; both are dropped.
    const kept = doc.filter((t) => df[t] > 1 && df[t] < n);
    const w = kept.map((t) => Math.log(n / df[t]));
    const norm = Math.hypot(...w) || 1;
    kept.forEach((t, k) => {
      tokens.push(t);
      weights.push(w[k] / norm);
    });
    ptr[i + 1] = tokens.length;
  });
  return { ptr, tokens: Int32Array.from(tokens), weights: Float32Array.from(weights), nTokens: vocab.size };
}

/**
 * Cosine between one account's weighted profile (sum of its products' vectors) and candidate products.
 * Reuses one scratch vector, so scoring an account costs its own products' words plus the candidates' words.
 */
export class ProfileSimilarity {
  private readonly acc: Float64Array;
  private readonly touched: Int32Array;
  private nt = 0;
  private norm = 0;

  public constructor(private readonly ix: TextIndex) {
    this.acc = new Float64Array(ix.nTokens);
    this.touched = new Int32Array(ix.nTokens);
  }

  public begin(): void {
    for (let t = 0; t < this.nt; t++) this.acc[this.touched[t]] = 0;
    this.nt = 0;
    this.norm = 0;
  }

  public add(item: number, weight: number): void {
    const { ix, acc, touched } = this;
    for (let p = ix.ptr[item]; p < ix.ptr[item + 1]; p++) {
      const t = ix.tokens[p];
      if (acc[t] === 0) touched[this.nt++] = t;
      acc[t] += weight * ix.weights[p];
    }
  }

  /** Call after the last add(). */
  public finish(): void {
    let s = 0;
    for (let t = 0; t < this.nt; t++) s += this.acc[this.touched[t]] ** 2;
    this.norm = Math.sqrt(s);
  }

  public similarity(item: number): number {
    if (this.norm === 0) return 0;
    const { ix, acc } = this;
    let s = 0;
    for (let p = ix.ptr[item]; p < ix.ptr[item + 1]; p++) s += acc[ix.tokens[p]] * ix.weights[p];
    return s / this.norm;
  }
}
