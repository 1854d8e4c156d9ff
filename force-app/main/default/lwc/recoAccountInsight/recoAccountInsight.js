import { LightningElement, api, wire } from 'lwc';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import { INSIGHTS_LIST, INSIGHT_FIELDS, valueOf } from 'c/recoRecords';

// A change of sentiment smaller than this (on -1..1) is noise between two months of a few cases.
const TREND_STEP = 0.1;

/** Top_Themes__c is "card arrive ×2; refund ×1": the theme names with their negative-text counts. */
function parseThemes(text) {
    if (!text) {
        return [];
    }
    return text.split('; ').map((part, index) => {
        const match = /^(.*) ×(\d+)$/.exec(part);
        return { key: `theme-${index}`, name: match ? match[1] : part, count: match ? Number(match[2]) : undefined };
    });
}

function trendOf(trend) {
    if (trend === null || trend === undefined) {
        return { label: 'No trend yet', icon: 'utility:dash', variant: '' };
    }
    if (trend <= -TREND_STEP) {
        return { label: 'Getting worse', icon: 'utility:arrowdown', variant: 'error' };
    }
    if (trend >= TREND_STEP) {
        return { label: 'Improving', icon: 'utility:arrowup', variant: 'success' };
    }
    return { label: 'Steady', icon: 'utility:right', variant: '' };
}

export default class RecoAccountInsight extends LightningElement {
    @api recordId;

    @wire(getRelatedListRecords, {
        parentRecordId: '$recordId', relatedListId: INSIGHTS_LIST, fields: INSIGHT_FIELDS, pageSize: 1
    })
    insights;

    get errors() {
        return this.insights && this.insights.error;
    }

    get isLoading() {
        return !this.errors && !(this.insights && this.insights.data);
    }

    get insight() {
        const record = !this.isLoading && !this.errors ? this.insights.data.records[0] : undefined;
        if (!record) {
            return undefined;
        }
        const value = (path) => valueOf(record, path);
        const churnRisk = value('Churn_Risk__c');
        const changedOn = value('Segment_Changed_On__c');
        const sentiment = value('Sentiment_Score__c');
        const themes = parseThemes(value('Top_Themes__c'));
        return {
            segment: value('Segment__r.Name') || 'Unsegmented',
            description: value('Segment__r.Description__c'),
            previousSegment: value('Previous_Segment__r.Name'),
            // A Date field arrives as YYYY-MM-DD; read it as UTC midnight so no time zone moves the day.
            changedOn: changedOn ? Date.parse(`${changedOn}T00:00:00Z`) : undefined,
            lifecycle: value('Lifecycle_Stage__c') || 'Unknown',
            recencyDays: value('Recency_Days__c'),
            frequency: value('Frequency__c'),
            monetary: value('Monetary__c'),
            averageOrderValue: value('Average_Order_Value__c'),
            engagement: value('Engagement_Score__c'),
            // Churn_Risk__c is a Percent field (0-100); lightning-formatted-number's percent style wants 0-1.
            churnRisk: churnRisk === undefined ? undefined : churnRisk / 100,
            hasText: (sentiment !== null && sentiment !== undefined) || themes.length > 0,
            sentiment,
            trend: trendOf(value('Sentiment_Trend__c')),
            negativeCases30: value('Negative_Cases_30__c') || 0,
            negativeCases90: value('Negative_Cases_90__c') || 0,
            themes,
            hasThemes: themes.length > 0,
            excerpt: value('Text_Excerpt__c')
        };
    }

    get isEmpty() {
        return !this.isLoading && !this.errors && !this.insight;
    }
}
