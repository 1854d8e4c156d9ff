// k-means on sparse L2-normalised vectors, in two flavours. Spherical (Reco's themes): centroids are
// renormalised to unit length and points go to the most cosine-similar one, which is what "about the same
// thing" means for texts of different lengths; several seeded k-means++ starts, the most cohesive kept.
// Euclidean (the evaluation's baseline): Lloyd's algorithm with one k-means++ start, as a TF-IDF + k-means
// pipeline is usually run.
// The models' seeded PRNG: the same texts must give the same themes on every run.
import { mulberry32 as rng } from '../lib/random.js';
import { dot, type SparseVector } from './tfidf.js';

export type KMeansResult = { assignment: Int32Array; centroids: Float64Array[]; objective: number };

function toDense(v: SparseVector, dim: number): Float64Array {
  const d = new Float64Array(dim);
  for (let k = 0; k < v.idx.length; k++) d[v.idx[k]] = v.val[k];
  return d;
}

function sqNorm(c: Float64Array): number {
  let s = 0;
  for (let j = 0; j < c.length; j++) s += c[j] * c[j];
  return s;
}

/** k-means++ seeding on 1 − cosine (equal to half the squared distance between unit vectors). */
function seedCentroids(points: readonly SparseVector[], k: number, dim: number, random: () => number): Float64Array[] {
  const centroids: Float64Array[] = [toDense(points[Math.floor(random() * points.length)], dim)];
  const best = new Float64Array(points.length).fill(Infinity);
  while (centroids.length < k) {
    const c = centroids[centroids.length - 1];
    let total = 0;
    for (let i = 0; i < points.length; i++) {
      const d = Math.max(0, 1 - dot(points[i], c));
      if (d < best[i]) best[i] = d;
      total += best[i];
    }
    if (total === 0) break;
    let r = random() * total;
    let pick = points.length - 1;
    for (let i = 0; i < points.length; i++) {
      r -= best[i];
      if (r <= 0) {
        pick = i;
        break;
      }
    }
    centroids.push(toDense(points[pick], dim));
  }
  return centroids;
}

function run(points: readonly SparseVector[], k: number, dim: number, random: () => number, spherical: boolean, maxIter: number): KMeansResult {
  let centroids = seedCentroids(points, k, dim, random);
  const assignment = new Int32Array(points.length).fill(-1);
  let objective = 0;
  for (let iter = 0; iter < maxIter; iter++) {
    const norms = centroids.map(sqNorm);
    let changed = 0;
    objective = 0;
    for (let i = 0; i < points.length; i++) {
      let bestC = 0;
      let bestScore = -Infinity;
      for (let c = 0; c < centroids.length; c++) {
        const s = dot(points[i], centroids[c]);
        // Unit points: ‖x − c‖² = 1 + ‖c‖² − 2x·c, so Euclidean assignment maximises 2x·c − ‖c‖².
        const score = spherical ? s : 2 * s - norms[c];
        if (score > bestScore) {
          bestScore = score;
          bestC = c;
        }
      }
      if (assignment[i] !== bestC) changed++;
      assignment[i] = bestC;
      objective += spherical ? bestScore : 1 - bestScore;
    }
    const next: Float64Array[] = centroids.map(() => new Float64Array(dim));
    const counts = new Int32Array(centroids.length);
    for (let i = 0; i < points.length; i++) {
      const c = next[assignment[i]];
      counts[assignment[i]]++;
      const p = points[i];
      for (let j = 0; j < p.idx.length; j++) c[p.idx[j]] += p.val[j];
    }
    for (let c = 0; c < next.length; c++) {
      if (counts[c] === 0) {
        next[c] = centroids[c];
        continue;
      }
      if (spherical) {
        const n = Math.sqrt(sqNorm(next[c]));
        if (n > 0) for (let j = 0; j < dim; j++) next[c][j] /= n;
      } else for (let j = 0; j < dim; j++) next[c][j] /= counts[c];
    }
    centroids = next;
    if (changed === 0) break;
  }
  return { assignment, centroids, objective };
}

export function sphericalKMeans(points: readonly SparseVector[], k: number, dim: number, opts: { seed?: number; restarts?: number; maxIter?: number } = {}): KMeansResult {
  const random = rng(opts.seed ?? 1);
  let best: KMeansResult | undefined;
  for (let r = 0; r < (opts.restarts ?? 5); r++) {
    const res = run(points, Math.min(k, points.length), dim, random, true, opts.maxIter ?? 50);
    if (!best || res.objective > best.objective) best = res;
  }
  return best!;
}

export function euclideanKMeans(points: readonly SparseVector[], k: number, dim: number, opts: { seed?: number; maxIter?: number } = {}): KMeansResult {
  return run(points, Math.min(k, points.length), dim, rng(opts.seed ?? 1), false, opts.maxIter ?? 100);
}
