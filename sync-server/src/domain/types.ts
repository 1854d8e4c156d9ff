// The data contract of the pipeline: clean records in (from clean/), model results out (to writeback/ and
// http/). Plain data only, so every stage can be tested and benchmarked without an org.

/** Calendar dates are YYYY-MM-DD strings; instants are ISO-8601 UTC strings. */
export type IsoDate = string;
export type IsoDateTime = string;

export type Account = {
  id: string; // Salesforce 18-char id
  name: string;
  country: string | null;
  industry: string | null;
  createdDate: IsoDateTime;
};

export type Product = {
  id: string;
  code: string | null; // ProductCode
  name: string;
  family: string | null;
  description: string | null;
  isActive: boolean;
  listPrice: number | null; // standard price book UnitPrice
};

export type Opportunity = {
  id: string;
  accountId: string;
  name: string;
  stageName: string;
  isWon: boolean;
  isClosed: boolean;
  closeDate: IsoDate;
  amount: number | null;
  createdDate: IsoDateTime;
};

/** A cleaned line of a won, lost or open opportunity. */
export type LineItem = {
  id: string;
  opportunityId: string;
  accountId: string;
  productId: string;
  quantity: number;
  unitPrice: number;
  totalPrice: number;
  closeDate: IsoDate; // the opportunity's close date
  isWon: boolean;
  isClosed: boolean;
};

export type ActivityKind = 'call' | 'email' | 'meeting' | 'other';

export type Activity = {
  id: string;
  accountId: string;
  kind: ActivityKind;
  date: IsoDate;
  source: 'Task' | 'Event';
};

/**
 * A rep's decision on a recommendation: the newest Recommendation_Reaction__c, else a status a rep set on
 * Product_Recommendation__c (see rep-decisions.ts).
 */
export type Feedback = {
  /** The recommendation's Id, or the reaction's when the recommendation record is gone. */
  recommendationId: string;
  externalId: string;
  accountId: string;
  productId: string;
  /** null: a dismissal whose recommendation record is gone (its kind is unknown; it blocks both kinds). */
  kind: RecommendationKind | null;
  status: RecommendationStatus;
  dismissReason: string | null;
};

export type Dataset = {
  asOf: IsoDateTime; // "now" for every time-relative feature
  accounts: Account[];
  products: Product[];
  opportunities: Opportunity[];
  lines: LineItem[];
  activities: Activity[];
  feedback: Feedback[];
  /** Scored customer texts (no bodies), when the org has any: the churn model may use them. */
  texts?: TextEvent[];
  /** The org's corporate currency (ISO 4217, from Organization.DefaultCurrencyIsoCode) when known. */
  currency?: string;
};

export type TextEvent = { accountId: string; date: IsoDateTime; score: number; negativeCase: boolean };

export type RecommendationKind = 'Cross-sell' | 'Buy again';
export type RecommendationStatus = 'New' | 'Accepted' | 'Dismissed' | 'Converted' | 'Expired';
export type Confidence = 'High' | 'Medium' | 'Low';
export type LifecycleStage = 'New' | 'Active' | 'At risk' | 'Lapsed' | 'Won back';

export type Segment = {
  key: string; // stable, e.g. "champions"
  name: string; // unique, e.g. "Champions"
  description: string; // "accounts in this segment typically order about 9 times a year, $1,240 an order, ..."  (org currency)
  accountCount: number;
  profile: Record<string, number>; // centroid in plain units
};

export type AccountInsight = {
  accountId: string;
  segmentKey: string | null;
  previousSegmentKey: string | null;
  segmentChangedOn: IsoDate | null;
  lifecycleStage: LifecycleStage;
  recencyDays: number | null;
  frequency: number;
  monetary: number;
  averageOrderValue: number | null;
  engagementScore: number; // 0..100
  churnRisk: number | null; // 0..1
  holdout: boolean;
  signals: Record<string, number | string | null>;
  /** What the account's customers wrote (text/org-signals.ts); absent when the org has no texts for it. */
  text?: InsightText | null;
};

export type InsightText = {
  sentimentScore: number | null; // mean over the last 90 days, -1..1
  sentimentTrend: number | null; // last 30 days minus days 31-90
  negativeCases30: number;
  negativeCases90: number;
  openCaseAgeDays: number | null;
  topThemes: string; // "card arrive ×2; refund ×1"
  excerpt: string | null; // only where the object's excerpt setting allows
};

export type Recommendation = {
  accountId: string;
  productId: string;
  kind: RecommendationKind;
  rank: number; // 1-based within (account, kind)
  /**
   * 1-based place in the account's one next-best list (both kinds merged as the evaluation merges them):
   * what a rep should act on first. Absent on records from before the merged list existed.
   */
  nextBestRank?: number | null;
  score: number; // 0..1
  confidence: Confidence;
  reason: string; // <= 255 chars, checkable in the org
  evidence: Record<string, unknown>; // serialised to Evidence__c
  expectedRevenue: number | null;
  opportunityId: string | null;
};

export type ModelOutput = {
  asOf: IsoDateTime;
  segments: Segment[];
  insights: AccountInsight[];
  recommendations: Recommendation[];
  /** Holdout accounts' lists: computed and measured like the others, never shown to a rep. */
  shadow?: Recommendation[];
  metrics: Record<string, unknown>; // silhouette, stability, timings, churn AUC ...
};
