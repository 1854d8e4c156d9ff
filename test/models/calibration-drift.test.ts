import { expect } from 'chai';
import { applyDrift, fitDrift } from '../../sync-server/src/recommend/calibration-drift.js';
import { reliabilityTable } from '../../sync-server/src/recommend/next-best.js';
import { mulberry32 } from '../../sync-server/src/models/random.js';

const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Chances spread like the next-best top 10's (many small, a few large), and outcomes from `truth(p)`. */
function sample(n: number, seed: number, truth: (p: number) => number): { p: number[]; y: number[] } {
  const rnd = mulberry32(seed);
  const p: number[] = [];
  const y: number[] = [];
  for (let k = 0; k < n; k++) {
    const q = sigmoid(-3 + 4 * rnd() ** 1.5);
    p.push(q);
    y.push(rnd() < truth(q) ? 1 : 0);
  }
  return { p, y };
}

const maxGap = (p: number[], y: number[]) => Math.max(...reliabilityTable(p, y).map((r) => Math.abs(r.meanPredicted - r.observed)));

describe('models: calibration drift measured on a held-out cutoff', () => {
  it('leaves a calibration that held up alone (slope near 1, intercept near 0)', () => {
    const { p, y } = sample(20_000, 1, (q) => q);
    const d = fitDrift(p, y)!;
    expect(d.slope).to.be.closeTo(1, 0.1);
    expect(d.intercept).to.be.closeTo(0, 0.1);
    for (const q of [0.02, 0.2, 0.6]) expect(applyDrift(d, q)).to.be.closeTo(q, 0.02);
  });

  it('learns an over-promise on one window and removes it from the next, decile by decile', () => {
    // The top chances came true less often one window later (regression to the mean).
    const drifted = (q: number) => sigmoid(0.75 * logit(q) - 0.25);
    const heldOut = sample(20_000, 2, drifted);
    const d = fitDrift(heldOut.p, heldOut.y)!;
    expect(d.slope).to.be.below(0.9);
    const next = sample(20_000, 3, drifted);
    const before = maxGap(next.p, next.y);
    const after = maxGap(next.p.map((q) => applyDrift(d, q)), next.y);
    expect(before).to.be.above(0.08);
    expect(after).to.be.below(0.05);
  });

  it('says nothing from a window too small to tell, and pulls a small one toward no change', () => {
    const tiny = sample(300, 4, (q) => sigmoid(0.5 * logit(q)));
    expect(fitDrift(tiny.p, tiny.y)).to.equal(null);
    const small = sample(800, 5, (q) => sigmoid(0.5 * logit(q)));
    const large = sample(40_000, 5, (q) => sigmoid(0.5 * logit(q)));
    const ds = fitDrift(small.p, small.y)!;
    const dl = fitDrift(large.p, large.y)!;
    expect(Math.abs(ds.slope - 1)).to.be.below(Math.abs(dl.slope - 1));
    expect(applyDrift(undefined, 0.37)).to.equal(0.37);
  });
});
