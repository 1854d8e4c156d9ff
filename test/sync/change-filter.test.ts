import { expect } from 'chai';
import { DEFAULT_SCORE_TOLERANCE, shownChanged, shownValues } from '../../sync-server/src/writeback/change-filter.js';
import { insightPayload, recommendationPayload } from '../../sync-server/src/writeback/payloads.js';
import type { AccountInsight, InsightText, Recommendation } from '../../sync-server/src/domain/types.js';

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

describe('sync: which account insight changes are written', () => {
  const I = 'Account_Insight__c';
  const text = (over: Partial<InsightText> = {}): InsightText => ({
    sentimentScore: -0.4, sentimentTrend: -0.2, negativeCases30: 1, negativeCases90: 2, openCaseAgeDays: 5,
    topThemes: 'card arrive ×2', excerpt: 'Still waiting for my card', ...over,
  });
  const insight = (t: InsightText | null): AccountInsight => ({
    accountId: '001000000000001AAA', segmentKey: null, previousSegmentKey: null, segmentChangedOn: null, lifecycleStage: 'Active',
    recencyDays: 10, frequency: 3, monetary: 100, averageOrderValue: 50, engagementScore: 40, churnRisk: 0.2, holdout: false, signals: {}, text: t,
  });
  const shownInsight = (t: InsightText | null) => shownValues(I, insightPayload(insight(t), new Map()));

  it('writes a change of what customers say even when nothing else moved', () => {
    const last = shownInsight(text());
    expect(shownChanged(I, last, shownInsight(text()))).to.equal(false);
    expect(shownChanged(I, last, shownInsight(text({ excerpt: null })))).to.equal(true);
    expect(shownChanged(I, last, shownInsight(text({ topThemes: 'card arrive ×2; refund ×1' })))).to.equal(true);
    expect(shownChanged(I, last, shownInsight(text({ negativeCases30: 2 })))).to.equal(true);
    expect(shownChanged(I, last, shownInsight(text({ sentimentTrend: 0.2 })))).to.equal(true);
    expect(shownChanged(I, last, shownInsight(null))).to.equal(true);
    // Sentiment moves within the score tolerance are not worth a write.
    expect(shownChanged(I, last, shownInsight(text({ sentimentScore: -0.4 + DEFAULT_SCORE_TOLERANCE * 0.5 })))).to.equal(false);
  });
});
