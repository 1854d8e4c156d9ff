// Segment inputs: log-scaled where skewed (money, counts, days), then standardised so no feature dominates
// the Euclidean distance k-means uses.
import type { PurchaseFeatures } from '../features/features.js';

export const SEGMENT_FEATURES = ['recencyDays', 'frequency', 'monetary', 'tenureDays', 'breadth'] as const;

export type Scaler = { mean: number[]; sd: number[] };

/** Writes account u's segment inputs (SEGMENT_FEATURES order) into out at offset. */
export function segmentRowInto(f: PurchaseFeatures, breadth: Float64Array, u: number, out: Float64Array | number[], offset: number): void {
  out[offset] = Math.log1p(f.recencyDays[u]);
  out[offset + 1] = Math.log1p(f.frequency[u]);
  out[offset + 2] = Math.log1p(Math.max(0, f.monetary[u]));
  out[offset + 3] = Math.log1p(f.tenureDays[u]);
  out[offset + 4] = Math.log1p(breadth[u]);
}

/**
 * The standardised segment inputs of many accounts as one flat row-major array (n x SEGMENT_FEATURES), scaled in
 * place: a million accounts cost one allocation instead of two million small arrays. Same arithmetic as
 * scale(rows, fitScaler(rows)).
 */
export function scaledSegmentPoints(f: PurchaseFeatures, breadth: Float64Array, users: number[]): { points: Float64Array; scaler: Scaler } {
  const d = SEGMENT_FEATURES.length;
  const n = users.length;
  const points = new Float64Array(n * d);
  for (let r = 0; r < n; r++) segmentRowInto(f, breadth, users[r], points, r * d);
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) mean[j] += points[r * d + j] / n;
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) sd[j] += (points[r * d + j] - mean[j]) ** 2 / n;
  const scaler = { mean, sd: sd.map((v) => Math.sqrt(v) || 1) };
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) points[r * d + j] = (points[r * d + j] - scaler.mean[j]) / scaler.sd[j];
  return { points, scaler };
}
