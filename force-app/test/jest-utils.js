// Shared by the component suites: mounting, waiting for the render and wire updates, and cleaning up.
import { createElement } from '@lwc/engine-dom';

/** Lets pending promises, re-renders and wire config updates settle. */
export const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Creates the component, sets its public properties, attaches it and waits for its first render. The wait
 * matters for wires: configs reach the test adapters a microtask after connect, so emitting with a config
 * filter before that reaches nobody.
 */
export async function mount(tag, Component, props = {}) {
    const element = createElement(tag, { is: Component });
    Object.assign(element, props);
    document.body.appendChild(element);
    await flushPromises();
    return element;
}

/** Removes every mounted component (for afterEach), so suites never see each other's DOM. */
export function resetDom() {
    while (document.body.firstChild) {
        document.body.removeChild(document.body.firstChild);
    }
}
