import { expect } from 'chai';
import { Matrix, inverse } from 'ml-matrix';
import { mulberry32 } from '../../sync-server/src/lib/random.js';
import { ease } from '../../sync-server/src/evaluate/baselines.js';
import { buildUserItems, type PurchaseLog } from '../../sync-server/src/recommend/purchase-log.js';

describe('models: EASE reference baseline', () => {
  it('ranks exactly as the closed form computed with a library inverse', () => {
    const rnd = mulberry32(21);
    const nUsers = 60;
    const nItems = 25;
    const user: number[] = [];
    const item: number[] = [];
    for (let u = 0; u < nUsers; u++) {
      const taste = u % 3;
      for (let k = 0; k < 6; k++) {
        user.push(u);
        item.push(rnd() < 0.7 ? taste * 8 + Math.floor(rnd() * 8) : Math.floor(rnd() * nItems));
      }
    }
    const n = user.length;
    const log: PurchaseLog = {
      nUsers,
      nItems,
      user: Int32Array.from(user),
      item: Int32Array.from(item),
      day: new Int32Array(n),
      order: Int32Array.from(user),
      revenue: new Float64Array(n).fill(1),
    };
    const ui = buildUserItems(log);
    const lambda = 5;
    // Reference: dense X, P = (X^T X + lambda I)^-1, B = I - P / diag(P) column-wise, scores x_u B.
    const bought = new Set<number>(ui.items);
    const cols = [...bought].sort((a, b) => a - b);
    const X = new Matrix(nUsers, cols.length);
    for (let u = 0; u < nUsers; u++) for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) X.set(u, cols.indexOf(ui.items[e]), 1);
    const G = X.transpose().mmul(X);
    for (let i = 0; i < cols.length; i++) G.set(i, i, G.get(i, i) + lambda);
    const P = inverse(G);
    const B = new Matrix(cols.length, cols.length);
    for (let i = 0; i < cols.length; i++) for (let j = 0; j < cols.length; j++) B.set(i, j, i === j ? 0 : -P.get(i, j) / P.get(j, j));
    const S = X.mmul(B);
    const rank = ease(ui, lambda).crossSell;
    for (let u = 0; u < nUsers; u++) {
      const own = new Set(ui.items.subarray(ui.ptr[u], ui.ptr[u + 1]));
      const expected = cols
        .filter((c) => !own.has(c))
        .map((c) => ({ c, s: S.get(u, cols.indexOf(c)) }))
        .sort((a, b) => b.s - a.s || a.c - b.c)
        .slice(0, 5);
      const got = rank(u, 5);
      // Same items in the same order, up to floating-point near-ties.
      got.forEach((c, r) => expect(Math.abs(S.get(u, cols.indexOf(c)) - expected[r].s)).to.be.lessThan(1e-9));
    }
  });
});
