// A small logistic regression over the rule layer's evidence (a dozen features, not words), so that what it
// learns — how much negation, support phrases, the last sentence and exclamations weigh — carries over to
// text unlike its training set. Trained by train-calibration.ts; the weights ship in sentiment-calibration.json.
import type { Evidence } from './rules.js';

export const FEATURE_NAMES = [
  'compound', 'pos', 'neg', 'phrasePos', 'phraseNeg', 'negatedPos', 'negatedNeg', 'exclaim', 'question', 'last',
  'density', 'wink', 'bias',
] as const;

export type Calibration = {
  features: readonly string[];
  weights: number[];
  /** rows it was fitted on and where they came from, for the record */
  trainedOn: { source: string; rows: number; fingerprints?: string[] };
};

export function featureRow(e: Evidence): number[] {
  const s = e.pos - e.neg;
  const sign = s > 0 ? 1 : s < 0 ? -1 : 0;
  return [
    s / Math.sqrt(s * s + 15),
    Math.tanh(e.pos / 4),
    Math.tanh(e.neg / 4),
    Math.tanh(e.phrasePos / 3),
    Math.tanh(e.phraseNeg / 3),
    Math.tanh(e.negatedPos / 2),
    Math.tanh(e.negatedNeg / 2),
    (Math.min(e.exclamations, 3) / 3) * sign,
    e.questions > 0 ? 1 : 0,
    Math.tanh(e.last / 3),
    Math.tanh(s / Math.sqrt(e.words + 1)),
    e.wink,
    1,
  ];
}

export function probability(c: Calibration, x: readonly number[]): number {
  let z = 0;
  for (let j = 0; j < x.length; j++) z += c.weights[j] * x[j];
  return 1 / (1 + Math.exp(-z));
}

/**
 * Plain batch gradient descent with an L2 penalty: a dozen features need nothing more, and a fixed number of
 * steps from zero makes the fit reproducible to the bit, so the committed weights can be checked by rerunning.
 */
export function fitLogistic(x: readonly number[][], y: readonly number[], opts = { steps: 3000, rate: 0.5, l2: 1e-3 }): number[] {
  const d = x[0]?.length ?? 0;
  const w = new Array<number>(d).fill(0);
  const grad = new Array<number>(d);
  for (let step = 0; step < opts.steps; step++) {
    grad.fill(0);
    for (let i = 0; i < x.length; i++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += w[j] * x[i][j];
      const err = 1 / (1 + Math.exp(-z)) - y[i];
      for (let j = 0; j < d; j++) grad[j] += err * x[i][j];
    }
    for (let j = 0; j < d; j++) w[j] -= opts.rate * (grad[j] / x.length + (j === d - 1 ? 0 : opts.l2 * w[j]));
  }
  return w.map((v) => Math.round(v * 1e6) / 1e6);
}
