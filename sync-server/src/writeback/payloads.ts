// ModelOutput -> sObject payloads for Reco's objects. Pure functions; the write-back decides which fields a
// given record may carry (create-only master-detail fields, Status__c rules).
import type { AccountInsight, Recommendation, Segment } from '../domain/types.js';
import { insightExternalId, recommendationExternalId } from '../mirror/results.js';

const round = (v: number | null | undefined, digits: number): number | null =>
  v === null || v === undefined || !Number.isFinite(v) ? null : Math.round(v * 10 ** digits) / 10 ** digits;
const clip = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

export function segmentPayload(s: Segment): Record<string, unknown> {
  return {
    Key__c: s.key,
    Name: clip(s.name, 80),
    Description__c: clip(s.description, 255),
    Account_Count__c: s.accountCount,
    Profile__c: JSON.stringify(s.profile),
    Active__c: true,
  };
}

/** A segment the latest run no longer produces: kept for the insights that still name it, but retired. */
export function retiredSegmentPayload(key: string): Record<string, unknown> {
  return { Key__c: key, Account_Count__c: 0, Active__c: false };
}

export function insightPayload(i: AccountInsight, segmentIds: Map<string, string>): Record<string, unknown> {
  const seg = (key: string | null): string | null => (key ? segmentIds.get(key) ?? null : null);
  return {
    External_Id__c: insightExternalId(i.accountId),
    Segment__c: seg(i.segmentKey),
    Previous_Segment__c: seg(i.previousSegmentKey),
    Segment_Changed_On__c: i.segmentChangedOn,
    Lifecycle_Stage__c: i.lifecycleStage,
    Recency_Days__c: i.recencyDays,
    Frequency__c: i.frequency,
    Monetary__c: round(i.monetary, 2),
    Average_Order_Value__c: round(i.averageOrderValue, 2),
    Engagement_Score__c: round(i.engagementScore, 1),
    Churn_Risk__c: i.churnRisk === null ? null : round(i.churnRisk * 100, 1), // Percent field: 0..100
    Holdout__c: i.holdout,
    Signals__c: JSON.stringify(i.signals),
    Sentiment_Score__c: i.text?.sentimentScore ?? null,
    Sentiment_Trend__c: i.text?.sentimentTrend ?? null,
    Negative_Cases_30__c: i.text?.negativeCases30 ?? null,
    Negative_Cases_90__c: i.text?.negativeCases90 ?? null,
    Open_Case_Age_Days__c: i.text?.openCaseAgeDays ?? null,
    Top_Themes__c: i.text?.topThemes ? clip(i.text.topThemes, 255) : null,
    Text_Excerpt__c: i.text?.excerpt ? clip(i.text.excerpt, 255) : null,
  };
}

export function recommendationPayload(r: Recommendation): Record<string, unknown> {
  return {
    External_Id__c: recommendationExternalId(r),
    Product__c: r.productId,
    Kind__c: r.kind,
    Rank__c: r.rank,
    Next_Best_Rank__c: r.nextBestRank ?? null,
    Score__c: round(r.score, 4),
    Confidence__c: r.confidence,
    Reason__c: clip(r.reason, 255),
    Evidence__c: JSON.stringify(r.evidence),
    Expected_Revenue__c: round(r.expectedRevenue, 2),
    Opportunity__c: r.opportunityId,
  };
}
