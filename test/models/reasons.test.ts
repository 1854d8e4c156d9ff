// Reasons are what a rep checks in the org: the wording must match what the figures count.
import { expect } from 'chai';
import { buyAgainReason, contentReason, crossSellReason, withChance } from '@reco/sync-server/recommend/reasons.js';

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

  it('says why when Confidence is below what the chance supports, and says nothing when they agree', () => {
    type R = Parameters<typeof buyAgainReason>[0];
    // The demo's row: a 58% re-order chance beside Low confidence, from a single earlier order.
    const once = withChance(buyAgainReason({ orders: 1, intervalDays: null, daysSinceLast: 20, due: 0 } as R), 0.583);
    expect(once.confidence).to.equal('Low');
    expect(once.reason).to.equal('ordered once; last order 20 days ago; about 58% chance of an order in the next 3 months; Low confidence: a single earlier order of it to go by');
    expect(once.evidence).to.include({ chance: 0.583, evidenceStrength: 'Low', confidenceLimitedBy: 'a single earlier order of it to go by' });
    const twice = withChance(buyAgainReason({ orders: 3, intervalDays: 30, daysSinceLast: 20, due: 0.6 } as R), 0.62);
    expect(twice.confidence).to.equal('Medium');
    expect(twice.reason).to.match(/Medium confidence: only 3 earlier orders of it to go by$/);
    const coPurchase = withChance(crossSellReason('LUNCH BAG', { both: 2, anchorBuyers: 9 }, { segment: null, buyers: 5 }), 0.3);
    expect(coPurchase.reason).to.match(/about 30% chance .*; Low confidence: only 2 accounts bought it with LUNCH BAG$/);
    const fresh = withChance({ ...contentReason('TEA SET', 'Kitchen', null), confidence: 'Low' as const }, 0.25);
    expect(fresh.reason).to.match(/Low confidence: a new product with no sales yet$/);
    // Agreeing: strong evidence and a high chance, or a low chance whatever the evidence.
    const often = withChance(buyAgainReason({ orders: 6, intervalDays: 40, daysSinceLast: 38, due: 0.9 } as R), 0.7);
    expect(often.confidence).to.equal('High');
    expect(often.reason).to.not.match(/confidence:/);
    const unlikely = withChance(buyAgainReason({ orders: 6, intervalDays: 40, daysSinceLast: 200, due: 0 } as R), 0.06);
    expect(unlikely.confidence).to.equal('Low');
    expect(unlikely.reason).to.not.match(/confidence:/);
    expect(unlikely.evidence).to.not.have.property('confidenceLimitedBy');
  });

  it('in the segment-popularity tier, says the org has too little history to check the chance', () => {
    const r = withChance(crossSellReason(null, null, { segment: 'Loyal', buyers: 40 }), 0.55, { tier: 'segment-popularity', reason: 'too few accounts', evidence: { validationAccounts: 12, popularityNdcg: null, coPurchaseNdcg: null, rankerKept: false } });
    expect(r.confidence).to.equal('Low');
    expect(r.reason).to.match(/; Low confidence: this org has too little order history to check the chance; basic list/);
  });

  it('where segment popularity beat co-purchase on the data, says so and keeps the evidence\'s confidence', () => {
    type R = Parameters<typeof buyAgainReason>[0];
    const tier = { tier: 'segment-popularity' as const, reason: 'co-purchase lost', evidence: { validationAccounts: 300, popularityNdcg: 0.096, coPurchaseNdcg: 0.094, rankerKept: false } };
    const r = withChance(buyAgainReason({ orders: 5, intervalDays: 82, daysSinceLast: 42, due: 0.888 } as R), 0.583, tier);
    expect(r.confidence).to.equal('High');
    expect(r.reason).to.not.match(/too little order history/);
    expect(r.reason).to.match(/about 58% chance .*; from what similar accounts buy most, which beat co-purchase patterns on this org$/);
    const thin = withChance(buyAgainReason({ orders: 1, intervalDays: null, daysSinceLast: 42, due: 0.5 } as R), 0.55, tier);
    expect(thin.reason).to.match(/Low confidence: a single earlier order of it to go by/);
  });
});
