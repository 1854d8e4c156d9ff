// Per-account features as of a day, columnar (one typed array per feature) so a million accounts stay cheap.
// Purchase features come from orders before asOf; pipeline and engagement from the CRM when present.
import type { OrderTable } from './orders.js';
import { allocateColumns } from '../lib/columns.js';

export type PurchaseFeatures = {
  recencyDays: Float64Array; // NaN when the account never ordered
  frequency: Float64Array; // orders before asOf
  monetary: Float64Array;
  tenureDays: Float64Array; // since first order (NaN when none)
  averageOrderValue: Float64Array; // NaN when none
  orders90: Float64Array;
  revenue90: Float64Array;
  orders365: Float64Array;
  gapBeforeLastDays: Float64Array; // days between the last two order days (NaN when fewer than two)
};

/** Arrays purchaseFeatures can fill again instead of allocating: repeated snapshots on a big org reuse one set. */
export type FeatureBuffers = { features: PurchaseFeatures; last: Int32Array; second: Int32Array; first: Int32Array };

export function featureBuffers(nUsers: number): FeatureBuffers {
  const f64 = { type: 'f64', length: nUsers } as const;
  const i32 = { type: 'i32', length: nUsers } as const;
  const c = allocateColumns({
    recencyDays: f64, frequency: f64, monetary: f64, tenureDays: f64, averageOrderValue: f64,
    orders90: f64, revenue90: f64, orders365: f64, gapBeforeLastDays: f64,
    last: i32, second: i32, first: i32,
  });
  const { last, second, first, ...features } = c;
  return { features, last, second, first };
}

/** With `into`, its arrays are overwritten and returned (valid until the next call with the same buffers). */
export function purchaseFeatures(orders: OrderTable, nUsers: number, asOfDay: number, into?: FeatureBuffers): PurchaseFeatures {
  const b = into ?? featureBuffers(nUsers);
  const f = b.features;
  for (const v of [f.recencyDays, f.tenureDays, f.averageOrderValue, f.gapBeforeLastDays]) v.fill(NaN);
  for (const v of [f.frequency, f.monetary, f.orders90, f.revenue90, f.orders365]) v.fill(0);
  const last = b.last.fill(-1);
  const second = b.second.fill(-1);
  const first = b.first.fill(0x7fffffff);
  for (let o = 0; o < orders.user.length; o++) {
    const u = orders.user[o];
    const d = orders.day[o];
    if (u < 0 || d >= asOfDay) continue;
    f.frequency[u]++;
    f.monetary[u] += orders.revenue[o];
    if (d >= asOfDay - 90) {
      f.orders90[u]++;
      f.revenue90[u] += orders.revenue[o];
    }
    if (d >= asOfDay - 365) f.orders365[u]++;
    if (d < first[u]) first[u] = d;
    if (d > last[u]) {
      second[u] = last[u];
      last[u] = d;
    } else if (d < last[u] && d > second[u]) second[u] = d;
  }
  for (let u = 0; u < nUsers; u++) {
    if (last[u] < 0) continue;
    f.recencyDays[u] = asOfDay - last[u];
    f.tenureDays[u] = asOfDay - first[u];
    f.averageOrderValue[u] = f.monetary[u] / f.frequency[u];
    if (second[u] >= 0) f.gapBeforeLastDays[u] = last[u] - second[u];
  }
  return f;
}

export type CrmFeatures = {
  winRate: Float64Array; // NaN when no closed opportunity
  openPipeline: Float64Array;
  touches30: Float64Array;
  touches90: Float64Array;
  daysSinceLastTouch: Float64Array; // NaN when none
  calls90: Float64Array;
  emails90: Float64Array;
  meetings90: Float64Array;
};

export type OpportunityRow = { user: number; isClosed: boolean; isWon: boolean; amount: number | null; day: number };
export type ActivityRow = { user: number; kind: 'call' | 'email' | 'meeting' | 'other'; day: number };

export function crmFeatures(
  nUsers: number,
  asOfDay: number,
  opportunities: Iterable<OpportunityRow>,
  activities: Iterable<ActivityRow>,
): CrmFeatures {
  const won = new Float64Array(nUsers);
  const closed = new Float64Array(nUsers);
  const f: CrmFeatures = {
    winRate: new Float64Array(nUsers).fill(NaN),
    openPipeline: new Float64Array(nUsers),
    touches30: new Float64Array(nUsers),
    touches90: new Float64Array(nUsers),
    daysSinceLastTouch: new Float64Array(nUsers).fill(NaN),
    calls90: new Float64Array(nUsers),
    emails90: new Float64Array(nUsers),
    meetings90: new Float64Array(nUsers),
  };
  for (const o of opportunities) {
    if (o.user < 0) continue;
    if (o.isClosed && o.day < asOfDay) {
      closed[o.user]++;
      if (o.isWon) won[o.user]++;
    } else if (!o.isClosed) f.openPipeline[o.user] += o.amount ?? 0;
  }
  for (let u = 0; u < nUsers; u++) if (closed[u] > 0) f.winRate[u] = won[u] / closed[u];
  for (const a of activities) {
    if (a.user < 0 || a.day > asOfDay) continue;
    const age = asOfDay - a.day;
    if (!(f.daysSinceLastTouch[a.user] <= age)) f.daysSinceLastTouch[a.user] = age;
    if (age <= 30) f.touches30[a.user]++;
    if (age > 90) continue;
    f.touches90[a.user]++;
    if (a.kind === 'call') f.calls90[a.user]++;
    else if (a.kind === 'email') f.emails90[a.user]++;
    else if (a.kind === 'meeting') f.meetings90[a.user]++;
  }
  return f;
}

/** 0..100: recent touches, saturating, with meetings worth more than emails. */
export function engagementScore(c: CrmFeatures, u: number): number {
  const weighted = c.calls90[u] * 2 + c.meetings90[u] * 3 + c.emails90[u] + (c.touches90[u] - c.calls90[u] - c.meetings90[u] - c.emails90[u]);
  const recent = c.touches30[u];
  return Math.round(100 * (1 - Math.exp(-(weighted + 2 * recent) / 10)));
}
