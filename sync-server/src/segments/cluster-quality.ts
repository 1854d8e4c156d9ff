// Clustering quality figures: silhouette (separation) and adjusted Rand index (agreement between runs).

function dist(a: number[], b: number[]): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) ** 2;
  return Math.sqrt(s);
}

/** Mean silhouette; O(n^2), so callers pass a sample. */
export function silhouette(points: number[][], labels: number[]): number {
  const k = Math.max(...labels) + 1;
  if (k < 2) return 0;
  let total = 0;
  for (let i = 0; i < points.length; i++) {
    const sum = new Array<number>(k).fill(0);
    const cnt = new Array<number>(k).fill(0);
    for (let j = 0; j < points.length; j++) {
      if (i === j) continue;
      sum[labels[j]] += dist(points[i], points[j]);
      cnt[labels[j]]++;
    }
    const own = labels[i];
    if (cnt[own] === 0) continue;
    const a = sum[own] / cnt[own];
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && cnt[c] > 0) b = Math.min(b, sum[c] / cnt[c]);
    if (Number.isFinite(b)) total += (b - a) / Math.max(a, b);
  }
  return points.length ? total / points.length : 0;
}

export function adjustedRandIndex(x: number[], y: number[]): number {
  const n = x.length;
  const table = new Map<string, number>();
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${x[i]},${y[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rows.set(x[i], (rows.get(x[i]) ?? 0) + 1);
    cols.set(y[i], (cols.get(y[i]) ?? 0) + 1);
  }
  const c2 = (v: number): number => (v * (v - 1)) / 2;
  let index = 0;
  for (const v of table.values()) index += c2(v);
  let a = 0;
  for (const v of rows.values()) a += c2(v);
  let b = 0;
  for (const v of cols.values()) b += c2(v);
  const expected = (a * b) / (c2(n) || 1);
  const max = (a + b) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}
