import { valueOf, toRecommendation, isHoldout, latestReactions, reactionInput, OPEN_FILTER } from 'c/recoRecords';

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
            id: 'a01AA0000000003AAA', productName: 'Regency Cakestand 3 Tier', kind: 'Cross-sell', rank: 3, nextBestRank: 5,
            score: 0.31, confidence: 'Low', reason: 'Often bought after Teacup And Saucer sets', evidence: undefined,
            expectedRevenue: undefined, productId: RECOMMENDATIONS.records[2].fields.Product__c.value, status: 'Accepted', accepted: true
        });
    });

    it("picks the rep's newest reaction per recommendation, by CreatedDate then id, ignoring unknown types", () => {
        const r = (id, rec, type, at, reason = null) => ({
            id, fields: { Recommendation__c: { value: rec }, Reaction__c: { value: type }, Dismiss_Reason__c: { value: reason }, CreatedDate: { value: at } }
        });
        const latest = latestReactions([
            r('a04B', 'R1', 'Dismissed', '2026-01-01T10:00:00.000Z', 'Bad timing'),
            r('a04A', 'R1', 'Accepted', '2026-01-01T09:00:00.000Z'),
            r('a04C', 'R2', 'Accepted', '2026-01-01T10:00:00.000Z'),
            r('a04D', 'R2', 'Dismissed', '2026-01-01T10:00:00.000Z', 'Other'),
            r('a04E', 'R3', 'Maybe', '2026-01-03T10:00:00.000Z')
        ]);
        expect(latest.get('R1')).toMatchObject({ status: 'Dismissed', reason: 'Bad timing' });
        expect(latest.get('R2')).toMatchObject({ status: 'Dismissed', reason: 'Other' });
        expect(latest.has('R3')).toBe(false);
    });

    it('builds the reaction a rep creates, with the reason only for a dismissal', () => {
        const row = { id: 'a01X', productId: '01tY' };
        expect(reactionInput(row, '001Z', 'Accepted', 'ignored')).toEqual({
            apiName: 'Recommendation_Reaction__c', fields: { Recommendation__c: 'a01X', Account__c: '001Z', Product__c: '01tY', Reaction__c: 'Accepted' }
        });
        expect(reactionInput(row, '001Z', 'Dismissed', 'Too expensive').fields).toMatchObject({ Reaction__c: 'Dismissed', Dismiss_Reason__c: 'Too expensive' });
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
