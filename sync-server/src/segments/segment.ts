// Segments every account with orders; accounts without orders have no segment. Profiles are medians in plain
// units (robust to the long tail) so descriptions read like the accounts they describe.
import type { PurchaseFeatures } from '../features/features.js';
import type { Segment } from '../domain/types.js';
import { SEGMENT_FEATURES, scaledSegmentPoints } from './scaling.js';
import { selectK } from './kmeans-select.js';
import { describeSegment, nameSegments, slug, type Profile } from './segment-naming.js';

export type Segmentation = {
  of: Int32Array; // cluster per account, -1 when none
  segments: Segment[];
  metrics: { k: number; silhouette: number; stability: number; silhouetteByK: Record<number, number> };
};

function median(values: Float64Array): number {
  if (values.length === 0) return 0;
  const s = values.sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const FIT_SAMPLE = 3000;

/** Nearest centroid of the row at offset o of a flat row-major array (same arithmetic as kmeans-select's nearest). */
function nearestAt(centroids: number[][], points: Float64Array, o: number, d: number): number {
  let best = 0;
  let bestD = Infinity;
  for (let c = 0; c < centroids.length; c++) {
    let dist = 0;
    for (let j = 0; j < d; j++) dist += (points[o + j] - centroids[c][j]) ** 2;
    if (dist < bestD) {
      bestD = dist;
      best = c;
    }
  }
  return best;
}

export function segmentAccounts(
  f: PurchaseFeatures,
  breadth: Float64Array,
  nUsers: number,
  opts: { seed: number; currency: string | null; minK?: number; maxK?: number },
): Segmentation {
  const users: number[] = [];
  for (let u = 0; u < nUsers; u++) if (!Number.isNaN(f.recencyDays[u])) users.push(u);
  const of = new Int32Array(nUsers).fill(-1);
  if (users.length < 10) return { of, segments: [], metrics: { k: 0, silhouette: 0, stability: 0, silhouetteByK: {} } };
  const d = SEGMENT_FEATURES.length;
  const { points } = scaledSegmentPoints(f, breadth, users);
  // k is chosen on a fixed-stride sample (selectK's own sampling, done here so only the sample becomes rows).
  const stride = users.length > FIT_SAMPLE ? users.length / FIT_SAMPLE : 1;
  const fitRows = Array.from({ length: Math.min(users.length, FIT_SAMPLE) }, (_, s) => {
    const o = Math.floor(s * stride) * d;
    return Array.from(points.subarray(o, o + d));
  });
  const sel = selectK(fitRows, { seed: opts.seed, minK: opts.minK, maxK: opts.maxK, fitSample: FIT_SAMPLE });
  const size = new Int32Array(sel.centroids.length);
  users.forEach((u, r) => {
    const c = nearestAt(sel.centroids, points, r * d, d);
    of[u] = c;
    size[c]++;
  });
  const members = Array.from(size, (n) => new Int32Array(n));
  const fill = new Int32Array(size.length);
  for (const u of users) members[of[u]][fill[of[u]]++] = u;
  // One scratch column for every median (sorted in place), instead of a fresh array per segment and feature.
  const scratch = new Float64Array(Math.max(...size));
  const column = (ms: Int32Array, v: Float64Array): Float64Array => {
    const c = scratch.subarray(0, ms.length);
    for (let r = 0; r < ms.length; r++) c[r] = v[ms[r]];
    return c;
  };
  const profiles: Profile[] = members.map((ms) => ({
    recencyDays: median(column(ms, f.recencyDays)),
    frequency: median(column(ms, f.frequency)),
    monetary: median(column(ms, f.monetary)),
    tenureDays: median(column(ms, f.tenureDays)),
    orders365: median(column(ms, f.orders365)),
    averageOrderValue: median(column(ms, f.averageOrderValue)),
  }));
  const names = nameSegments(profiles);
  const segments: Segment[] = profiles.map((p, c) => ({
    key: slug(names[c]),
    name: names[c],
    description: describeSegment(p, opts.currency),
    accountCount: members[c].length,
    profile: { ...p },
  }));
  return {
    of,
    segments,
    metrics: { k: sel.k, silhouette: sel.silhouette, stability: sel.stability, silhouetteByK: sel.silhouetteByK },
  };
}
