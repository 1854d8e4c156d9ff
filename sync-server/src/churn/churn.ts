// Churn risk: probability that an account with past orders places no order in the next 90 days. Trained on
// past snapshots (features at T, outcome over [T, T+90)), which needs no labels beyond the order history;
// evaluated on the latest fully observed snapshot against the recency-only rule (temporal split).
import { Matrix } from 'ml-matrix';
import LogisticRegression from 'ml-logistic-regression';
import { featureBuffers, purchaseFeatures, type FeatureBuffers, type PurchaseFeatures } from '../features/features.js';
import type { OrderTable } from '../features/orders.js';
import { strideSample } from '../segments/kmeans-select.js';
import { auc } from './auc.js';

const HORIZON = 90;

export type ChurnModel = { weights: number[]; mean: number[]; sd: number[] };
export type ChurnReport = {
  auc: number | null;
  recencyAuc: number | null;
  trainRows: number;
  testRows: number;
  churnRate: number | null;
};

function row(f: PurchaseFeatures, u: number): number[] {
  return [
    Math.log1p(f.recencyDays[u]),
    Math.log1p(f.frequency[u]),
    Math.log1p(Math.max(0, f.monetary[u])),
    Math.log1p(f.tenureDays[u]),
    Math.log1p(f.orders90[u]),
    Math.log1p(Math.max(0, f.revenue90[u])),
    Number.isNaN(f.gapBeforeLastDays[u]) ? 0 : Math.log1p(f.gapBeforeLastDays[u]),
  ];
}

/**
 * Rows for one snapshot: accounts with an order before T; label 1 when none in [T, T + 90). At most maxRows
 * accounts (every (n / maxRows)-th), so a million-account org costs what a 20k one does.
 */
function snapshot(
  orders: OrderTable,
  nUsers: number,
  t: number,
  maxRows: number,
  buffers: { features: FeatureBuffers; after: Float64Array },
): { x: number[][]; y: number[]; recency: number[] } {
  const before = purchaseFeatures(orders, nUsers, t, buffers.features);
  const after = ordersBefore(orders, t + HORIZON, buffers.after);
  let n = 0;
  for (let u = 0; u < nUsers; u++) if (!Number.isNaN(before.recencyDays[u])) n++;
  const stride = n > maxRows ? n / maxRows : 1;
  const x: number[][] = [];
  const y: number[] = [];
  const recency: number[] = [];
  for (let u = 0, seen = 0; u < nUsers; u++) {
    if (Number.isNaN(before.recencyDays[u])) continue;
    if (seen++ !== Math.floor(x.length * stride)) continue;
    x.push(row(before, u));
    y.push(after[u] > before.frequency[u] ? 0 : 1);
    recency.push(before.recencyDays[u]);
  }
  return { x, y, recency };
}

/** Orders per account before a day: all the outcome needs (purchaseFeatures would fill nine columns). */
function ordersBefore(orders: OrderTable, day: number, into: Float64Array): Float64Array {
  const n = into.fill(0);
  for (let o = 0; o < orders.user.length; o++) if (orders.user[o] >= 0 && orders.day[o] < day) n[orders.user[o]]++;
  return n;
}

function train(x: number[][], y: number[]): ChurnModel {
  const d = x[0].length;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const r of x) for (let j = 0; j < d; j++) mean[j] += r[j] / x.length;
  for (const r of x) for (let j = 0; j < d; j++) sd[j] += (r[j] - mean[j]) ** 2 / x.length;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]) || 1;
  const design = new Matrix(x.map((r) => [1, ...r.map((v, j) => (v - mean[j]) / sd[j])]));
  // The library's gradient is a sum over rows, so the step is scaled by 1/n to stay stable at any size.
  const lr = new LogisticRegression({ numSteps: 100, learningRate: 2 / x.length });
  lr.train(design, Matrix.columnVector(y));
  // With two classes, classifier 0 is "not class 0", i.e. the probability of label 1 (churn).
  return { weights: lr.classifiers[0].weights.to1DArray(), mean, sd };
}

export function predict(model: ChurnModel, f: PurchaseFeatures, u: number): number {
  const r = row(f, u);
  let z = model.weights[0];
  for (let j = 0; j < r.length; j++) z += model.weights[j + 1] * ((r[j] - model.mean[j]) / model.sd[j]);
  return 1 / (1 + Math.exp(-z));
}

/** Snapshots every 90 days back from asOf; the latest full one is the test, earlier ones train. */
export function fitChurn(
  orders: OrderTable,
  nUsers: number,
  asOfDay: number,
  opts: { snapshots?: number; maxRows?: number; maxSnapshotRows?: number } = {},
): { model: ChurnModel | null; report: ChurnReport } {
  const none: ChurnReport = { auc: null, recencyAuc: null, trainRows: 0, testRows: 0, churnRate: null };
  let minDay = Infinity;
  for (let o = 0; o < orders.day.length; o++) if (orders.user[o] >= 0 && orders.day[o] < minDay) minDay = orders.day[o];
  const maxRows = opts.maxRows ?? 2500;
  const snaps: ReturnType<typeof snapshot>[] = [];
  // One set of feature arrays for every snapshot: rows are copied out before the next one overwrites them, and
  // on a big org each fresh set of large arrays would cost a full garbage collection.
  const buffers = { features: featureBuffers(nUsers), after: new Float64Array(nUsers) };
  for (let s = 1; s <= (opts.snapshots ?? 4); s++) {
    const t = asOfDay - HORIZON * s;
    if (t - 30 <= minDay) break; // need some history before the snapshot
    snaps.push(snapshot(orders, nUsers, t, opts.maxSnapshotRows ?? 20_000, buffers));
  }
  const usable = (s: { y: number[] }): boolean => s.y.length > 0 && s.y.some((v) => v === 1) && s.y.some((v) => v === 0);
  const cap = <T>(a: T[]): T[] => strideSample(a, maxRows);
  let report = none;
  if (snaps.length >= 2 && usable(snaps[0])) {
    const trainX = cap(snaps.slice(1).flatMap((s) => s.x));
    const trainY = cap(snaps.slice(1).flatMap((s) => s.y));
    if (trainY.some((v) => v === 1) && trainY.some((v) => v === 0)) {
      const m = train(trainX, trainY);
      const test = snaps[0];
      const scores = test.x.map((r) => {
        let z = m.weights[0];
        for (let j = 0; j < r.length; j++) z += m.weights[j + 1] * ((r[j] - m.mean[j]) / m.sd[j]);
        return z;
      });
      report = {
        auc: auc(scores, test.y),
        recencyAuc: auc(test.recency, test.y),
        trainRows: trainY.length,
        testRows: test.y.length,
        churnRate: test.y.reduce((a, b) => a + b, 0) / test.y.length,
      };
    }
  }
  const allX = cap(snaps.flatMap((s) => s.x));
  const allY = cap(snaps.flatMap((s) => s.y));
  if (!allY.some((v) => v === 1) || !allY.some((v) => v === 0)) return { model: null, report };
  return { model: train(allX, allY), report };
}
