import RecoAccountInsight from 'c/recoAccountInsight';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import { flushPromises, mount as mountComponent, resetDom } from '../../../../../test/jest-utils';

const INSIGHT = require('./data/insight.json');


const mount = () => mountComponent('c-reco-account-insight', RecoAccountInsight, { recordId: '001AA000000001AAAA' });

const $ = (element, selector) => element.shadowRoot.querySelector(selector);

describe('c-reco-account-insight', () => {
    afterEach(() => {
        resetDom();
    });

    it("reads the account's insight with its segment through the related list", async () => {
        await mount();
        const config = getRelatedListRecords.getLastConfig();
        expect(config).toMatchObject({ parentRecordId: '001AA000000001AAAA', relatedListId: 'Account_Insights__r' });
        expect(config.fields).toEqual(expect.arrayContaining([
            'Account_Insight__c.Segment__r.Name', 'Account_Insight__c.Segment__r.Description__c',
            'Account_Insight__c.Churn_Risk__c', 'Account_Insight__c.Segment_Changed_On__c'
        ]));
    });

    it('shows a spinner while loading', async () => {
        const element = await mount();
        expect($(element, 'lightning-spinner')).not.toBeNull();
    });

    it('shows segment, description, lifecycle, RFM, churn risk and the last segment change', async () => {
        const element = await mount();
        getRelatedListRecords.emit(INSIGHT);
        await flushPromises();
        expect($(element, '.segment').textContent).toBe('Champions');
        expect($(element, '.description').textContent).toBe('Bought recently, buy often and spend the most.');
        expect($(element, 'lightning-badge.lifecycle').label).toBe('Active');
        expect($(element, '.recency').textContent).toBe('12');
        expect($(element, '.frequency').textContent).toBe('9');
        expect($(element, '.engagement').textContent).toBe('71.5');
        const numbers = Array.from(element.shadowRoot.querySelectorAll('dl lightning-formatted-number'));
        expect(numbers.map((n) => [n.value, n.formatStyle])).toEqual([
            [0.18, 'percent'], [15820.4, 'currency'], [1757.82, 'currency']
        ]);
        expect($(element, '.segment-change').textContent).toMatch(/Moved from Loyal/);
        expect($(element, 'lightning-relative-date-time').value).toBe(Date.UTC(2026, 9, 12));
        await expect(element).toBeAccessible();
    });

    it('shows sentiment, its trend, negative cases and the top themes with counts', async () => {
        const element = await mount();
        getRelatedListRecords.emit(INSIGHT);
        await flushPromises();
        expect($(element, 'lightning-formatted-number.sentiment').value).toBe(-0.42);
        expect($(element, '.trend').textContent).toBe('Getting worse');
        expect($(element, 'lightning-icon.trend-icon').iconName).toBe('utility:arrowdown');
        expect($(element, '.negative-cases').textContent.trim()).toBe('3 negative cases in 30 days, 4 in 90');
        const themes = Array.from(element.shadowRoot.querySelectorAll('.theme'));
        expect(themes.map((t) => [t.querySelector('.theme-name').textContent, t.querySelector('.theme-count').textContent])).toEqual([
            ['card arrive / new card', '×3'], ['refund', '×1']
        ]);
        expect($(element, '.excerpt').textContent.trim()).toBe('“Still waiting for my new card”');
        await expect(element).toBeAccessible();
    });

    it('leaves the customer-text section out when Reco has no text for the account', async () => {
        const element = await mount();
        const record = JSON.parse(JSON.stringify(INSIGHT.records[0]));
        for (const f of ['Sentiment_Score__c', 'Sentiment_Trend__c', 'Top_Themes__c', 'Text_Excerpt__c']) {
            record.fields[f].value = null;
        }
        getRelatedListRecords.emit({ records: [record], count: 1 });
        await flushPromises();
        expect($(element, '.customer-text')).toBeNull();
    });

    it('says when no segment change was recorded', async () => {
        const element = await mount();
        const record = JSON.parse(JSON.stringify(INSIGHT.records[0]));
        record.fields.Segment_Changed_On__c.value = null;
        getRelatedListRecords.emit({ records: [record], count: 1 });
        await flushPromises();
        expect($(element, 'lightning-relative-date-time')).toBeNull();
        expect($(element, '.segment-change').textContent.trim()).toBe('No segment change recorded.');
    });

    it('shows the empty state when Reco has no insight for the account', async () => {
        const element = await mount();
        getRelatedListRecords.emit({ records: [], count: 0 });
        await flushPromises();
        expect($(element, '.empty').textContent).toMatch(/no insight/);
        await expect(element).toBeAccessible();
    });

    it('shows the error panel when the insight cannot be read', async () => {
        const element = await mount();
        getRelatedListRecords.error({ message: 'Account_Insight__c is not accessible' }, 403, 'Forbidden');
        await flushPromises();
        const panel = $(element, 'c-error-panel');
        expect(panel.errors.body.message).toBe('Account_Insight__c is not accessible');
        await expect(element).toBeAccessible();
    });
});
