import RecoRecommendations from 'c/recoRecommendations';
import { getRecord, createRecord } from 'lightning/uiRecordApi';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import { flushPromises, mount as mountComponent, resetDom } from '../../../../../test/jest-utils';

const RECOMMENDATIONS = require('./data/recommendations.json');
const INSIGHT = require('./data/insight.json');
const HOLDOUT_INSIGHT = require('./data/holdoutInsight.json');
const ACCOUNT_ID = '001AA000000001AAAA';

const forList = (relatedListId) => (config) => config.relatedListId === relatedListId;
const emitRecommendations = (data) => getRelatedListRecords.emit(data, forList('Product_Recommendations__r'));
const emitInsight = (data) => getRelatedListRecords.emit(data, forList('Account_Insights__r'));
const emitReactions = (data) => getRelatedListRecords.emit(data, forList('Recommendation_Reactions__r'));
const NO_REACTIONS = { records: [], count: 0 };
const reaction = (id, recommendationId, status, createdDate, reason = null) => ({
    apiName: 'Recommendation_Reaction__c', id,
    fields: {
        Recommendation__c: { value: recommendationId, displayValue: null },
        Reaction__c: { value: status, displayValue: status },
        Dismiss_Reason__c: { value: reason, displayValue: reason },
        CreatedDate: { value: createdDate, displayValue: null }
    }
});

// Most tests look at the two kinds apart; the merged next-best list (the default) has its own tests below.
const mount = (props = {}) =>
    mountComponent('c-reco-recommendations', RecoRecommendations, { recordId: ACCOUNT_ID, objectApiName: 'Account', showNextBest: false, ...props });

async function mountWithData(props, reactions = NO_REACTIONS) {
    const element = await mount(props);
    emitInsight(INSIGHT);
    emitRecommendations(RECOMMENDATIONS);
    emitReactions(reactions);
    await flushPromises();
    return element;
}

const list = (element, cls) => element.shadowRoot.querySelector(`c-reco-list.${cls}`);
const productNames = (listElement) =>
    Array.from(listElement.shadowRoot.querySelectorAll('c-reco-row')).map((row) => row.recommendation.productName);

