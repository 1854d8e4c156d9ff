// k-means with k chosen by silhouette over a range, deterministic for a seed. Centroids are fitted on a
// fixed-stride sample (bounded cost on big orgs) and every account is then assigned to its nearest centroid.
import { kmeans } from 'ml-kmeans';
import { adjustedRandIndex, silhouette } from './cluster-quality.js';

export type KSelection = {
  k: number;
  centroids: number[][];
  silhouette: number;
  stability: number; // mean ARI between the chosen run and runs with other seeds
  silhouetteByK: Record<number, number>;
};

export function strideSample<T>(rows: T[], n: number): T[] {
  if (rows.length <= n) return rows;
  const stride = rows.length / n;
  return Array.from({ length: n }, (_, s) => rows[Math.floor(s * stride)]);
}

export function nearest(centroids: number[][], p: number[]): number {
  let best = 0;
  let bestD = Infinity;
  for (let c = 0; c < centroids.length; c++) {
    let d = 0;
    for (let j = 0; j < p.length; j++) d += (p[j] - centroids[c][j]) ** 2;
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

export function selectK(
  points: number[][],
  opts: { seed: number; minK?: number; maxK?: number; fitSample?: number; scoreSample?: number },
): KSelection {
  const fitRows = strideSample(points, opts.fitSample ?? 5000);
  const scoreRows = strideSample(fitRows, opts.scoreSample ?? 1000);
  const minK = opts.minK ?? 3;
  const maxK = Math.min(opts.maxK ?? 8, Math.max(1, fitRows.length - 1));
  const fit = (k: number, seed: number): number[][] =>
    kmeans(fitRows, k, { seed, initialization: 'kmeans++', maxIterations: 100 }).centroids;
  let best: { k: number; centroids: number[][]; s: number } | null = null;
  const silhouetteByK: Record<number, number> = {};
  for (let k = Math.min(minK, maxK); k <= maxK; k++) {
    const centroids = fit(k, opts.seed);
    const s = silhouette(scoreRows, scoreRows.map((p) => nearest(centroids, p)));
    silhouetteByK[k] = Math.round(s * 1e4) / 1e4;
    if (!best || s > best.s + 1e-12) best = { k, centroids, s };
  }
  if (!best) throw new Error('segments: no accounts with orders to cluster');
  const labels = scoreRows.map((p) => nearest(best.centroids, p));
  const aris = [1, 2, 3].map((d) => adjustedRandIndex(labels, scoreRows.map((p) => nearest(fit(best.k, opts.seed + d), p))));
  return {
    k: best.k,
    centroids: best.centroids,
    silhouette: best.s,
    stability: aris.reduce((a, b) => a + b, 0) / aris.length,
    silhouetteByK,
  };
}
