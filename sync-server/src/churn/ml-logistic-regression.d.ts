// ml-logistic-regression ships no types; this declares the part Reco uses.
declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';
  export default class LogisticRegression {
    public constructor(options?: { numSteps?: number; learningRate?: number });
    public classifiers: { weights: Matrix }[];
    public train(X: Matrix, Y: Matrix): void;
  }
}
