// Classification and clustering metrics for the text evaluation.

export function accuracy(truth: readonly string[], pred: readonly string[]): number {
  let ok = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === pred[i]) ok++;
  return truth.length ? ok / truth.length : 0;
}

/** Mean F1 over the classes present in the truth (a class never predicted has F1 0). */
export function macroF1(truth: readonly string[], pred: readonly string[]): number {
  const classes = [...new Set(truth)].sort();
  let sum = 0;
  for (const c of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < truth.length; i++) {
      if (pred[i] === c && truth[i] === c) tp++;
      else if (pred[i] === c) fp++;
      else if (truth[i] === c) fn++;
    }
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return classes.length ? sum / classes.length : 0;
}

/** Normalised mutual information, arithmetic-mean normalisation (scikit-learn's default). */
export function nmi(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  const n = a.length;
  if (n === 0) return 0;
  const count = (xs: readonly (string | number)[]): Map<string | number, number> => {
    const m = new Map<string | number, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
    return m;
  };
  const ca = count(a);
  const cb = count(b);
  const joint = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const k = `${a[i]}\u0000${b[i]}`;
    joint.set(k, (joint.get(k) ?? 0) + 1);
  }
  const entropy = (m: Map<string | number, number>): number => {
    let h = 0;
    for (const c of m.values()) h -= (c / n) * Math.log(c / n);
    return h;
  };
  let mi = 0;
  for (const [k, c] of joint) {
    const [x, y] = k.split('\u0000');
    const pa = ca.get(typeof a[0] === 'number' ? Number(x) : x)! / n;
    const pb = cb.get(typeof b[0] === 'number' ? Number(y) : y)! / n;
    mi += (c / n) * Math.log(c / n / (pa * pb));
  }
  const ha = entropy(ca);
  const hb = entropy(cb);
  if (ha === 0 && hb === 0) return 1;
  const denom = (ha + hb) / 2;
  return denom === 0 ? 0 : Math.max(0, Math.min(1, mi / denom));
}
