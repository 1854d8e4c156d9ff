// Which decision a rep made on each recommendation, and which statuses the write-back then writes.
import { expect } from 'chai';
import { cleanRecords } from '../../sync-server/src/clean/clean.js';
import { orphanDismissals, repDecisions, type RawReaction } from '../../sync-server/src/domain/rep-decisions.js';
import { planStatusWrites, type MirroredRecommendation } from '../../sync-server/src/writeback/status-writes.js';

const reaction = (Id: string, rec: string | null, type: string, at: string, reason: string | null = null, account = 'A1', product = 'P1'): RawReaction => ({
  Id, Recommendation__c: rec, Account__c: account, Product__c: product, Reaction__c: type, Dismiss_Reason__c: reason, CreatedDate: at,
});
const rec = (Id: string, status: string | null, reason: string | null = null): MirroredRecommendation => ({ Id, External_Id__c: `ext-${Id}`, Status__c: status, Dismiss_Reason__c: reason });

describe('sync: reps’ decisions from reactions and legacy statuses', () => {
  it('takes the newest reaction (CreatedDate, then Id), over a status a rep set on the record', () => {
    const d = repDecisions([rec('R1', 'Accepted'), rec('R2', 'Dismissed', 'Other'), rec('R3', 'New')], [
      reaction('a04000000000001', 'R1', 'Dismissed', '2026-01-01T10:00:00.000+0000', 'Too expensive'),
      reaction('a04000000000002', 'R1', 'Accepted', '2026-01-01T09:00:00.000+0000'),
      reaction('a04000000000003', 'R3', 'Accepted', '2026-01-02T09:00:00.000+0000'),
      reaction('a04000000000004', 'R3', 'Dismissed', '2026-01-02T09:00:00.000+0000', 'Bad timing'),
      reaction('a04000000000005', 'R3', 'Maybe', '2026-01-09T09:00:00.000+0000'),
    ]);
    expect(d.get('R1')).to.deep.equal({ status: 'Dismissed', dismissReason: 'Too expensive', reactionId: 'a04000000000001' });
    expect(d.get('R2')).to.deep.equal({ status: 'Dismissed', dismissReason: 'Other', reactionId: null });
    expect(d.get('R3')).to.deep.include({ status: 'Dismissed', dismissReason: 'Bad timing' });
  });

  it('keeps a dismissal whose recommendation is gone, by account and product', () => {
    const out = orphanDismissals([
      reaction('a04000000000001', 'GONE', 'Dismissed', '2026-01-01T10:00:00.000Z', 'Not relevant', 'A1', 'P1'),
      reaction('a04000000000002', null, 'Accepted', '2026-01-01T10:00:00.000Z', null, 'A2', 'P2'),
      reaction('a04000000000003', 'R1', 'Dismissed', '2026-01-01T10:00:00.000Z', null, 'A3', 'P3'),
    ], new Set(['R1']));
    expect(out).to.deep.equal([{ accountId: 'A1', productId: 'P1', reason: 'Not relevant', reactionId: 'a04000000000001' }]);
    const { dataset } = cleanRecords({ Recommendation_Reaction__c: [reaction('a04000000000001', 'GONE', 'Dismissed', '2026-01-01T10:00:00.000Z', 'Not relevant', 'A1', 'P1') as never] }, { asOf: '2026-01-02T00:00:00.000Z' });
    expect(dataset.feedback).to.deep.equal([{ recommendationId: 'a04000000000001', externalId: '', accountId: 'A1', productId: 'P1', kind: null, status: 'Dismissed', dismissReason: 'Not relevant' }]);
  });

  it('plans New/Expired only where no rep decided, and copies reactions onto the status', () => {
    const recs = [rec('R1', 'New'), rec('R2', 'New'), rec('R3', 'Expired'), rec('R4', 'Accepted'), rec('R5', 'New'), rec('R6', 'Dismissed', 'Other')];
    const decisions = repDecisions(recs, [reaction('a04000000000001', 'R5', 'Accepted', '2026-01-01T10:00:00.000Z'), reaction('a04000000000002', 'R6', 'Dismissed', '2026-01-01T10:00:00.000Z', 'Other')]);
    const wanted = new Set(['ext-r1', 'ext-r3']);
    expect(planStatusWrites(recs, wanted, decisions).map((w) => [w.id, w.status, w.kind])).to.deep.equal([
      ['R2', 'Expired', 'expire'], // no longer recommended, nobody decided
      ['R3', 'New', 'revive'], // recommended again
      ['R5', 'Accepted', 'decision'], // the reaction, copied; not expired although no longer recommended
    ]); // R4: a rep's own status stays; R6: already holds the reaction's decision
  });
});
