import { expect } from 'chai';
import { coverageAt, hitRateAt, ndcgAt, precisionAt, recallAt, report } from '../../sync-server/src/recommend/ranking-metrics.js';
import { adjustedRandIndex } from '../../sync-server/src/segments/cluster-quality.js';
import { auc } from '../../sync-server/src/churn/auc.js';
import { addMonths } from '../../sync-server/src/recommend/calendar.js';
import { dayNumber, dayToIso } from '../../sync-server/src/recommend/purchase-log.js';

describe('models: ranking metrics (hand-computed)', () => {
  const ranked = [5, 1, 9, 3];
  const rel = new Set([1, 3, 7]);

  it('precision, recall and hit rate count hits in the top k', () => {
    expect(precisionAt(ranked, rel, 10)).to.equal(0.2);
    expect(recallAt(ranked, rel, 10)).to.be.closeTo(2 / 3, 1e-12);
    expect(recallAt(ranked, rel, 2)).to.be.closeTo(1 / 3, 1e-12);
    expect(hitRateAt(ranked, rel, 1)).to.equal(0);
    expect(hitRateAt(ranked, rel, 2)).to.equal(1);
  });

  it('NDCG uses binary gains, log2 discounts and an ideal list of min(|rel|, k)', () => {
    const dcg = 1 / Math.log2(3) + 1 / Math.log2(5);
    const idcg = 1 + 1 / Math.log2(3) + 1 / Math.log2(4);
    expect(ndcgAt(ranked, rel, 10)).to.be.closeTo(dcg / idcg, 1e-12);
    expect(ndcgAt([1, 3, 7], rel, 10)).to.be.closeTo(1, 1e-12);
    expect(ndcgAt([], rel, 10)).to.equal(0);
  });

  it('coverage is the share of the catalogue in any top k; report averages over evaluated users only', () => {
    expect(coverageAt([[1, 2], [2, 3]], 10, 10)).to.equal(0.3);
    const r = report(new Map([[0, [1]], [1, [9]], [2, [4]]]), new Map([[0, new Set([1])], [1, new Set([2])]]), 4);
    expect(r.users).to.equal(2);
    expect(r['hitRate@10']).to.equal(0.5);
    expect(r['coverage@10']).to.equal(0.5);
  });
});

describe('models: AUC, ARI and calendar arithmetic', () => {
  it('AUC counts correctly ordered pairs, ties as half', () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).to.equal(0.75);
    expect(auc([1, 1], [0, 1])).to.equal(0.5);
  });

  it('ARI is 1 for the same partition under relabelling and about 0 for unrelated ones', () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2, 2], [2, 2, 0, 0, 1, 1])).to.equal(1);
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).to.be.below(0);
  });

  it('subtracts calendar months, clamping to the month end', () => {
    expect(dayToIso(addMonths(dayNumber('2011-12-09'), -3))).to.equal('2011-09-09');
    expect(dayToIso(addMonths(dayNumber('2011-05-31'), -3))).to.equal('2011-02-28');
  });
});
