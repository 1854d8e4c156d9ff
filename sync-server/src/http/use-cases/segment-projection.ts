// A 2-D picture of accounts for the dashboard: principal components of their standardised behaviour features
// (log recency, frequency, monetary; engagement; churn risk), coloured by segment. Computed once per run.
import { EVD, Matrix } from 'ml-matrix';
import type { AccountInsight } from '../../domain/types.js';

export type ProjectedPoint = { accountId: string; segmentKey: string | null; x: number; y: number };
export type Projection = { features: string[]; explainedVariance: [number, number]; points: ProjectedPoint[] };

const features: Array<[string, (i: AccountInsight) => number]> = [
  ['log recency days', (i) => Math.log1p(i.recencyDays ?? 3650)],
  ['log frequency', (i) => Math.log1p(i.frequency)],
  ['log monetary', (i) => Math.log1p(Math.max(0, i.monetary))],
  ['engagement score', (i) => i.engagementScore],
  ['churn risk', (i) => i.churnRisk ?? 0.5],
];

export function projectAccounts(insights: AccountInsight[]): Projection {
  const names = features.map(([name]) => name);
  if (insights.length < 2) {
    return { features: names, explainedVariance: [0, 0], points: insights.map((i) => ({ accountId: i.accountId, segmentKey: i.segmentKey, x: 0, y: 0 })) };
  }
  const x = new Matrix(insights.map((i) => features.map(([, f]) => f(i))));
  // Standardise columns; a constant column stays zero rather than dividing by zero.
  for (let c = 0; c < x.columns; c++) {
    const col = x.getColumn(c);
    const mean = col.reduce((s, v) => s + v, 0) / col.length;
    const sd = Math.sqrt(col.reduce((s, v) => s + (v - mean) ** 2, 0) / col.length) || 1;
    for (let r = 0; r < x.rows; r++) x.set(r, c, (col[r] - mean) / sd);
  }
  const covariance = x.transpose().mmul(x).div(x.rows - 1);
  const evd = new EVD(covariance, { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
  const total = values.reduce((s, v) => s + Math.max(0, v), 0) || 1;
  const basis = evd.eigenvectorMatrix;
  const pcs = order.slice(0, 2).map((i) => {
    const v = basis.getColumn(i);
    // Fix each component's sign (largest loading positive) so the picture does not flip between runs.
    const pivot = v.reduce((best, val) => (Math.abs(val) > Math.abs(best) ? val : best), 0);
    return pivot < 0 ? v.map((val) => -val) : v;
  });
  const points = insights.map((insight, r) => {
    const row = x.getRow(r);
    const [px, py] = pcs.map((pc) => row.reduce((s, val, c) => s + val * pc[c], 0));
    return { accountId: insight.accountId, segmentKey: insight.segmentKey, x: round(px), y: round(py) };
  });
  return { features: names, explainedVariance: [round(Math.max(0, values[order[0]]) / total), round(Math.max(0, values[order[1]]) / total)], points };
}

const round = (v: number): number => Math.round(v * 1e4) / 1e4;
