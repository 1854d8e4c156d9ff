// Must come first: lightning-base-components rely on synthetic shadow DOM, as Lightning Experience does.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import RecoAccountInsight from 'c/recoAccountInsight';
import RecoRecommendations from 'c/recoRecommendations';
import { showToast } from './toasts.js';

const root = document.getElementById('reco-preview');
const { recordId, objectApiName } = root.dataset;
const builder = JSON.parse(root.dataset.appBuilder || '{}');

function mount(slot, tag, component, props) {
    const element = createElement(tag, { is: component });
    Object.assign(element, props);
    root.querySelector(slot).appendChild(element);
}

document.addEventListener('lightning__showtoast', (event) => showToast(event.detail));
if (objectApiName === 'Account') {
    mount('.insight', 'c-reco-account-insight', RecoAccountInsight, { recordId, objectApiName });
}
mount('.recommendations', 'c-reco-recommendations', RecoRecommendations, { recordId, objectApiName, ...builder });
