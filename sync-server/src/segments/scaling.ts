// Segment inputs: log-scaled where skewed (money, counts, days), then standardised so no feature dominates
// the Euclidean distance k-means uses.
import type { PurchaseFeatures } from '../features/features.js';

export const SEGMENT_FEATURES = ['recencyDays', 'frequency', 'monetary', 'tenureDays', 'breadth'] as const;

export type Scaler = { mean: number[]; sd: number[] };

export function segmentMatrix(f: PurchaseFeatures, breadth: Float64Array, users: number[]): number[][] {
  return users.map((u) => [
    Math.log1p(f.recencyDays[u]),
    Math.log1p(f.frequency[u]),
    Math.log1p(Math.max(0, f.monetary[u])),
    Math.log1p(f.tenureDays[u]),
    Math.log1p(breadth[u]),
  ]);
}

export function fitScaler(rows: number[][]): Scaler {
  const d = rows[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j] / rows.length;
  for (const r of rows) for (let j = 0; j < d; j++) sd[j] += (r[j] - mean[j]) ** 2 / rows.length;
  return { mean, sd: sd.map((v) => Math.sqrt(v) || 1) };
}

export function scale(rows: number[][], s: Scaler): number[][] {
  return rows.map((r) => r.map((v, j) => (v - s.mean[j]) / s.sd[j]));
}
