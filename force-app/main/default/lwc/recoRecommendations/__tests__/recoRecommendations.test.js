import RecoRecommendations from 'c/recoRecommendations';
import { getRecord, updateRecord, notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import { flushPromises, mount as mountComponent, resetDom } from '../../../../../test/jest-utils';

const RECOMMENDATIONS = require('./data/recommendations.json');
const INSIGHT = require('./data/insight.json');
const HOLDOUT_INSIGHT = require('./data/holdoutInsight.json');
const ACCOUNT_ID = '001AA000000001AAAA';

const forList = (relatedListId) => (config) => config.relatedListId === relatedListId;
const emitRecommendations = (data) => getRelatedListRecords.emit(data, forList('Product_Recommendations__r'));
const emitInsight = (data) => getRelatedListRecords.emit(data, forList('Account_Insights__r'));

const mount = (props = {}) =>
    mountComponent('c-reco-recommendations', RecoRecommendations, { recordId: ACCOUNT_ID, objectApiName: 'Account', ...props });

async function mountWithData(props) {
    const element = await mount(props);
    emitInsight(INSIGHT);
    emitRecommendations(RECOMMENDATIONS);
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
        const config = getRelatedListRecords.getLastConfig();
        expect(config.relatedListId).toBe('Product_Recommendations__r');
        expect(config.parentRecordId).toBe(ACCOUNT_ID);
        expect(config.fields).toContain('Product_Recommendation__c.Product__r.Name');
        expect(config.where).toBe('{ Status__c: { in: ["New", "Accepted"] } }');
        expect(config.sortBy).toEqual(['Product_Recommendation__c.Rank__c']);
    });

    it('shows a spinner until both the insight and the recommendations are known', async () => {
        const element = await mount();
        emitRecommendations(RECOMMENDATIONS);
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

    it('honours the App Builder properties', async () => {
        const element = await mountWithData({ rowsPerList: 2, showBuyAgain: false });
        expect(productNames(list(element, 'cross-sell'))).toEqual(['Jumbo Bag Red Retrospot', 'Party Bunting']);
        expect(list(element, 'buy-again')).toBeNull();
    });

    it('shows nothing at all for a holdout account', async () => {
        const element = await mount();
        emitInsight(HOLDOUT_INSIGHT);
        emitRecommendations(RECOMMENDATIONS);
        await flushPromises();
        expect(element.shadowRoot.querySelector('lightning-card')).toBeNull();
        expect(element.shadowRoot.children.length).toBe(0);
    });

    it('shows both empty states when there is nothing to recommend', async () => {
        const element = await mount();
        emitInsight({ records: [], count: 0 });
        emitRecommendations({ records: [], count: 0 });
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

    it('accepts through updateRecord, marks the row accepted at once and toasts', async () => {
        let resolveUpdate;
        updateRecord.mockImplementation(() => new Promise((resolve) => { resolveUpdate = resolve; }));
        const element = await mountWithData();
        const toast = jest.fn();
        element.addEventListener('lightning__showtoast', toast);

        list(element, 'cross-sell').dispatchEvent(new CustomEvent('accept', { detail: { id: 'a01AA0000000001AAA' } }));
        await flushPromises();
        expect(updateRecord).toHaveBeenCalledWith({ fields: { Id: 'a01AA0000000001AAA', Status__c: 'Accepted' } });
        const row = list(element, 'cross-sell').shadowRoot.querySelector('c-reco-row').recommendation;
        expect(row).toMatchObject({ status: 'Accepted', accepted: true });

        resolveUpdate({});
        await flushPromises();
        expect(toast.mock.calls[0][0].detail).toMatchObject({ title: 'Recommendation accepted', variant: 'success' });
        expect(notifyRecordUpdateAvailable).toHaveBeenCalledWith([{ recordId: 'a01AA0000000001AAA' }]);
    });

    it('dismisses with the reason through updateRecord and removes the row before the save returns', async () => {
        let resolveUpdate;
        updateRecord.mockImplementation(() => new Promise((resolve) => { resolveUpdate = resolve; }));
        const element = await mountWithData();
        const detail = { id: 'a01AA0000000004AAA', reason: 'Bought elsewhere' };

        list(element, 'buy-again').dispatchEvent(new CustomEvent('dismiss', { detail }));
        await flushPromises();
        expect(productNames(list(element, 'buy-again'))).toEqual(['Assorted Colour Bird Ornament']);
        expect(updateRecord).toHaveBeenCalledWith({
            fields: { Id: 'a01AA0000000004AAA', Status__c: 'Dismissed', Dismiss_Reason__c: 'Bought elsewhere' }
        });
        resolveUpdate({});
        await flushPromises();
        expect(productNames(list(element, 'buy-again'))).toEqual(['Assorted Colour Bird Ornament']);
    });

    it('puts the row back and shows the error when the dismiss fails', async () => {
        updateRecord.mockRejectedValue({
            body: { message: 'An error occurred while trying to update the record.', output: {
                errors: [], fieldErrors: { Dismiss_Reason__c: [{ message: 'bad value for restricted picklist field' }] }
            } }
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
        expect(toast.mock.calls[0][0].detail.variant).toBe('error');
        expect(toast.mock.calls[0][0].detail.message).toMatch(/bad value for restricted picklist field/);
        expect(element.shadowRoot.querySelector('c-error-panel.save-error')).not.toBeNull();
        expect(notifyRecordUpdateAvailable).not.toHaveBeenCalled();
    });

    it('is accessible with data', async () => {
        const element = await mountWithData();
        await expect(element).toBeAccessible();
    });
});
