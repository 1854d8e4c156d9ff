// Attribution: which recommendations converted, by product, account and window; and that a conversion, once
// found, survives later syncs unchanged.
import { expect } from 'chai';
import { DatabaseSync } from 'node:sqlite';
import { attribute, measureImpact, readConversions, recordExposures, type AttributableLine, type Exposure } from '../../sync-server/src/impact/index.js';
import type { Recommendation } from '../../sync-server/src/domain/types.js';
import { SqliteSql } from '../../sync-server/src/mirror/sqlite-sql.js';

const exposure = (over: Partial<Exposure> = {}): Exposure => ({ externalId: 'A1-P1-XS', accountId: 'A1', productId: 'P1', kind: 'Cross-sell', shown: true, firstOn: '2026-01-10', ...over });
const line = (over: Partial<AttributableLine> = {}): AttributableLine => ({ id: 'L1', opportunityId: 'O1', accountId: 'A1', productId: 'P1', on: '2026-02-01', amount: 120, won: true, ...over });
const rec = (accountId: string, productId: string): Recommendation => ({
  accountId, productId, kind: 'Cross-sell', rank: 1, score: 0.5, confidence: 'Medium', reason: 'r', evidence: {}, expectedRevenue: null, opportunityId: null,
});

describe('impact: attribution', () => {
  it('credits a new line for the same account and product inside the window, and only that', () => {
    expect(attribute([exposure()], [line()], 90)).to.deep.equal([{ externalId: 'A1-P1-XS', lineId: 'L1', opportunityId: 'O1', convertedOn: '2026-02-01', amount: 120, won: true }]);
    expect(attribute([exposure()], [line({ productId: 'P2' })], 90), 'other product').to.deep.equal([]);
    expect(attribute([exposure()], [line({ accountId: 'A2' })], 90), 'other account').to.deep.equal([]);
    expect(attribute([exposure()], [line({ on: '2026-01-09' })], 90), 'bought before it was recommended').to.deep.equal([]);
    expect(attribute([exposure()], [line({ on: '2026-01-10' })], 90), 'the same day counts').to.have.length(1);
    expect(attribute([exposure()], [line({ on: '2026-04-10' })], 90), 'day 90 is inside').to.have.length(1);
    expect(attribute([exposure()], [line({ on: '2026-04-11' })], 90), 'day 91 is outside').to.deep.equal([]);
    expect(attribute([exposure()], [line({ on: '2026-01-20' })], 7), 'a shorter window').to.deep.equal([]);
  });

  it('counts an open or lost deal as converted but not won, and picks the earliest line whatever the read order', () => {
    expect(attribute([exposure()], [line({ won: false })], 90)[0].won).to.equal(false);
    const lines = [line({ id: 'L9', on: '2026-03-01' }), line({ id: 'L5', on: '2026-02-01' }), line({ id: 'L2', on: '2026-02-01' })];
    expect(attribute([exposure()], lines, 90)[0].lineId).to.equal('L2');
    expect(attribute([exposure()], [...lines].reverse(), 90)[0].lineId).to.equal('L2');
  });

  it('measures shadow (holdout) exposures by the same rule', () => {
    expect(attribute([exposure({ shown: false })], [line()], 90)).to.have.length(1);
  });

  it('rejects a window that is not a whole number of days', () => {
    expect(() => attribute([], [], 0)).to.throw(/attribution window/);
    expect(() => attribute([], [], 1.5)).to.throw(/attribution window/);
  });
});

describe('impact: a conversion survives re-syncs', () => {
  it('keeps the first day of an exposure and the line that converted it; only the won state follows the deal', async () => {
    const db = new SqliteSql(new DatabaseSync(':memory:'), ':memory:');
    expect(await recordExposures(db, { recommendations: [rec('A1', 'P1')], shadow: [rec('H1', 'P1')] }, '2026-01-10T00:00:00.000Z')).to.equal(2);
    // A later run lists the same products again: the window still counts from the first day.
    expect(await recordExposures(db, { recommendations: [rec('A1', 'P1')], shadow: [rec('H1', 'P1')] }, '2026-03-01T00:00:00.000Z')).to.equal(0);

    const open = [line({ id: 'L1', won: false, on: '2026-02-01' }), line({ id: 'LH', accountId: 'H1', opportunityId: 'OH', on: '2026-02-03' })];
    const first = await measureImpact(db, open, 90);
    expect(first.changed.map((c) => c.externalId).sort()).to.deep.equal(['A1-P1-XS', 'H1-P1-XS']);
    expect((await measureImpact(db, open, 90)).changed, 'a re-run over the same data changes nothing').to.deep.equal([]);

    // The deal closes won; a second, earlier-dated line shows up; the first line is later deleted.
    const later = [line({ id: 'L1', won: true, on: '2026-02-01' }), line({ id: 'L0', on: '2026-01-15', opportunityId: 'O0' }), open[1]];
    expect((await measureImpact(db, later, 90)).changed).to.deep.equal([{ externalId: 'A1-P1-XS', lineId: 'L1', opportunityId: 'O1', convertedOn: '2026-02-01', amount: 120, won: true }]);
    await measureImpact(db, [open[1]], 90);
    const kept = (await readConversions(db)).find((c) => c.externalId === 'A1-P1-XS');
    expect(kept).to.deep.equal({ externalId: 'A1-P1-XS', lineId: 'L1', opportunityId: 'O1', convertedOn: '2026-02-01', amount: 120, won: true });
    await db.close();
  });
});
