import ErrorPanel from 'c/errorPanel';
import { flushPromises, mount as mountComponent, resetDom } from '../../../../../test/jest-utils';


const mount = (props) => mountComponent('c-error-panel', ErrorPanel, props);

describe('c-error-panel', () => {
    afterEach(() => {
        resetDom();
    });

    it('shows the friendly message and reveals the details on demand', async () => {
        const element = await mount({
            friendlyMessage: 'Could not load.',
            errors: [{ body: { message: 'Insufficient access' } }, new Error('Timed out')]
        });
        expect(element.shadowRoot.querySelector('[role="alert"] p').textContent).toBe('Could not load.');
        expect(element.shadowRoot.querySelector('ul')).toBeNull();
        const toggle = element.shadowRoot.querySelector('button');
        expect(toggle.getAttribute('aria-expanded')).toBe('false');
        toggle.click();
        await flushPromises();
        expect(toggle.getAttribute('aria-expanded')).toBe('true');
        const items = Array.from(element.shadowRoot.querySelectorAll('li')).map((li) => li.textContent);
        expect(items).toEqual(['Insufficient access', 'Timed out']);
        await expect(element).toBeAccessible();
    });

    it('has no details button when there is nothing to show', async () => {
        const element = await mount({ errors: undefined });
        expect(element.shadowRoot.querySelector('button')).toBeNull();
        expect(element.shadowRoot.querySelector('p').textContent).toMatch(/Something went wrong/);
        await expect(element).toBeAccessible();
    });
});
