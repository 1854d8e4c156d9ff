import RecoEvidence from 'c/recoEvidence';
import { mount as mountComponent, resetDom } from '../../../../../test/jest-utils';


const mount = (evidence) => mountComponent('c-reco-evidence', RecoEvidence, { evidence });

const pairs = (element) => {
    const terms = element.shadowRoot.querySelectorAll('dt');
    const details = element.shadowRoot.querySelectorAll('dd');
    return Array.from(terms).map((term, i) => [term.textContent.trim(), details[i].textContent]);
};

describe('c-reco-evidence', () => {
    afterEach(() => {
        resetDom();
    });

    it('lists each figure of the evidence JSON under a readable label', async () => {
        const element = await mount(JSON.stringify({
            coPurchaseRate: 0.64, days_since_last_order: 34, lastOrders: ['2011-10-01', '2011-10-31'],
            basket: { lines: 3 }
        }));
        expect(pairs(element)).toEqual([
            ['Co purchase rate', '0.64'],
            ['Days since last order', '34'],
            ['Last orders', '2011-10-01, 2011-10-31'],
            ['Basket', '{"lines":3}']
        ]);
        await expect(element).toBeAccessible();
    });

    it('shows text that is not JSON as it is', async () => {
        const element = await mount('Bought together 12 times');
        expect(pairs(element)).toEqual([['Details', 'Bought together 12 times']]);
    });

    it('says so when there is no evidence', async () => {
        const element = await mount(undefined);
        expect(element.shadowRoot.querySelector('dl')).toBeNull();
        expect(element.shadowRoot.querySelector('p').textContent).toMatch(/No evidence/);
        await expect(element).toBeAccessible();
    });
});
