import { LightningElement, api, wire } from 'lwc';
import { getRecord, getFieldValue, createRecord } from 'lightning/uiRecordApi';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { reduceErrors } from 'c/ldsUtils';
import {
    RECOMMENDATIONS_LIST, INSIGHTS_LIST, REACTIONS_LIST, RECOMMENDATION_FIELDS, RECOMMENDATION_SORT, OPEN_FILTER,
    OPEN_STATUSES, REACTION_FIELDS, REACTION_SORT, HOLDOUT_FIELD, KIND, STATUS, toRecommendation, isHoldout, latestReactions, reactionInput,
    nextBestOrder
} from 'c/recoRecords';

const OPPORTUNITY_ACCOUNT = 'Opportunity.AccountId';
const isOn = (value) => value !== false && value !== 'false';
const LISTS = [
    { kind: KIND.CROSS_SELL, cssClass: 'cross-sell', emptyMessage: 'No cross-sell recommendations for this account right now.' },
    { kind: KIND.BUY_AGAIN, cssClass: 'buy-again', emptyMessage: 'Nothing is due for a repeat order right now.' }
];
const NEXT_BEST = { kind: 'Next best', cssClass: 'next-best', emptyMessage: 'Nothing to recommend for this account right now.' };

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

    // One list, both kinds merged in the order Reco ranks them (what to act on first), unless App Builder asks
    // for the two kinds apart.
    @api
    get showNextBest() {
        return this.nextBestOn;
    }
    set showNextBest(value) {
        this.nextBestOn = isOn(value);
    }

    crossSellOn = true;
    buyAgainOn = true;
    nextBestOn = true;

    records;
    loadErrors;
    saveErrors;
    // The rep's newest reaction per recommendation (the recommendation's own status lags until the next sync).
    reactions;
    reactionErrors;
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

    @wire(getRelatedListRecords, {
        parentRecordId: '$accountId', relatedListId: REACTIONS_LIST, fields: REACTION_FIELDS, sortBy: REACTION_SORT, pageSize: 200
    })
    wiredReactions({ data, error }) {
        if (data) {
            this.reactions = latestReactions(data.records);
            this.reactionErrors = undefined;
        } else if (error) {
            this.reactions = undefined;
            this.reactionErrors = error;
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
        return this.loadErrors || this.reactionErrors || insightError || opportunityError;
    }

    get insightsKnown() {
        return Boolean(this.insights && this.insights.data);
    }

    get isLoading() {
        return !this.errors && !this.noAccount && (!this.records || !this.reactions || !this.insightsKnown);
    }

    // Holdout accounts must see nothing, so their lift can be measured against the others.
    get isVisible() {
        return this.errors || this.isLoading || this.noAccount || !isHoldout(this.insights.data.records);
    }

    get rows() {
        const reactions = this.reactions || new Map();
        return (this.records || [])
            .filter((record) => !this.removedIds.includes(record.id))
            .map((record) => {
                const reaction = reactions.get(record.id);
                return toRecommendation(record, this.statusById[record.id] || (reaction && reaction.status));
            })
            .filter((row) => OPEN_STATUSES.includes(row.status));
    }

    // The lists App Builder switched on, each with its first rowsPerList rows: the merged next-best list (each
    // row labelled with its kind) or one list per kind.
    get lists() {
        const limit = Math.max(1, Number(this.rowsPerList) || 5);
        const rows = this.rows;
        if (this.nextBestOn) {
            const shown = rows.filter((row) => (row.kind === KIND.CROSS_SELL ? this.crossSellOn : this.buyAgainOn));
            const merged = nextBestOrder(shown).slice(0, limit).map((row) => ({ ...row, kindLabel: row.kind }));
            return [{ ...NEXT_BEST, rows: merged }];
        }
        return LISTS.filter((list) => (list.kind === KIND.CROSS_SELL ? this.crossSellOn : this.buyAgainOn)).map((list) => ({
            ...list,
            rows: rows.filter((row) => row.kind === list.kind).slice(0, limit)
        }));
    }

    handleAccept(event) {
        return this.react(event.detail.id, STATUS.ACCEPTED, undefined, 'Recommendation accepted');
    }

    handleDismiss(event) {
        return this.react(event.detail.id, STATUS.DISMISSED, event.detail.reason, 'Recommendation dismissed');
    }

    // A new reaction record each time: a later one supersedes an earlier one, so a rep may change their mind.
    async react(id, status, reason, successTitle) {
        const recommendation = this.rows.find((row) => row.id === id);
        if (!recommendation) {
            return;
        }
        const previous = this.statusById[id];
        this.applyOptimistic(id, status);
        this.saveErrors = undefined;
        try {
            await createRecord(reactionInput(recommendation, this.accountId, status, reason));
            this.toast(successTitle, undefined, 'success');
        } catch (error) {
            this.revertOptimistic(id, previous);
            this.saveErrors = error;
            this.toast('Could not save your decision', reduceErrors(error).join(', '), 'error');
        }
    }

    applyOptimistic(id, status) {
        if (status === STATUS.DISMISSED) {
            this.removedIds = [...this.removedIds, id];
        } else {
            this.statusById = { ...this.statusById, [id]: status };
        }
    }

    revertOptimistic(id, previous) {
        this.removedIds = this.removedIds.filter((removed) => removed !== id);
        const rest = { ...this.statusById };
        if (previous) {
            rest[id] = previous;
        } else {
            delete rest[id];
        }
        this.statusById = rest;
    }

    toast(title, message, variant) {
        this.dispatchEvent(new ShowToastEvent({ title, message, variant }));
    }
}
