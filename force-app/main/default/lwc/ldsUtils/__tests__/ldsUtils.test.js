import { reduceErrors } from 'c/ldsUtils';

describe('c/ldsUtils reduceErrors', () => {
    it('reads a UI API fetch error', () => {
        expect(reduceErrors({ body: { message: 'The requested resource does not exist' }, status: 404 }))
            .toEqual(['The requested resource does not exist']);
    });

    it('reads the record and field errors updateRecord reports', () => {
        const error = {
            body: {
                message: 'An error occurred while trying to update the record. Please try again.',
                output: {
                    errors: [{ message: 'Record is locked' }],
                    fieldErrors: { Dismiss_Reason__c: [{ message: 'bad value for restricted picklist field: Nope' }] }
                }
            }
        };
        expect(reduceErrors(error)).toEqual([
            'An error occurred while trying to update the record. Please try again.',
            'Record is locked',
            'bad value for restricted picklist field: Nope'
        ]);
    });

    it('reads list bodies, JavaScript errors, strings and arrays of them, skipping empties', () => {
        expect(reduceErrors([
            { body: [{ message: 'first' }, { message: 'second' }] },
            new TypeError('x is undefined'),
            'plain',
            undefined,
            { body: { message: '' } }
        ])).toEqual(['first', 'second', 'x is undefined', 'plain']);
    });

    it('falls back to the status text', () => {
        expect(reduceErrors({ status: 500, statusText: 'Server Error' })).toEqual(['Server Error']);
        expect(reduceErrors(undefined)).toEqual([]);
    });
});
