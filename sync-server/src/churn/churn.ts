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

/** `text`: the model also reads the account's text features (textNow holds them as of the fit day). */
export type ChurnModel = { weights: number[]; mean: number[]; sd: number[]; text?: boolean; textNow?: TextFeatures };
export type ChurnReport = {
  auc: number | null;
  recencyAuc: number | null;
  trainRows: number;
  testRows: number;
  churnRate: number | null;
  /** whether customer-text features were available and, if so, whether they raised the validation AUC */
  textFeatures?: { available: boolean; used: boolean; auc: number | null; aucWithout: number | null; reason: string };
};

/** Customer texts by account index and day: what the churn model may read besides orders. */
export type TextTable = { user: Int32Array; day: Int32Array; score: Float64Array; negativeCase: Uint8Array };
export type TextFeatures = { negativeCases90: Float64Array; sentiment90: Float64Array; texts90: Float64Array };

/** Texts of [T − 90, T): negative cases, mean sentiment (0 without texts), and how many texts. */
export function textFeaturesAt(t: TextTable, nUsers: number, day: number): TextFeatures {
  const f: TextFeatures = { negativeCases90: new Float64Array(nUsers), sentiment90: new Float64Array(nUsers), texts90: new Float64Array(nUsers) };
  for (let i = 0; i < t.user.length; i++) {
    const u = t.user[i];
    if (u < 0 || t.day[i] >= day || t.day[i] < day - HORIZON) continue;
    f.texts90[u]++;
    f.sentiment90[u] += t.score[i];
    if (t.negativeCase[i]) f.negativeCases90[u]++;
  }
  for (let u = 0; u < nUsers; u++) if (f.texts90[u] > 0) f.sentiment90[u] /= f.texts90[u];
  return f;
}

function textRow(f: TextFeatures, u: number): number[] {
  return [Math.log1p(f.negativeCases90[u]), f.sentiment90[u], Math.log1p(f.texts90[u])];
}

/** Gain in validation AUC the text features must bring before the model reads them: below it is noise. */
const TEXT_MIN_GAIN = 0.005;

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
  text?: TextTable,
): { x: number[][]; xt: number[][]; y: number[]; recency: number[] } {
  const before = purchaseFeatures(orders, nUsers, t, buffers.features);
  const tf = text ? textFeaturesAt(text, nUsers, t) : undefined;
  const after = ordersBefore(orders, t + HORIZON, buffers.after);
  let n = 0;
  for (let u = 0; u < nUsers; u++) if (!Number.isNaN(before.recencyDays[u])) n++;
  const stride = n > maxRows ? n / maxRows : 1;
  const x: number[][] = [];
  const xt: number[][] = [];
  const y: number[] = [];
  const recency: number[] = [];
  for (let u = 0, seen = 0; u < nUsers; u++) {
    if (Number.isNaN(before.recencyDays[u])) continue;
    if (seen++ !== Math.floor(x.length * stride)) continue;
    x.push(row(before, u));
    xt.push(tf ? [...row(before, u), ...textRow(tf, u)] : []);
    y.push(after[u] > before.frequency[u] ? 0 : 1);
    recency.push(before.recencyDays[u]);
  }
  return { x, xt, y, recency };
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
  const r = model.text && model.textNow ? [...row(f, u), ...textRow(model.textNow, u)] : row(f, u);
  let z = model.weights[0];
  for (let j = 0; j < r.length; j++) z += model.weights[j + 1] * ((r[j] - model.mean[j]) / model.sd[j]);
  return 1 / (1 + Math.exp(-z));
}