describe('c-reco-recommendations', () => {
    afterEach(() => {
        resetDom();
        jest.clearAllMocks();
    });

    it('asks for open recommendations of the account, ranked', async () => {
        await mount();
        const configs = [];
        getRelatedListRecords.emit(NO_REACTIONS, (c) => configs.push(c) && false);
        const config = configs.find((c) => c.relatedListId === 'Product_Recommendations__r');
        expect(config.relatedListId).toBe('Product_Recommendations__r');
        expect(config.parentRecordId).toBe(ACCOUNT_ID);
        expect(config.fields).toContain('Product_Recommendation__c.Product__r.Name');
        expect(config.where).toBe('{ Status__c: { in: ["New", "Accepted"] } }');
        expect(config.sortBy).toEqual(['Product_Recommendation__c.Rank__c']);
    });

    it("asks for the rep's reactions on the account", async () => {
        await mount();
        const configs = [];
        getRelatedListRecords.emit(NO_REACTIONS, (config) => configs.push(config) && false);
        const reactions = configs.find((config) => config.relatedListId === 'Recommendation_Reactions__r');
        expect(reactions).toMatchObject({ parentRecordId: ACCOUNT_ID, sortBy: ['-Recommendation_Reaction__c.CreatedDate'] });
        expect(reactions.fields).toEqual(expect.arrayContaining([
            'Recommendation_Reaction__c.Recommendation__c', 'Recommendation_Reaction__c.Reaction__c', 'Recommendation_Reaction__c.CreatedDate'
        ]));
    });

    it('shows a spinner until the insight, the recommendations and the reactions are known', async () => {
        const element = await mount();
        emitRecommendations(RECOMMENDATIONS);
        emitInsight(INSIGHT);
        await flushPromises();
        expect(element.shadowRoot.querySelector('lightning-spinner')).not.toBeNull();
        expect(element.shadowRoot.querySelector('c-reco-list')).toBeNull();
    });

    it('splits the recommendations into cross-sell and buy-again lists in rank order', async () => {
        const element = await mountWithData();
        expect(productNames(list(element, 'cross-sell'))).toEqual([
            'Jumbo Bag Red Retrospot', 'Party Bunting', 'Regency Cakestand 3 Tier'
        ]);
        expect(productNames(list(element, 'buy-again'))).toEqual([
            'White Hanging Heart T-Light Holder', 'Assorted Colour Bird Ornament'
        ]);
        const first = list(element, 'cross-sell').shadowRoot.querySelector('c-reco-row').recommendation;
        expect(first).toMatchObject({ score: 0.82, confidence: 'High', expectedRevenue: 1240.5 });
        expect(first.reason).toBe('Bought by 64% of accounts that buy Lunch Bag Red Retrospot');
    });

    it('shows one next-best list by default, both kinds merged in Next_Best_Rank__c order and labelled', async () => {
        const element = await mountWithData({ showNextBest: undefined });
        expect(list(element, 'cross-sell')).toBeNull();
        expect(list(element, 'buy-again')).toBeNull();
        const merged = list(element, 'next-best');
        expect(productNames(merged)).toEqual([
            'White Hanging Heart T-Light Holder', 'Jumbo Bag Red Retrospot', 'Party Bunting', 'Assorted Colour Bird Ornament', 'Regency Cakestand 3 Tier'
        ]);
        const kinds = Array.from(merged.shadowRoot.querySelectorAll('c-reco-row')).map((row) => row.recommendation.kindLabel);
        expect(kinds).toEqual(['Buy again', 'Cross-sell', 'Cross-sell', 'Buy again', 'Cross-sell']);
        const badge = merged.shadowRoot.querySelector('c-reco-row').shadowRoot.querySelector('lightning-badge.kind');
        expect(badge.label).toBe('Buy again');
    });

    it('keeps the merged list to rowsPerList and to the kinds switched on', async () => {
        const element = await mountWithData({ showNextBest: true, rowsPerList: 2, showBuyAgain: false });
        expect(productNames(list(element, 'next-best'))).toEqual(['Jumbo Bag Red Retrospot', 'Party Bunting']);
    });

    it('orders records without a next-best rank (written before it existed) after, re-orders first', async () => {
        const element = await mount({ showNextBest: true });
        emitInsight(INSIGHT);
        const stripped = JSON.parse(JSON.stringify(RECOMMENDATIONS));
        for (const record of stripped.records) {
            if (record.fields.Kind__c.value === 'Cross-sell') delete record.fields.Next_Best_Rank__c;
        }
        emitRecommendations(stripped);
        emitReactions(NO_REACTIONS);
        await flushPromises();
        expect(productNames(list(element, 'next-best'))).toEqual([
            'White Hanging Heart T-Light Holder', 'Assorted Colour Bird Ornament', 'Jumbo Bag Red Retrospot', 'Party Bunting', 'Regency Cakestand 3 Tier'
        ]);
    });

    it('honours the App Builder properties', async () => {
        const element = await mountWithData({ rowsPerList: 2, showBuyAgain: false });
        expect(productNames(list(element, 'cross-sell'))).toEqual(['Jumbo Bag Red Retrospot', 'Party Bunting']);
        expect(list(element, 'buy-again')).toBeNull();
    });

    it('shows nothing at all for a holdout account', async () => {
        const element = await mount();
        emitInsight(HOLDOUT_INSIGHT);
        emitRecommendations(RECOMMENDATIONS);
        emitReactions(NO_REACTIONS);
        await flushPromises();
        expect(element.shadowRoot.querySelector('lightning-card')).toBeNull();
        expect(element.shadowRoot.children.length).toBe(0);
    });

    it('shows both empty states when there is nothing to recommend', async () => {
        const element = await mount();
        emitInsight({ records: [], count: 0 });
        emitRecommendations({ records: [], count: 0 });
        emitReactions(NO_REACTIONS);
        await flushPromises();
        expect(productNames(list(element, 'cross-sell'))).toEqual([]);
        expect(list(element, 'cross-sell').shadowRoot.querySelector('.empty').textContent).toMatch(/No cross-sell/);
        expect(list(element, 'buy-again').shadowRoot.querySelector('.empty')).not.toBeNull();
        await expect(element).toBeAccessible();
    });

    it('shows the error panel when the recommendations cannot be read', async () => {
        const element = await mount();
        emitInsight(INSIGHT);
        getRelatedListRecords.emitError(
            { body: { message: 'Insufficient access to Product_Recommendation__c' }, status: 403 },
            forList('Product_Recommendations__r')
        );
        await flushPromises();
        const panel = element.shadowRoot.querySelector('c-error-panel.load-error');
        expect(panel).not.toBeNull();
        expect(panel.errors.body.message).toBe('Insufficient access to Product_Recommendation__c');
        expect(element.shadowRoot.querySelector('c-reco-list')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it("reads an Opportunity's AccountId and shows that account's recommendations", async () => {
        await mount({ recordId: '006AA000000001AAAA', objectApiName: 'Opportunity' });
        expect(getRecord.getLastConfig()).toEqual({
            recordId: '006AA000000001AAAA', fields: ['Opportunity.AccountId']
        });
        getRecord.emit({
            apiName: 'Opportunity', id: '006AA000000001AAAA',
            fields: { AccountId: { value: ACCOUNT_ID, displayValue: null } }
        });
        await flushPromises();
        expect(getRelatedListRecords.getLastConfig().parentRecordId).toBe(ACCOUNT_ID);
    });

    it('says so when the Opportunity has no account, instead of loading forever', async () => {
        const element = await mount({ recordId: '006AA000000002AAAA', objectApiName: 'Opportunity' });
        getRecord.emit({ apiName: 'Opportunity', id: '006AA000000002AAAA', fields: { AccountId: { value: null } } });
        await flushPromises();
        expect(element.shadowRoot.querySelector('lightning-spinner')).toBeNull();
        expect(element.shadowRoot.querySelector('.no-account').textContent).toMatch(/Link this opportunity/);
        await expect(element).toBeAccessible();
    });

    it('shows the newest reaction of the rep, not the status Reco has not synced yet', async () => {
        const element = await mountWithData({}, { records: [
            // Dismissed, then changed their mind: accepted (newer) wins.
            reaction('a04AA0000000002AAA', 'a01AA0000000001AAA', 'Accepted', '2026-01-02T10:00:00.000Z'),
            reaction('a04AA0000000001AAA', 'a01AA0000000001AAA', 'Dismissed', '2026-01-01T10:00:00.000Z', 'Bad timing'),
            // A dismissal the next sync will copy onto the recommendation: hidden already.
            reaction('a04AA0000000003AAA', 'a01AA0000000004AAA', 'Dismissed', '2026-01-02T11:00:00.000Z', 'Bought elsewhere')
        ], count: 3 });
        const first = list(element, 'cross-sell').shadowRoot.querySelector('c-reco-row').recommendation;
        expect(first).toMatchObject({ id: 'a01AA0000000001AAA', status: 'Accepted', accepted: true });
        expect(productNames(list(element, 'buy-again'))).toEqual(['Assorted Colour Bird Ornament']);
        await expect(element).toBeAccessible();
    });

    it('accepts by creating a reaction (never editing the recommendation), marks the row at once and toasts', async () => {
        let resolveCreate;
        createRecord.mockImplementation(() => new Promise((resolve) => { resolveCreate = resolve; }));
        const element = await mountWithData();
        const toast = jest.fn();
        element.addEventListener('lightning__showtoast', toast);

        list(element, 'cross-sell').dispatchEvent(new CustomEvent('accept', { detail: { id: 'a01AA0000000001AAA' } }));
        await flushPromises();
        expect(createRecord).toHaveBeenCalledWith({
            apiName: 'Recommendation_Reaction__c',
            fields: { Recommendation__c: 'a01AA0000000001AAA', Account__c: ACCOUNT_ID, Product__c: '01tAA0000000001AAA', Reaction__c: 'Accepted' }
        });
        const row = list(element, 'cross-sell').shadowRoot.querySelector('c-reco-row').recommendation;
        expect(row).toMatchObject({ status: 'Accepted', accepted: true });

        resolveCreate({ id: 'a04AA0000000009AAA', apiName: 'Recommendation_Reaction__c', fields: {} });
        await flushPromises();
        expect(toast.mock.calls[0][0].detail).toMatchObject({ title: 'Recommendation accepted', variant: 'success' });
        expect(element.shadowRoot.querySelector('c-error-panel.save-error')).toBeNull();
    });

    it("reacts on an Opportunity page with the Opportunity's Account", async () => {
        createRecord.mockResolvedValue({ id: 'a04AA0000000009AAA' });
        const element = await mount({ recordId: '006AA000000001AAAA', objectApiName: 'Opportunity' });
        getRecord.emit({ apiName: 'Opportunity', id: '006AA000000001AAAA', fields: { AccountId: { value: ACCOUNT_ID, displayValue: null } } });
        await flushPromises();
        emitInsight(INSIGHT);
        emitRecommendations(RECOMMENDATIONS);
        emitReactions(NO_REACTIONS);
        await flushPromises();
        list(element, 'cross-sell').dispatchEvent(new CustomEvent('accept', { detail: { id: 'a01AA0000000001AAA' } }));
        await flushPromises();
        expect(createRecord.mock.calls[0][0].fields.Account__c).toBe(ACCOUNT_ID);
    });

    it('dismisses with the reason by creating a reaction and removes the row before the save returns', async () => {
        let resolveCreate;
        createRecord.mockImplementation(() => new Promise((resolve) => { resolveCreate = resolve; }));
        const element = await mountWithData();
        const detail = { id: 'a01AA0000000004AAA', reason: 'Bought elsewhere' };

        list(element, 'buy-again').dispatchEvent(new CustomEvent('dismiss', { detail }));
        await flushPromises();
        expect(productNames(list(element, 'buy-again'))).toEqual(['Assorted Colour Bird Ornament']);
        expect(createRecord).toHaveBeenCalledTimes(1);
        expect(createRecord.mock.calls[0][0]).toMatchObject({
            apiName: 'Recommendation_Reaction__c',
            fields: { Recommendation__c: 'a01AA0000000004AAA', Account__c: ACCOUNT_ID, Reaction__c: 'Dismissed', Dismiss_Reason__c: 'Bought elsewhere' }
        });
        resolveCreate({ id: 'a04AA0000000009AAA' });
        await flushPromises();
        expect(productNames(list(element, 'buy-again'))).toEqual(['Assorted Colour Bird Ornament']);
    });

    it('puts the row back and shows the error panel and a toast when the reaction cannot be saved', async () => {
        createRecord.mockRejectedValue({
            body: [{ errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY', message: 'insufficient access rights on object id' }], status: 400
        });
        const element = await mountWithData();
        const toast = jest.fn();
        element.addEventListener('lightning__showtoast', toast);

        const detail = { id: 'a01AA0000000004AAA', reason: 'Other' };
        list(element, 'buy-again').dispatchEvent(new CustomEvent('dismiss', { detail }));
        await flushPromises();
        expect(productNames(list(element, 'buy-again'))).toEqual([
            'White Hanging Heart T-Light Holder', 'Assorted Colour Bird Ornament'
        ]);
        expect(toast.mock.calls[0][0].detail).toMatchObject({ title: 'Could not save your decision', variant: 'error' });
        expect(toast.mock.calls[0][0].detail.message).toMatch(/insufficient access rights on object id/);
        expect(element.shadowRoot.querySelector('c-error-panel.save-error')).not.toBeNull();
        await expect(element).toBeAccessible();
    });

    it('keeps an earlier decision shown when changing it fails', async () => {
        createRecord.mockResolvedValueOnce({ id: 'a04AA0000000009AAA' });
        createRecord.mockRejectedValueOnce({ body: { message: 'Network down' }, status: 500 });
        const element = await mountWithData();
        list(element, 'cross-sell').dispatchEvent(new CustomEvent('accept', { detail: { id: 'a01AA0000000001AAA' } }));
        await flushPromises();
        list(element, 'cross-sell').dispatchEvent(new CustomEvent('dismiss', { detail: { id: 'a01AA0000000001AAA', reason: 'Other' } }));
        await flushPromises();
        const row = list(element, 'cross-sell').shadowRoot.querySelector('c-reco-row').recommendation;
        expect(row).toMatchObject({ id: 'a01AA0000000001AAA', status: 'Accepted' });
    });

    it('shows the error panel when the reactions cannot be read', async () => {
        const element = await mount();
        emitInsight(INSIGHT);
        emitRecommendations(RECOMMENDATIONS);
        getRelatedListRecords.emitError({ body: { message: 'No access to Recommendation_Reaction__c' }, status: 403 }, forList('Recommendation_Reactions__r'));
        await flushPromises();
        expect(element.shadowRoot.querySelector('c-error-panel.load-error').errors.body.message).toBe('No access to Recommendation_Reaction__c');
    });

    it('is accessible with data', async () => {
        const element = await mountWithData();
        await expect(element).toBeAccessible();
    });
});
