// Small L2-regularised logistic regression (Newton's method on standardised features): deterministic, a few
// iterations for the handful of features the next-best calibration uses. Plain numbers in and out, so a fitted
// model is stored as JSON with the other tuned settings.

export type LogisticModel = { mean: number[]; scale: number[]; weights: number[]; bias: number };

export function logisticProbability(m: LogisticModel, x: ArrayLike<number>, offset = 0): number {
  let z = m.bias;
  for (let k = 0; k < m.weights.length; k++) z += (m.weights[k] * (x[offset + k] - m.mean[k])) / m.scale[k];
  return 1 / (1 + Math.exp(-z));
}

function solve(a: Float64Array, b: Float64Array, n: number): Float64Array | null {
  // Gaussian elimination with partial pivoting on an (n x n) system; n is at most ~10 here.
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
    if (Math.abs(m[p * n + c]) < 1e-12) return null;
    if (p !== c) {
      for (let k = 0; k < n; k++) [m[c * n + k], m[p * n + k]] = [m[p * n + k], m[c * n + k]];
      [x[c], x[p]] = [x[p], x[c]];
    }
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c] / m[c * n + c];
      if (f === 0) continue;
      for (let k = c; k < n; k++) m[r * n + k] -= f * m[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    let s = x[c];
    for (let k = c + 1; k < n; k++) s -= m[c * n + k] * x[k];
    x[c] = s / m[c * n + c];
  }
  return x;
}

/**
 * Fits P(y = 1 | x) on rows of `d` features (x row-major). Null without both outcomes: a probability
 * cannot be learned from one class. lambda is the L2 penalty on the standardised weights (not the bias).
 */
export function fitLogistic(x: Float64Array, y: Uint8Array, d: number, lambda = 1): LogisticModel | null {
  const n = y.length;
  let pos = 0;
  for (let k = 0; k < n; k++) pos += y[k];
  if (n === 0 || pos === 0 || pos === n) return null;
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  for (let r = 0; r < n; r++) for (let k = 0; k < d; k++) mean[k] += x[r * d + k] / n;
  for (let r = 0; r < n; r++) for (let k = 0; k < d; k++) scale[k] += (x[r * d + k] - mean[k]) ** 2 / n;
  for (let k = 0; k < d; k++) scale[k] = Math.sqrt(scale[k]) || 1;
  const p1 = d + 1; // weights, then the bias
  const w = new Float64Array(p1);
  w[d] = Math.log(pos / (n - pos));
  const z = new Float64Array(p1);
  z[d] = 1;
  for (let it = 0; it < 50; it++) {
    const g = new Float64Array(p1);
    const h = new Float64Array(p1 * p1);
    for (let r = 0; r < n; r++) {
      let s = w[d];
      for (let k = 0; k < d; k++) {
        z[k] = (x[r * d + k] - mean[k]) / scale[k];
        s += w[k] * z[k];
      }
      const p = 1 / (1 + Math.exp(-s));
      const e = p - y[r];
      const v = Math.max(p * (1 - p), 1e-12);
      for (let a = 0; a < p1; a++) {
        g[a] += e * z[a];
        for (let b = 0; b <= a; b++) h[a * p1 + b] += v * z[a] * z[b];
      }
    }
    for (let a = 0; a < p1; a++) for (let b = 0; b < a; b++) h[b * p1 + a] = h[a * p1 + b];
    for (let k = 0; k < d; k++) {
      g[k] += lambda * w[k];
      h[k * p1 + k] += lambda;
    }
    const step = solve(h, g, p1);
    if (!step) break;
    let moved = 0;
    for (let a = 0; a < p1; a++) {
      w[a] -= step[a];
      moved += Math.abs(step[a]);
    }
    if (moved < 1e-9) break;
  }
  return { mean, scale, weights: Array.from(w.subarray(0, d)), bias: w[d] };
}
