// What the Reco components read, in one place, so the wires, the jest fixtures and the preview server agree.
const rec = (field) => `Product_Recommendation__c.${field}`;
const ins = (field) => `Account_Insight__c.${field}`;
const react = (field) => `Recommendation_Reaction__c.${field}`;

export const RECOMMENDATIONS_LIST = 'Product_Recommendations__r';
export const INSIGHTS_LIST = 'Account_Insights__r';
// A rep accepts or dismisses by creating a reaction (read access to the Account is enough), never by editing
// the recommendation: Reco copies the newest reaction onto the recommendation's status at the next sync.
export const REACTION_OBJECT = 'Recommendation_Reaction__c';
export const REACTIONS_LIST = 'Recommendation_Reactions__r';
export const REACTION_FIELDS = ['Recommendation__c', 'Reaction__c', 'Dismiss_Reason__c', 'CreatedDate'].map(react);
// Newest first, so a page holds every recommendation's latest reaction even on an account with a long history.
export const REACTION_SORT = [`-${react('CreatedDate')}`];
export const KIND = { CROSS_SELL: 'Cross-sell', BUY_AGAIN: 'Buy again' };
export const STATUS = { NEW: 'New', ACCEPTED: 'Accepted', DISMISSED: 'Dismissed' };
export const OPEN_STATUSES = [STATUS.NEW, STATUS.ACCEPTED];
// The values of the restricted picklist Dismiss_Reason__c; a jest test compares them with the field's metadata.
export const DISMISS_REASONS = ['Not relevant', 'Already owns it', 'Bought elsewhere', 'Too expensive', 'Bad timing', 'Other'];

export const RECOMMENDATION_FIELDS = [
    'Product__c', 'Product__r.Name', 'Kind__c', 'Rank__c', 'Next_Best_Rank__c', 'Score__c', 'Confidence__c',
    'Reason__c', 'Evidence__c', 'Status__c', 'Expected_Revenue__c'
].map(rec);
export const RECOMMENDATION_SORT = [rec('Rank__c')];
// getRelatedListRecords takes its filter in GraphQL syntax.
export const OPEN_FILTER = `{ Status__c: { in: ["${OPEN_STATUSES.join('", "')}"] } }`;

export const HOLDOUT_FIELD = ins('Holdout__c');
export const INSIGHT_FIELDS = [
    'Segment__r.Name', 'Segment__r.Description__c', 'Previous_Segment__r.Name', 'Segment_Changed_On__c',
    'Lifecycle_Stage__c', 'Recency_Days__c', 'Frequency__c', 'Monetary__c', 'Average_Order_Value__c',
    'Engagement_Score__c', 'Churn_Risk__c', 'Holdout__c',
    'Sentiment_Score__c', 'Sentiment_Trend__c', 'Negative_Cases_30__c', 'Negative_Cases_90__c', 'Top_Themes__c', 'Text_Excerpt__c'
].map(ins);

/** Value of a (possibly spanning) field of a UI API record: valueOf(record, 'Product__r.Name'). */
export function valueOf(record, path) {
    let current = record;
    for (const name of path.split('.')) {
        const field = current && current.fields ? current.fields[name] : undefined;
        if (!field) {
            return undefined;
        }
        current = field.value;
    }
    return current === null ? undefined : current;
}

/** The plain view of one Product_Recommendation__c record that c-reco-row renders. */
export function toRecommendation(record, statusOverride) {
    const status = statusOverride || valueOf(record, 'Status__c') || STATUS.NEW;
    return {
        id: record.id,
        productName: valueOf(record, 'Product__r.Name') || 'Unnamed product',
        kind: valueOf(record, 'Kind__c'),
        rank: valueOf(record, 'Rank__c'),
        nextBestRank: valueOf(record, 'Next_Best_Rank__c'),
        score: Number(valueOf(record, 'Score__c') || 0),
        confidence: valueOf(record, 'Confidence__c'),
        reason: valueOf(record, 'Reason__c'),
        evidence: valueOf(record, 'Evidence__c'),
        expectedRevenue: valueOf(record, 'Expected_Revenue__c'),
        productId: valueOf(record, 'Product__c'),
        status,
        accepted: status === STATUS.ACCEPTED
    };
}

/**
 * The account's one next-best list: rows in Next_Best_Rank__c order (Reco merged the kinds by their chance of
 * being bought next). Records written before that field existed follow, re-orders first and each kind in its
 * own rank order, which is how Reco merges when it cannot compare the kinds' chances.
 */
export function nextBestOrder(rows) {
    const key = (row) => [
        row.nextBestRank === undefined || row.nextBestRank === null ? 1 : 0,
        row.nextBestRank || 0,
        row.kind === KIND.BUY_AGAIN ? 0 : 1,
        row.rank || 0
    ];
    return [...rows].sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        for (let i = 0; i < ka.length; i++) {
            if (ka[i] !== kb[i]) {
                return ka[i] - kb[i];
            }
        }
        return 0;
    });
}

/** True when the account's insight puts it in the holdout group. */
export function isHoldout(insightRecords) {
    return (insightRecords || []).some((record) => valueOf(record, 'Holdout__c') === true);
}

/**
 * The rep's newest reaction per recommendation id ({ status, reason }), from Recommendation_Reaction__c
 * records in any order: newest by CreatedDate, then by id (ids grow with creation).
 */
export function latestReactions(reactionRecords) {
    const latest = new Map();
    for (const record of reactionRecords || []) {
        const recommendationId = valueOf(record, 'Recommendation__c');
        const status = valueOf(record, 'Reaction__c');
        if (!recommendationId || (status !== STATUS.ACCEPTED && status !== STATUS.DISMISSED)) {
            continue;
        }
        const createdDate = valueOf(record, 'CreatedDate') || '';
        const had = latest.get(recommendationId);
        if (!had || createdDate > had.createdDate || (createdDate === had.createdDate && record.id > had.id)) {
            latest.set(recommendationId, { id: record.id, createdDate, status, reason: valueOf(record, 'Dismiss_Reason__c') });
        }
    }
    return latest;
}

/** The createRecord input of a reaction to `recommendation` (a toRecommendation view) on `accountId`. */
export function reactionInput(recommendation, accountId, status, reason) {
    const fields = {
        Recommendation__c: recommendation.id,
        Account__c: accountId,
        Product__c: recommendation.productId,
        Reaction__c: status
    };
    if (status === STATUS.DISMISSED) {
        fields.Dismiss_Reason__c = reason;
    }
    return { apiName: REACTION_OBJECT, fields };
}
