import { fetchingAdapter, requestJson } from './api.js';

// Mirrors the UI API resource POST /ui-api/related-list-records/{parentRecordId}/{relatedListId}.
export const getRelatedListRecords = fetchingAdapter(
    ({ parentRecordId, relatedListId, fields, optionalFields, where, sortBy, pageSize }) =>
        requestJson(`/related-list-records/${encodeURIComponent(parentRecordId)}/${encodeURIComponent(relatedListId)}`, {
            method: 'POST',
            body: JSON.stringify({ fields, optionalFields, where, sortBy, pageSize })
        }),
    (config) => Boolean(config.parentRecordId && config.relatedListId)
);
