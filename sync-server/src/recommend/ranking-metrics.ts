// Top-N ranking metrics as small pure functions (binary relevance). Recall divides by every relevant item,
// reachable or not; NDCG uses log2 discounts and an ideal list of min(|relevant|, k) hits.

export function hits(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  let h = 0;
  for (let r = 0; r < Math.min(k, ranked.length); r++) if (relevant.has(ranked[r])) h++;
  return h;
}

export function precisionAt(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  return hits(ranked, relevant, k) / k;
}

export function recallAt(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  return relevant.size === 0 ? 0 : hits(ranked, relevant, k) / relevant.size;
}

export function hitRateAt(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  return hits(ranked, relevant, k) > 0 ? 1 : 0;
}

export function ndcgAt(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  let dcg = 0;
  for (let r = 0; r < Math.min(k, ranked.length); r++) if (relevant.has(ranked[r])) dcg += 1 / Math.log2(r + 2);
  let idcg = 0;
  for (let r = 0; r < Math.min(k, relevant.size); r++) idcg += 1 / Math.log2(r + 2);
  return idcg === 0 ? 0 : dcg / idcg;
}

/** Share of the catalogue that appears in at least one top-k list. */
export function coverageAt(lists: Iterable<readonly number[]>, catalogueSize: number, k: number): number {
  const seen = new Set<number>();
  for (const l of lists) for (let r = 0; r < Math.min(k, l.length); r++) seen.add(l[r]);
  return catalogueSize === 0 ? 0 : seen.size / catalogueSize;
}

export type TopNReport = {
  'precision@10': number;
  'recall@10': number;
  'ndcg@10': number;
  'hitRate@10': number;
  'coverage@10': number;
  users: number;
};

/** Averages over the evaluated accounts; `lists` holds each account's ranked products. */
export function report(
  lists: Map<number, readonly number[]>,
  truth: Map<number, ReadonlySet<number>>,
  catalogueSize: number,
  k = 10,
): TopNReport {
  let p = 0;
  let r = 0;
  let n = 0;
  let h = 0;
  for (const [u, rel] of truth) {
    const ranked = lists.get(u) ?? [];
    p += precisionAt(ranked, rel, k);
    r += recallAt(ranked, rel, k);
    n += ndcgAt(ranked, rel, k);
    h += hitRateAt(ranked, rel, k);
  }
  const users = truth.size || 1;
  const onlyEvaluated = [...truth.keys()].map((u) => lists.get(u) ?? []);
  return {
    'precision@10': p / users,
    'recall@10': r / users,
    'ndcg@10': n / users,
    'hitRate@10': h / users,
    'coverage@10': coverageAt(onlyEvaluated, catalogueSize, k),
    users: truth.size,
  };
}
