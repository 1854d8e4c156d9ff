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

/** A rep's decision on a recommendation, read back from Product_Recommendation__c. */
export type Feedback = {
  recommendationId: string;
  externalId: string;
  accountId: string;
  productId: string;
  kind: RecommendationKind;
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
};

export type RecommendationKind = 'Cross-sell' | 'Buy again';
export type RecommendationStatus = 'New' | 'Accepted' | 'Dismissed' | 'Converted' | 'Expired';
export type Confidence = 'High' | 'Medium' | 'Low';
export type LifecycleStage = 'New' | 'Active' | 'At risk' | 'Lapsed' | 'Won back';

export type Segment = {
  key: string; // stable, e.g. "champions"
  name: string; // unique, e.g. "Champions"
  description: string; // "ordered 9 times in 90 days, average £1,240"
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
};

export type Recommendation = {
  accountId: string;
  productId: string;
  kind: RecommendationKind;
  rank: number; // 1-based within (account, kind)
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
