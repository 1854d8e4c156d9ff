import { createElement } from '@lwc/engine-dom';
import ErrorPanel from 'c/errorPanel';

const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

async function mount(props) {
    const element = createElement('c-error-panel', { is: ErrorPanel });
    Object.assign(element, props);
    document.body.appendChild(element);
    await flushPromises();
    return element;
}

describe('c-error-panel', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
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
