// Area under the ROC curve by ranks (Mann-Whitney), ties sharing their average rank.
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  const rank = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]] === scores[idx[i]]) j++;
    for (let t = i; t <= j; t++) rank[idx[t]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  let pos = 0;
  let sumPos = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] === 1) {
      pos++;
      sumPos += rank[i];
    }
  }
  const neg = n - pos;
  return pos === 0 || neg === 0 ? NaN : (sumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}
