import RecoDismissForm from 'c/recoDismissForm';
import { flushPromises, mount as mountComponent, resetDom } from '../../../../../test/jest-utils';

const fs = require('fs');
const path = require('path');

const FIELD_XML = path.resolve(
    __dirname, '../../../objects/Product_Recommendation__c/fields/Dismiss_Reason__c.field-meta.xml'
);

const mount = () => mountComponent('c-reco-dismiss-form', RecoDismissForm, { productName: 'Party Bunting' });

const $ = (element, selector) => element.shadowRoot.querySelector(selector);

describe('c-reco-dismiss-form', () => {
    afterEach(() => {
        resetDom();
    });

    it('offers exactly the Dismiss_Reason__c picklist values', async () => {
        const element = await mount();
        const xml = fs.readFileSync(FIELD_XML, 'utf8');
        const picklist = [...xml.matchAll(/<value>\s*<fullName>([^<]+)<\/fullName>/g)].map((m) => m[1]);
        const combobox = $(element, 'lightning-combobox');
        expect(picklist.length).toBeGreaterThan(0);
        expect(combobox.options.map((option) => option.value)).toEqual(picklist);
        expect(combobox.label).toBe('Why dismiss Party Bunting?');
        expect(combobox.required).toBe(true);
    });

    it('keeps Confirm disabled until a reason is chosen, then fires confirm with it', async () => {
        const element = await mount();
        const handler = jest.fn();
        element.addEventListener('confirm', handler);
        expect($(element, 'lightning-button.confirm').disabled).toBe(true);

        $(element, 'lightning-combobox').dispatchEvent(new CustomEvent('change', { detail: { value: 'Bad timing' } }));
        await flushPromises();
        const confirm = $(element, 'lightning-button.confirm');
        expect(confirm.disabled).toBe(false);
        confirm.click();
        expect(handler.mock.calls[0][0].detail).toEqual({ reason: 'Bad timing' });
    });

    it('fires cancel', async () => {
        const element = await mount();
        const handler = jest.fn();
        element.addEventListener('cancel', handler);
        $(element, 'lightning-button.cancel').click();
        expect(handler).toHaveBeenCalledTimes(1);
    });

    it('is accessible', async () => {
        const element = await mount();
        await expect(element).toBeAccessible();
    });
});
