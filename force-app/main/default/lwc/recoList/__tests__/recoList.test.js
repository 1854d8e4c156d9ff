import RecoList from 'c/recoList';
import { mount as mountComponent, resetDom } from '../../../../../test/jest-utils';

const row = (id, productName) => ({
    id, productName, score: 0.5, confidence: 'Medium', reason: `Because of ${productName}`, status: 'New', accepted: false
});

const mount = (rows) =>
    mountComponent('c-reco-list', RecoList, { heading: 'Cross-sell', emptyMessage: 'Nothing to cross-sell.', rows });

describe('c-reco-list', () => {
    afterEach(() => {
        resetDom();
    });

    it('renders a heading and one row per recommendation in order', async () => {
        const element = await mount([row('a1', 'Party Bunting'), row('a2', 'Cakestand')]);
        expect(element.shadowRoot.querySelector('h3').textContent).toBe('Cross-sell');
        const rows = element.shadowRoot.querySelectorAll('li > c-reco-row');
        expect(Array.from(rows).map((r) => r.recommendation.id)).toEqual(['a1', 'a2']);
        expect(element.shadowRoot.querySelector('.empty')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('shows the empty message when there are no rows', async () => {
        const element = await mount([]);
        expect(element.shadowRoot.querySelector('ul')).toBeNull();
        expect(element.shadowRoot.querySelector('.empty').textContent).toBe('Nothing to cross-sell.');
        await expect(element).toBeAccessible();
    });

    it("passes its rows' accept and dismiss events on", async () => {
        const element = await mount([row('a1', 'Party Bunting')]);
        const accept = jest.fn();
        const dismiss = jest.fn();
        element.addEventListener('accept', accept);
        element.addEventListener('dismiss', dismiss);
        const rowElement = element.shadowRoot.querySelector('c-reco-row');
        rowElement.dispatchEvent(new CustomEvent('accept', { detail: { id: 'a1' } }));
        rowElement.dispatchEvent(new CustomEvent('dismiss', { detail: { id: 'a1', reason: 'Other' } }));
        expect(accept.mock.calls[0][0].detail).toEqual({ id: 'a1' });
        expect(dismiss.mock.calls[0][0].detail).toEqual({ id: 'a1', reason: 'Other' });
    });
});
