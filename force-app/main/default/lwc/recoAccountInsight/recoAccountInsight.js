import { LightningElement, api, wire } from 'lwc';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import { INSIGHTS_LIST, INSIGHT_FIELDS, valueOf } from 'c/recoRecords';

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
            churnRisk: churnRisk === undefined ? undefined : churnRisk / 100
        };
    }

    get isEmpty() {
        return !this.isLoading && !this.errors && !this.insight;
    }
}
