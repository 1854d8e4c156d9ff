// One window's drift of a calibration, measured on a held-out cutoff and carried forward. A calibration learned
// on the validation window is applied to the window after it, and accounts move in between: the products an
// account re-ordered most in one quarter are re-ordered less in the next (regression to the mean, seasons).
// The same step can be watched inside the training period: the calibration learned on the window before the
// validation window, applied to the validation window as the model step would apply it, against what was
// bought there. A logistic recalibration of its chances (slope and intercept on the log-odds, pulled toward
// "no change" by a prior worth PRIOR_ROWS rows) is that one-step drift; it is applied on top of the newest
// calibration. On a stationary book the fit is slope 1, intercept 0 and nothing changes.

/** Log-odds recalibration: p' = sigmoid(slope * logit(p) + intercept). */
export type CalibrationDrift = { slope: number; intercept: number; rows: number };

/** Weight of the prior toward slope 1, intercept 0, in rows: a small window moves the chances little. */
const PRIOR_ROWS = 2000;
/** Fewer rows or positives than this: the held-out window says too little, and no drift is applied. */
const MIN_ROWS = 500;
const MIN_POSITIVES = 30;

const logit = (p: number): number => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
};

export function applyDrift(d: CalibrationDrift | undefined, p: number): number {
  if (!d) return p;
  return 1 / (1 + Math.exp(-(d.slope * logit(p) + d.intercept)));
}

/**
 * Fits the drift from chances predicted one window ahead (`predicted`) and what happened (`observed`, 0/1):
 * Newton's method on the penalised log-likelihood, deterministic. Null when the window is too small to say.
 */
export function fitDrift(predicted: ArrayLike<number>, observed: ArrayLike<number>): CalibrationDrift | null {
  const n = predicted.length;
  let positives = 0;
  for (let k = 0; k < n; k++) positives += observed[k];
  if (n < MIN_ROWS || positives < MIN_POSITIVES || positives === n) return null;
  const z = Float64Array.from({ length: n }, (_, k) => logit(predicted[k]));
  // The prior: a Gaussian on (slope - 1, intercept) whose precision matches PRIOR_ROWS rows at p = 0.5.
  const lambda = PRIOR_ROWS * 0.25;
  let a = 1;
  let b = 0;
  for (let it = 0; it < 50; it++) {
    let ga = -lambda * (a - 1);
    let gb = -lambda * b;
    let haa = lambda;
    let hab = 0;
    let hbb = lambda;
    for (let k = 0; k < n; k++) {
      const p = 1 / (1 + Math.exp(-(a * z[k] + b)));
      const r = observed[k] - p;
      const w = p * (1 - p);
      ga += r * z[k];
      gb += r;
      haa += w * z[k] * z[k];
      hab += w * z[k];
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) return null;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a += da;
    b += db;
    if (Math.abs(da) < 1e-9 && Math.abs(db) < 1e-9) break;
  }
  return Number.isFinite(a) && Number.isFinite(b) ? { slope: Math.round(a * 1e6) / 1e6, intercept: Math.round(b * 1e6) / 1e6, rows: n } : null;
}
