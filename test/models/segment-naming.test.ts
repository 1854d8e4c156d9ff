// Segment descriptions are read by admins and reps, so they must read as plain English.
import { expect } from 'chai';
import { describeSegment } from '@reco/sync-server/segments/segment-naming.js';

const profile = { recencyDays: 147.6, frequency: 1, monetary: 356.98, tenureDays: 267, averageOrderValue: 1240.4 };

describe('segment descriptions', () => {
  it('says once, twice and N times, with money in the org currency and whole days', () => {
    expect(describeSegment({ ...profile, orders365: 1 }, '£')).to.equal('ordered once in 365 days, average £1,240, last order 148 days ago');
    expect(describeSegment({ ...profile, orders365: 2.2 }, '$')).to.equal('ordered twice in 365 days, average $1,240, last order 148 days ago');
    expect(describeSegment({ ...profile, orders365: 9 }, '£')).to.match(/^ordered 9 times in 365 days/);
  });
});
