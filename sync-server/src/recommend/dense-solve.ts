// The small dense linear solve each Newton step of the listwise fit (the cross-sell ranker and the re-order
// model) takes: a handful of features, so plain elimination beats pulling in a matrix library's decompositions.
/** Solves A x = b for a small dense symmetric positive-definite A (Gaussian elimination, partial pivoting). */
export function solveDense(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let c = 0; c < d; c++) {
    let piv = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(m[r * d + c]) > Math.abs(m[piv * d + c])) piv = r;
    if (piv !== c) {
      for (let k = 0; k < d; k++) [m[c * d + k], m[piv * d + k]] = [m[piv * d + k], m[c * d + k]];
      [x[c], x[piv]] = [x[piv], x[c]];
    }
    const p = m[c * d + c] || 1e-12;
    for (let r = c + 1; r < d; r++) {
      const f = m[r * d + c] / p;
      if (f === 0) continue;
      for (let k = c; k < d; k++) m[r * d + k] -= f * m[c * d + k];
      x[r] -= f * x[c];
    }
  }
  for (let c = d - 1; c >= 0; c--) {
    let s = x[c];
    for (let k = c + 1; k < d; k++) s -= m[c * d + k] * x[k];
    x[c] = s / (m[c * d + c] || 1e-12);
  }
  return x;
}
