// Which changes are worth a write. A Full run re-tunes the models, and re-tuning nudges almost every score by
// a fraction of a percent: rewriting every record for that costs API calls, buries reps' list views in
// "modified today", and changes nothing a rep sees. A record is rewritten when a value it shows changed: its
// rank, product, kind, confidence, linked opportunity or status, or its score by more than the tolerance.
// Explanatory text (reason, evidence) and expected revenue follow a shown change; they do not cause one.

/**
 * Largest score movement that is not written (absolute, scores are 0..1). The record page shows a score as a
 * whole percentage and orders by rank, which is compared exactly, so a move under 2 points changes at most
 * the last digit of what a rep reads; anything bigger is written.
 */
export const DEFAULT_SCORE_TOLERANCE = 0.02;

type Shown = Record<string, unknown>;

/** Per object: fields compared exactly, and numeric fields compared within a tolerance (in 0..1 units). */
const SHOWN: Record<string, { exact: string[]; scaled?: Record<string, number>; relative?: string[] }> = {
  Product_Recommendation__c: { exact: ['Product__c', 'Kind__c', 'Rank__c', 'Next_Best_Rank__c', 'Confidence__c', 'Opportunity__c', 'Status__c', 'Account__c'], scaled: { Score__c: 1 } },
  Customer_Segment__c: { exact: ['Name', 'Description__c', 'Account_Count__c', 'Active__c'] },
  Account_Insight__c: {
    exact: [
      'Segment__c', 'Previous_Segment__c', 'Segment_Changed_On__c', 'Lifecycle_Stage__c', 'Recency_Days__c', 'Frequency__c', 'Holdout__c', 'Account__c',
      // What customers say, as the record page shows it: a new theme, count or excerpt (or an excerpt removed
      // because the operator turned excerpts off) must reach the org even when nothing else moved.
      'Negative_Cases_30__c', 'Negative_Cases_90__c', 'Open_Case_Age_Days__c', 'Top_Themes__c', 'Text_Excerpt__c',
    ],
    // 0..100 scores: the tolerance in points is 100 times the 0..1 tolerance; sentiment is on -1..1.
    scaled: { Engagement_Score__c: 100, Churn_Risk__c: 100, Sentiment_Score__c: 1, Sentiment_Trend__c: 1 },
    relative: ['Monetary__c', 'Average_Order_Value__c'],
  },
};

/** What a payload shows, as stored in the ledger beside its hash (null for objects without a filter). */
export function shownValues(object: string, payload: Record<string, unknown>): string | null {
  const spec = SHOWN[object];
  if (!spec) return null;
  const out: Shown = {};
  for (const f of [...spec.exact, ...Object.keys(spec.scaled ?? {}), ...(spec.relative ?? [])]) if (payload[f] !== undefined) out[f] = payload[f];
  return JSON.stringify(out);
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Does `next` show something `last` (what the ledger says was written) did not? Only fields the new payload
 * carries are compared: a status is sent on creation, expiry and revival only, and its absence means "leave
 * it". Without a stored `last` (a ledger from before the filter) every hash change counts.
 */
export function shownChanged(object: string, last: string | null, next: string | null, tolerance = DEFAULT_SCORE_TOLERANCE): boolean {
  const spec = SHOWN[object];
  if (!spec || last === null || next === null) return true;
  const a = JSON.parse(last) as Shown;
  const b = JSON.parse(next) as Shown;
  for (const f of spec.exact) if (f in b && (a[f] ?? null) !== (b[f] ?? null)) return true;
  for (const [f, scale] of Object.entries(spec.scaled ?? {})) {
    if (!(f in b)) continue;
    const x = num(a[f]);
    const y = num(b[f]);
    if (x === null || y === null ? x !== y : Math.abs(x - y) > tolerance * scale + 1e-9) return true;
  }
  for (const f of spec.relative ?? []) {
    if (!(f in b)) continue;
    const x = num(a[f]);
    const y = num(b[f]);
    if (x === null || y === null ? x !== y : Math.abs(x - y) > tolerance * Math.max(Math.abs(x), Math.abs(y)) + 1e-9) return true;
  }
  return false;
}
