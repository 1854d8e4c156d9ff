import { valueOf, toRecommendation, isHoldout, OPEN_FILTER } from 'c/recoRecords';

const RECOMMENDATIONS = require('../../recoRecommendations/__tests__/data/recommendations.json');

describe('c/recoRecords', () => {
    it('reads plain and spanning fields of UI API records', () => {
        const record = RECOMMENDATIONS.records[0];
        expect(valueOf(record, 'Product__r.Name')).toBe('Jumbo Bag Red Retrospot');
        expect(valueOf(record, 'Score__c')).toBe(0.82);
        expect(valueOf(record, 'Missing__c')).toBeUndefined();
        expect(valueOf(record, 'Missing__r.Name')).toBeUndefined();
    });

    it('maps a recommendation record to the row view, applying a status override', () => {
        const row = toRecommendation(RECOMMENDATIONS.records[2], 'Accepted');
        expect(row).toEqual({
            id: 'a01AA0000000003AAA', productName: 'Regency Cakestand 3 Tier', kind: 'Cross-sell', rank: 3,
            score: 0.31, confidence: 'Low', reason: 'Often bought after Teacup And Saucer sets', evidence: undefined,
            expectedRevenue: undefined, status: 'Accepted', accepted: true
        });
    });

    it('knows a holdout account from its insight', () => {
        const insight = (holdout) => ({ fields: { Holdout__c: { value: holdout } } });
        expect(isHoldout([insight(true)])).toBe(true);
        expect(isHoldout([insight(false)])).toBe(false);
        expect(isHoldout([])).toBe(false);
    });

    it('filters on the open statuses in GraphQL syntax', () => {
        expect(OPEN_FILTER).toBe('{ Status__c: { in: ["New", "Accepted"] } }');
    });
});
