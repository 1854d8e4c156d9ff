import { fetchingAdapter, refreshAll, requestJson } from './api.js';

const names = (list) => (Array.isArray(list) ? list : list ? [list] : []).map(String).join(',');

export const getRecord = fetchingAdapter(
    ({ recordId, fields, optionalFields }) =>
        requestJson(
            `/records/${encodeURIComponent(recordId)}?fields=${encodeURIComponent(names(fields))}` +
                `&optionalFields=${encodeURIComponent(names(optionalFields))}`
        ),
    (config) => Boolean(config.recordId)
);

/** Like createRecord: POST the UI API record input ({ apiName, fields }), resolves with the created record. */
export function createRecord(recordInput) {
    return requestJson('/records', { method: 'POST', body: JSON.stringify({ apiName: recordInput.apiName, fields: recordInput.fields }) });
}

export function updateRecord(recordInput) {
    const { Id, ...fields } = recordInput.fields;
    return requestJson(`/records/${encodeURIComponent(Id)}`, { method: 'PATCH', body: JSON.stringify({ fields }) });
}

/** Tells the data service these records changed; the preview re-reads every live wire. */
export function notifyRecordUpdateAvailable() {
    return refreshAll();
}

export function getFieldValue(record, field) {
    return walk(record, field, (node) => node.value);
}

export function getFieldDisplayValue(record, field) {
    return walk(record, field, (node) => node.displayValue);
}

// field is 'Object.Field' or 'Object.Lookup__r.Field' (or a schema import with fieldApiName).
function walk(record, field, pick) {
    const qualified = typeof field === 'string' ? field : `${field.objectApiName}.${field.fieldApiName}`;
    const path = qualified.split('.').slice(1);
    let current = record;
    for (const [i, name] of path.entries()) {
        const node = current && current.fields ? current.fields[name] : undefined;
        if (!node) return undefined;
        if (i === path.length - 1) return pick(node);
        current = node.value;
    }
    return undefined;
}
