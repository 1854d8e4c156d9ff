import { LightningElement, api } from 'lwc';

// Evidence__c is JSON written by the sync server: an object of named figures. Keys become labels
// ("coPurchaseRate" -> "Co purchase rate"); nested values are shown compactly rather than dropped.
export default class RecoEvidence extends LightningElement {
    @api evidence;

    get items() {
        const parsed = parse(this.evidence);
        if (parsed === undefined) {
            return [];
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
            return [item('details', 'Details', parsed)];
        }
        return Object.entries(parsed).map(([key, value]) => item(key, labelOf(key), value));
    }

    get hasItems() {
        return this.items.length > 0;
    }
}

function parse(text) {
    if (text === undefined || text === null || text === '') {
        return undefined;
    }
    try {
        return JSON.parse(text);
    } catch {
        // Not JSON: the evidence is shown as the text it is.
        return text;
    }
}

function labelOf(key) {
    const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase();
    return words.charAt(0).toUpperCase() + words.slice(1);
}

function item(key, label, value) {
    const text = Array.isArray(value) ? value.map(display).join(', ') : display(value);
    return { key, valueKey: `${key}-value`, label, text };
}

function display(value) {
    if (value !== null && typeof value === 'object') {
        return JSON.stringify(value);
    }
    return String(value);
}
