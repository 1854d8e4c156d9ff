import { LightningElement, api, wire } from 'lwc';
import { getRecord, getFieldValue, updateRecord, notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { reduceErrors } from 'c/ldsUtils';
import {
    RECOMMENDATIONS_LIST, INSIGHTS_LIST, RECOMMENDATION_FIELDS, RECOMMENDATION_SORT, OPEN_FILTER, OPEN_STATUSES,
    HOLDOUT_FIELD, KIND, STATUS, toRecommendation, isHoldout
} from 'c/recoRecords';

const OPPORTUNITY_ACCOUNT = 'Opportunity.AccountId';
const isOn = (value) => value !== false && value !== 'false';
const LISTS = [
    { kind: KIND.CROSS_SELL, cssClass: 'cross-sell', emptyMessage: 'No cross-sell recommendations for this account right now.' },
    { kind: KIND.BUY_AGAIN, cssClass: 'buy-again', emptyMessage: 'Nothing is due for a repeat order right now.' }
];

export default class RecoRecommendations extends LightningElement {
    @api recordId;
    @api objectApiName;
    @api rowsPerList = 5;

    // Both lists are on unless App Builder turns one off; a getter/setter pair because a public boolean field
    // may only default to false.
    @api
    get showCrossSell() {
        return this.crossSellOn;
    }
    set showCrossSell(value) {
        this.crossSellOn = isOn(value);
    }

    @api
    get showBuyAgain() {
        return this.buyAgainOn;
    }
    set showBuyAgain(value) {
        this.buyAgainOn = isOn(value);
    }

    crossSellOn = true;
    buyAgainOn = true;

    records;
    loadErrors;
    saveErrors;
    // Optimistic state: rows dismissed and statuses set while the server catches up.
    removedIds = [];
    statusById = {};

    @wire(getRecord, { recordId: '$opportunityId', fields: [OPPORTUNITY_ACCOUNT] })
    opportunity;

    @wire(getRelatedListRecords, {
        parentRecordId: '$accountId', relatedListId: INSIGHTS_LIST, fields: [HOLDOUT_FIELD], pageSize: 1
    })
    insights;

    @wire(getRelatedListRecords, {
        parentRecordId: '$accountId', relatedListId: RECOMMENDATIONS_LIST, fields: RECOMMENDATION_FIELDS,
        where: OPEN_FILTER, sortBy: RECOMMENDATION_SORT, pageSize: 200
    })
    wiredRecommendations({ data, error }) {
        if (data) {
            this.records = data.records;
            this.loadErrors = undefined;
        } else if (error) {
            this.records = undefined;
            this.loadErrors = error;
        }
    }

    // On an Opportunity page the recommendations are its Account's.
    get opportunityId() {
        return this.objectApiName === 'Opportunity' ? this.recordId : undefined;
    }

    get accountId() {
        if (this.objectApiName !== 'Opportunity') {
            return this.recordId;
        }
        const data = this.opportunity && this.opportunity.data;
        return data ? getFieldValue(data, OPPORTUNITY_ACCOUNT) : undefined;
    }

    // An Opportunity without an Account has nobody to recommend to.
    get noAccount() {
        const data = this.opportunity && this.opportunity.data;
        return this.objectApiName === 'Opportunity' && Boolean(data) && !this.accountId;
    }

    get errors() {
        const insightError = this.insights && this.insights.error;
        const opportunityError = this.opportunity && this.opportunity.error;
        return this.loadErrors || insightError || opportunityError;
    }

    get insightsKnown() {
        return Boolean(this.insights && this.insights.data);
    }

    get isLoading() {
        return !this.errors && !this.noAccount && (!this.records || !this.insightsKnown);
    }

    // Holdout accounts must see nothing, so their lift can be measured against the others.
    get isVisible() {
        return this.errors || this.isLoading || this.noAccount || !isHoldout(this.insights.data.records);
    }

    get rows() {
        return (this.records || [])
            .filter((record) => !this.removedIds.includes(record.id))
            .map((record) => toRecommendation(record, this.statusById[record.id]))
            .filter((row) => OPEN_STATUSES.includes(row.status));
    }

    // The lists App Builder switched on, each with its first rowsPerList rows.
    get lists() {
        const limit = Math.max(1, Number(this.rowsPerList) || 5);
        const rows = this.rows;
        return LISTS.filter((list) => (list.kind === KIND.CROSS_SELL ? this.crossSellOn : this.buyAgainOn)).map((list) => ({
            ...list,
            rows: rows.filter((row) => row.kind === list.kind).slice(0, limit)
        }));
    }

    handleAccept(event) {
        return this.save(event.detail.id, { Status__c: STATUS.ACCEPTED }, 'Recommendation accepted');
    }

    handleDismiss(event) {
        const fields = { Status__c: STATUS.DISMISSED, Dismiss_Reason__c: event.detail.reason };
        return this.save(event.detail.id, fields, 'Recommendation dismissed');
    }

    async save(id, fields, successTitle) {
        this.applyOptimistic(id, fields.Status__c);
        this.saveErrors = undefined;
        try {
            await updateRecord({ fields: { Id: id, ...fields } });
            this.toast(successTitle, undefined, 'success');
            await notifyRecordUpdateAvailable([{ recordId: id }]);
        } catch (error) {
            this.revertOptimistic(id);
            this.saveErrors = error;
            this.toast('Could not update the recommendation', reduceErrors(error).join(', '), 'error');
        }
    }

    applyOptimistic(id, status) {
        if (status === STATUS.DISMISSED) {
            this.removedIds = [...this.removedIds, id];
        } else {
            this.statusById = { ...this.statusById, [id]: status };
        }
    }

    revertOptimistic(id) {
        this.removedIds = this.removedIds.filter((removed) => removed !== id);
        const { [id]: reverted, ...rest } = this.statusById;
        this.statusById = rest;
    }

    toast(title, message, variant) {
        this.dispatchEvent(new ShowToastEvent({ title, message, variant }));
    }
}
