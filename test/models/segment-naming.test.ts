// Segment descriptions are read by admins and reps, so they must read as plain English.
import { expect } from 'chai';
import { describeSegment, money } from '@reco/sync-server/segments/segment-naming.js';

const profile = { recencyDays: 147.6, frequency: 1, monetary: 356.98, tenureDays: 267, averageOrderValue: 1240.4 };

describe('segment descriptions', () => {
  it("words the profile as the segment's, with money in the org's currency and whole days", () => {
    expect(describeSegment({ ...profile, orders365: 1 }, 'GBP')).to.equal(
      'accounts in this segment typically order about once a year, £1,240 an order, last ordering about 148 days ago',
    );
    expect(describeSegment({ ...profile, orders365: 2.2 }, 'USD')).to.equal(
      'accounts in this segment typically order about twice a year, $1,240 an order, last ordering about 148 days ago',
    );
    expect(describeSegment({ ...profile, orders365: 9 }, 'EUR')).to.match(/^accounts in this segment typically order about 9 times a year, €1,240 an order/);
  });

  it('never guesses a currency symbol when the org currency is unknown', () => {
    expect(describeSegment({ ...profile, orders365: 1 }, null)).to.contain(', 1,240 an order,');
    expect(money(1240.4, null)).to.equal('1,240');
    expect(money(99.6, 'JPY')).to.equal('¥100');
  });
});
