// k-means with k chosen by silhouette over a range, deterministic for a seed. Centroids are fitted on a
// fixed-stride sample (bounded cost on big orgs) and every account is then assigned to its nearest centroid.
import { kmeans } from 'ml-kmeans';
import { adjustedRandIndex, silhouette } from './cluster-quality.js';
import { mulberry32 } from '../lib/random.js';

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
  const fitRows = strideSample(points, opts.fitSample ?? 3000);
  const scoreRows = strideSample(fitRows, opts.scoreSample ?? 800);
  const minK = opts.minK ?? 3;
  const maxK = Math.min(opts.maxK ?? 8, Math.max(1, fitRows.length - 1));
  const fit = (k: number, seed: number): number[][] =>
    kmeans(fitRows, k, { seed, initialization: kmeansPlusPlus(fitRows, k, seed), maxIterations: 50 }).centroids;
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
  const aris = [1, 2, 3].map((d) => {
    const other = fit(best.k, opts.seed + d);
    return adjustedRandIndex(labels, scoreRows.map((p) => nearest(other, p)));
  });
  return {
    k: best.k,
    centroids: best.centroids,
    silhouette: best.s,
    stability: aris.reduce((a, b) => a + b, 0) / aris.length,
    silhouetteByK,
  };
}

/**
 * Seeded k-means++ seeding (Arthur & Vassilvitskii 2007). ml-kmeans' own kmeans++ spends ten times longer than
 * the clustering itself, so the centres are chosen here and handed to it.
 */
export function kmeansPlusPlus(points: number[][], k: number, seed: number): number[][] {
  const rnd = mulberry32(seed);
  const d2 = new Float64Array(points.length).fill(Infinity);
  const centres: number[][] = [[...points[Math.floor(rnd() * points.length)]]];
  while (centres.length < k) {
    const c = centres[centres.length - 1];
    let total = 0;
    for (let i = 0; i < points.length; i++) {
      let d = 0;
      for (let j = 0; j < c.length; j++) d += (points[i][j] - c[j]) ** 2;
      if (d < d2[i]) d2[i] = d;
      total += d2[i];
    }
    let x = rnd() * total;
    let pick = points.length - 1;
    for (let i = 0; i < points.length; i++) {
      x -= d2[i];
      if (x <= 0) {
        pick = i;
        break;
      }
    }
    centres.push([...points[pick]]);
  }
  return centres;
}
