// Sparse TF-IDF vectors over a document-frequency-pruned vocabulary, L2-normalised so that a dot product is
// the cosine similarity.

export type SparseVector = { idx: Int32Array; val: Float64Array };
export type TfidfModel = { vocab: string[]; index: Map<string, number>; idf: Float64Array };

export function fitTfidf(docs: readonly string[][], opts: { minDf?: number; maxDfShare?: number } = {}): TfidfModel {
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
  const minDf = opts.minDf ?? 2;
  const maxDf = Math.max(minDf, Math.floor((opts.maxDfShare ?? 0.5) * docs.length));
  // Sorted so the vocabulary, and with it every later step, does not depend on Map insertion order.
  const vocab = [...df.entries()].filter(([, c]) => c >= minDf && c <= maxDf).map(([t]) => t).sort();
  const index = new Map(vocab.map((t, i) => [t, i]));
  const idf = new Float64Array(vocab.length);
  for (let i = 0; i < vocab.length; i++) idf[i] = Math.log((1 + docs.length) / (1 + df.get(vocab[i])!)) + 1;
  return { vocab, index, idf };
}

export function vectorize(model: TfidfModel, terms: readonly string[], sublinear = true): SparseVector {
  const tf = new Map<number, number>();
  for (const t of terms) {
    const i = model.index.get(t);
    if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
  }
  const idx = Int32Array.from([...tf.keys()].sort((a, b) => a - b));
  const val = new Float64Array(idx.length);
  let norm = 0;
  for (let k = 0; k < idx.length; k++) {
    const c = tf.get(idx[k])!;
    val[k] = (sublinear ? 1 + Math.log(c) : c) * model.idf[idx[k]];
    norm += val[k] * val[k];
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (let k = 0; k < val.length; k++) val[k] /= norm;
  return { idx, val };
}

export function dot(v: SparseVector, dense: Float64Array): number {
  let s = 0;
  for (let k = 0; k < v.idx.length; k++) s += v.val[k] * dense[v.idx[k]];
  return s;
}
