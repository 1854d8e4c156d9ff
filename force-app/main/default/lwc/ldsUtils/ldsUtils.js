/**
 * Flattens the error shapes a component meets into readable messages: UI API fetch errors ({ body: { message } }),
 * DML errors from updateRecord ({ body: { output: { errors, fieldErrors } } }), list bodies ([{ message }]),
 * plain JavaScript errors, and arrays of any of these.
 * @param {any|any[]} errors
 * @returns {string[]}
 */
export function reduceErrors(errors) {
    const list = Array.isArray(errors) ? errors : [errors];
    return list
        .filter((error) => error !== undefined && error !== null)
        .flatMap(messagesOf)
        .filter((message) => typeof message === 'string' && message.length > 0);
}

function messagesOf(error) {
    if (typeof error === 'string') {
        return [error];
    }
    const body = error.body;
    if (Array.isArray(body)) {
        return body.map((item) => item.message);
    }
    if (body && typeof body === 'object') {
        return [body.message, ...outputMessages(body.output)];
    }
    if (typeof error.message === 'string') {
        return [error.message];
    }
    return [error.statusText || 'Unknown error'];
}

// Record-level and field-level messages that updateRecord puts under body.output.
function outputMessages(output) {
    if (!output) {
        return [];
    }
    const fieldErrors = Object.values(output.fieldErrors || {}).flat();
    return [...(output.errors || []), ...fieldErrors].map((item) => item.message);
}
