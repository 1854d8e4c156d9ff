// Reasons are what a rep checks in the org: the wording must match what the figures count.
import { expect } from 'chai';
import { buyAgainReason, crossSellReason } from '@reco/sync-server/recommend/reasons.js';

describe('recommendation reasons', () => {
  it('names the anchor product and both counts for a co-purchase, with confidence from the support', () => {
    const r = crossSellReason('RABBIT NIGHT LIGHT', { both: 18, anchorBuyers: 25 }, { segment: 'Champions', buyers: 300 });
    expect(r.reason).to.equal('bought by 18 of 25 accounts that also buy RABBIT NIGHT LIGHT');
    expect(r.evidence).to.deep.equal({ kind: 'co-purchase', anchor: 'RABBIT NIGHT LIGHT', accountsBuyingBoth: 18, accountsBuyingAnchor: 25 });
    expect(r.confidence).to.equal('High');
    expect(crossSellReason('X', { both: 2, anchorBuyers: 9 }, { segment: null, buyers: 1 }).confidence).to.equal('Low');
  });

  it('falls back to popularity with an all-time buyer count, Low confidence', () => {
    const r = crossSellReason(null, null, { segment: 'Loyal', buyers: 1 });
    expect(r.reason).to.equal('popular with Loyal accounts: bought by 1 account so far');
    expect(r.evidence).to.include({ kind: 'popularity', buyers: 1, window: 'all time' });
    expect(r.confidence).to.equal('Low');
    expect(crossSellReason('Y', { both: 0, anchorBuyers: 4 }, { segment: null, buyers: 40 }).reason).to.equal('popular with accounts like this one: bought by 40 accounts so far');
  });

  it('states the buying rhythm and grades confidence by order count', () => {
    const r = buyAgainReason({ orders: 6, intervalDays: 44.6, daysSinceLast: 52, due: 0.91234 } as Parameters<typeof buyAgainReason>[0]);
    expect(r.reason).to.equal('ordered 6 times, about every 45 days; last order 52 days ago');
    expect(r.evidence).to.include({ due: 0.912 });
    expect(r.confidence).to.equal('High');
    expect(buyAgainReason({ orders: 1, intervalDays: null, daysSinceLast: 3, due: 0 } as Parameters<typeof buyAgainReason>[0]).reason).to.equal('ordered once; last order 3 days ago');
  });
});
