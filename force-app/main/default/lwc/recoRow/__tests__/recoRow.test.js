import RecoRow from 'c/recoRow';
import { flushPromises, mount as mountComponent, resetDom } from '../../../../../test/jest-utils';


const RECOMMENDATION = {
    id: 'a01AA0000000001AAA',
    productName: 'Jumbo Bag Red Retrospot',
    kind: 'Cross-sell',
    score: 0.823,
    confidence: 'High',
    reason: 'Bought by 64% of accounts that buy Lunch Bag Red Retrospot',
    evidence: '{"coPurchaseRate":0.64,"similarAccounts":37}',
    expectedRevenue: 1240.5,
    status: 'New',
    accepted: false
};

const mount = (recommendation = RECOMMENDATION) => mountComponent('c-reco-row', RecoRow, { recommendation });

const $ = (element, selector) => element.shadowRoot.querySelector(selector);

describe('c-reco-row', () => {
    afterEach(() => {
        resetDom();
    });

    it('renders product, score bar, confidence, expected revenue and reason', async () => {
        const element = await mount();
        expect($(element, '.product').textContent.trim()).toBe('Jumbo Bag Red Retrospot');
        expect($(element, 'lightning-progress-bar').value).toBe(82);
        expect($(element, '.score-text').textContent).toBe('82%');
        expect($(element, 'lightning-badge').label).toBe('High confidence');
        const revenue = $(element, '.revenue lightning-formatted-number');
        expect(revenue.value).toBe(1240.5);
        expect(revenue.formatStyle).toBe('currency');
        expect($(element, '.reason').textContent).toBe(RECOMMENDATION.reason);
    });

    it('leaves out the revenue line when there is no estimate and clamps the score', async () => {
        const element = await mount({ ...RECOMMENDATION, expectedRevenue: undefined, score: 1.7, confidence: undefined });
        expect($(element, '.revenue')).toBeNull();
        expect($(element, 'lightning-progress-bar').value).toBe(100);
        expect($(element, 'lightning-badge').label).toBe('Confidence unknown');
    });

    it('expands and collapses its evidence', async () => {
        const element = await mount();
        const toggle = $(element, 'button.evidence-toggle');
        expect(toggle.getAttribute('aria-expanded')).toBe('false');
        expect($(element, 'c-reco-evidence')).toBeNull();
        toggle.click();
        await flushPromises();
        expect(toggle.getAttribute('aria-expanded')).toBe('true');
        expect(toggle.textContent.trim()).toBe('Hide evidence');
        expect($(element, 'c-reco-evidence').evidence).toBe(RECOMMENDATION.evidence);
        await expect(element).toBeAccessible();
        toggle.click();
        await flushPromises();
        expect($(element, 'c-reco-evidence')).toBeNull();
    });

    it('fires accept with its id', async () => {
        const element = await mount();
        const handler = jest.fn();
        element.addEventListener('accept', handler);
        $(element, 'lightning-button.accept').click();
        expect(handler).toHaveBeenCalledTimes(1);
        expect(handler.mock.calls[0][0].detail).toEqual({ id: 'a01AA0000000001AAA' });
    });

    it('shows an accepted recommendation as accepted, with Accept disabled', async () => {
        const element = await mount({ ...RECOMMENDATION, status: 'Accepted', accepted: true });
        const accept = $(element, 'lightning-button.accept');
        expect(accept.label).toBe('Accepted');
        expect(accept.disabled).toBe(true);
    });

    it('asks for a reason on Dismiss and fires dismiss with it', async () => {
        const element = await mount();
        const handler = jest.fn();
        element.addEventListener('dismiss', handler);
        $(element, 'lightning-button.dismiss').click();
        await flushPromises();
        const form = $(element, 'c-reco-dismiss-form');
        expect(form.productName).toBe('Jumbo Bag Red Retrospot');
        expect($(element, 'lightning-button.accept')).toBeNull();

        form.dispatchEvent(new CustomEvent('confirm', { detail: { reason: 'Too expensive' } }));
        await flushPromises();
        expect(handler.mock.calls[0][0].detail).toEqual({ id: 'a01AA0000000001AAA', reason: 'Too expensive' });
        expect($(element, 'c-reco-dismiss-form')).toBeNull();
    });

    it('drops the dismiss form on cancel without firing dismiss', async () => {
        const element = await mount();
        const handler = jest.fn();
        element.addEventListener('dismiss', handler);
        $(element, 'lightning-button.dismiss').click();
        await flushPromises();
        $(element, 'c-reco-dismiss-form').dispatchEvent(new CustomEvent('cancel'));
        await flushPromises();
        expect($(element, 'c-reco-dismiss-form')).toBeNull();
        expect($(element, 'lightning-button.accept')).not.toBeNull();
        expect(handler).not.toHaveBeenCalled();
    });

    it('is accessible', async () => {
        const element = await mount();
        await expect(element).toBeAccessible();
    });
});
