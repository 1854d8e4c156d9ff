import { expect } from 'chai';
import { DEFAULT_SCORE_TOLERANCE, shownChanged, shownValues } from '../../sync-server/src/writeback/change-filter.js';
import { recommendationPayload } from '../../sync-server/src/writeback/payloads.js';
import type { Recommendation } from '../../sync-server/src/domain/types.js';

const rec = (over: Partial<Recommendation> = {}): Recommendation => ({
  accountId: '001000000000001AAA', productId: '01t000000000001AAA', kind: 'Cross-sell', rank: 2, score: 0.5, confidence: 'High',
  reason: 'bought together', evidence: { lift: 2 }, expectedRevenue: 100, opportunityId: null, ...over,
});
const R = 'Product_Recommendation__c';
const shown = (r: Recommendation, extra: Record<string, unknown> = {}): string | null => shownValues(R, { ...recommendationPayload(r), ...extra });

describe('sync: which recommendation changes are written', () => {
  it('skips score moves within the tolerance and explanation-only changes', () => {
    const last = shown(rec());
    expect(shownChanged(R, last, shown(rec({ score: 0.5 + DEFAULT_SCORE_TOLERANCE * 0.9 })))).to.equal(false);
    expect(shownChanged(R, last, shown(rec({ score: 0.5 - DEFAULT_SCORE_TOLERANCE * 0.9 })))).to.equal(false);
    expect(shownChanged(R, last, shown(rec({ reason: 'bought again', evidence: { lift: 3 }, expectedRevenue: 120 })))).to.equal(false);
  });

  it('writes rank, confidence, status and larger score changes, and anything against an old ledger entry', () => {
    const last = shown(rec());
    expect(shownChanged(R, last, shown(rec({ score: 0.5 + DEFAULT_SCORE_TOLERANCE * 1.5 })))).to.equal(true);
    expect(shownChanged(R, last, shown(rec({ rank: 3 })))).to.equal(true);
    expect(shownChanged(R, last, shown(rec({ confidence: 'Medium' })))).to.equal(true);
    expect(shownChanged(R, last, shownValues(R, { External_Id__c: 'x', Status__c: 'Expired' }))).to.equal(true);
    expect(shownChanged(R, shownValues(R, { External_Id__c: 'x', Status__c: 'Expired' }), shown(rec(), { Status__c: 'New' }))).to.equal(true);
    expect(shownChanged(R, null, shown(rec()))).to.equal(true);
    // A tolerance of 0 writes every score move.
    expect(shownChanged(R, last, shown(rec({ score: 0.5001 })), 0)).to.equal(true);
  });

  it('compares a status only when the new payload sets one (updates leave the rep\'s status alone)', () => {
    expect(shownChanged(R, shown(rec(), { Status__c: 'New', Account__c: '001000000000001AAA' }), shown(rec()))).to.equal(false);
  });
});
