// Segments every account with orders; accounts without orders have no segment. Profiles are medians in plain
// units (robust to the long tail) so descriptions read like the accounts they describe.
import type { PurchaseFeatures } from '../features/features.js';
import type { Segment } from '../domain/types.js';
import { fitScaler, scale, segmentMatrix } from './scaling.js';
import { nearest, selectK } from './kmeans-select.js';
import { describeSegment, nameSegments, slug, type Profile } from './segment-naming.js';

export type Segmentation = {
  of: Int32Array; // cluster per account, -1 when none
  segments: Segment[];
  metrics: { k: number; silhouette: number; stability: number; silhouetteByK: Record<number, number> };
};

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function segmentAccounts(
  f: PurchaseFeatures,
  breadth: Float64Array,
  nUsers: number,
  opts: { seed: number; currencySymbol: string; minK?: number; maxK?: number },
): Segmentation {
  const users: number[] = [];
  for (let u = 0; u < nUsers; u++) if (!Number.isNaN(f.recencyDays[u])) users.push(u);
  const of = new Int32Array(nUsers).fill(-1);
  if (users.length < 10) return { of, segments: [], metrics: { k: 0, silhouette: 0, stability: 0, silhouetteByK: {} } };
  const raw = segmentMatrix(f, breadth, users);
  const points = scale(raw, fitScaler(raw));
  const sel = selectK(points, { seed: opts.seed, minK: opts.minK, maxK: opts.maxK });
  const members: number[][] = sel.centroids.map(() => []);
  users.forEach((u, r) => {
    const c = nearest(sel.centroids, points[r]);
    of[u] = c;
    members[c].push(u);
  });
  const profiles: Profile[] = members.map((ms) => ({
    recencyDays: median(ms.map((u) => f.recencyDays[u])),
    frequency: median(ms.map((u) => f.frequency[u])),
    monetary: median(ms.map((u) => f.monetary[u])),
    tenureDays: median(ms.map((u) => f.tenureDays[u])),
    orders365: median(ms.map((u) => f.orders365[u])),
    averageOrderValue: median(ms.map((u) => f.averageOrderValue[u])),
  }));
  const names = nameSegments(profiles);
  const segments: Segment[] = profiles.map((p, c) => ({
    key: slug(names[c]),
    name: names[c],
    description: describeSegment(p, opts.currencySymbol),
    accountCount: members[c].length,
    profile: { ...p },
  }));
  return {
    of,
    segments,
    metrics: { k: sel.k, silhouette: sel.silhouette, stability: sel.stability, silhouetteByK: sel.silhouetteByK },
  };
}