/** Snapshots every 90 days back from asOf; the latest full one is the test, earlier ones train. */
export function fitChurn(
  orders: OrderTable,
  nUsers: number,
  asOfDay: number,
  opts: { snapshots?: number; maxRows?: number; maxSnapshotRows?: number; text?: TextTable } = {},
): { model: ChurnModel | null; report: ChurnReport } {
  const text = opts.text && opts.text.user.length > 0 ? opts.text : undefined;
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
    snaps.push(snapshot(orders, nUsers, t, opts.maxSnapshotRows ?? 20_000, buffers, text));
  }
  const usable = (s: { y: number[] }): boolean => s.y.length > 0 && s.y.some((v) => v === 1) && s.y.some((v) => v === 0);
  const cap = <T>(a: T[]): T[] => strideSample(a, maxRows);
  let report = none;
  let useText = false;
  const textReport: NonNullable<ChurnReport['textFeatures']> = text
    ? { available: true, used: false, auc: null, aucWithout: null, reason: 'no validation window to compare on' }
    : { available: false, used: false, auc: null, aucWithout: null, reason: 'no customer texts in the data' };
  const validate = (m: ChurnModel, rows: number[][], y: number[]): number | null =>
    auc(rows.map((r) => {
      let z = m.weights[0];
      for (let j = 0; j < r.length; j++) z += m.weights[j + 1] * ((r[j] - m.mean[j]) / m.sd[j]);
      return z;
    }), y);
  if (snaps.length >= 2 && usable(snaps[0])) {
    const trainX = cap(snaps.slice(1).flatMap((s) => s.x));
    const trainY = cap(snaps.slice(1).flatMap((s) => s.y));
    if (trainY.some((v) => v === 1) && trainY.some((v) => v === 0)) {
      const test = snaps[0];
      const base = validate(train(trainX, trainY), test.x, test.y);
      report = {
        auc: base,
        recencyAuc: auc(test.recency, test.y),
        trainRows: trainY.length,
        testRows: test.y.length,
        churnRate: test.y.reduce((a, b) => a + b, 0) / test.y.length,
      };
      if (text) {
        // Same rows, same split: the text features earn their place only by raising the validation AUC.
        const withText = validate(train(cap(snaps.slice(1).flatMap((s) => s.xt)), trainY), test.xt, test.y);
        useText = withText !== null && base !== null && withText >= base + TEXT_MIN_GAIN;
        Object.assign(textReport, {
          used: useText, auc: withText, aucWithout: base,
          reason: useText ? `validation AUC ${withText!.toFixed(4)} with text vs ${base!.toFixed(4)} without` : `no gain of ${TEXT_MIN_GAIN} in validation AUC (${withText?.toFixed(4)} with text vs ${base?.toFixed(4)} without)`,
        });
        if (useText) report.auc = withText;
      }
    }
  }
  report = { ...report, textFeatures: textReport };
  const allX = cap(snaps.flatMap((s) => (useText ? s.xt : s.x)));
  const allY = cap(snaps.flatMap((s) => s.y));
  if (!allY.some((v) => v === 1) || !allY.some((v) => v === 0)) return { model: null, report };
  const model = train(allX, allY);
  if (useText && text) Object.assign(model, { text: true, textNow: textFeaturesAt(text, nUsers, asOfDay) });
  return { model, report };
}

/**
 * A churn-risk reason from the account's texts when they drive its risk: the text features add the most to
 * its log-odds of all features (and at least 0.3), e.g. "3 negative cases in 90 days, sentiment -0.52".
 */
export function textChurnReason(model: ChurnModel, f: PurchaseFeatures, u: number): string | null {
  if (!model.text || !model.textNow) return null;
  const base = row(f, u);
  const r = [...base, ...textRow(model.textNow, u)];
  const contrib = r.map((v, j) => model.weights[j + 1] * ((v - model.mean[j]) / model.sd[j]));
  const text = contrib.slice(base.length).reduce((a, b) => a + b, 0);
  const strongestOther = Math.max(...contrib.slice(0, base.length));
  if (text < 0.3 || text <= strongestOther) return null;
  const t = model.textNow;
  const parts = [];
  if (t.negativeCases90[u] > 0) parts.push(`${t.negativeCases90[u]} negative case${t.negativeCases90[u] === 1 ? '' : 's'} in 90 days`);
  if (t.texts90[u] > 0) parts.push(`sentiment ${t.sentiment90[u].toFixed(2)}`);
  return parts.length ? `Customer text: ${parts.join(', ')}` : null;
}
