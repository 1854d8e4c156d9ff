// The measurement store keeps the same rows on node:sqlite and on PostgreSQL: exposures (shown and holdout)
// keep their first day, conversions keep their line and follow only the won state, the org-written flag, and
// re-saving the same run's lists changes nothing.
import { expect } from 'chai';
import { DatabaseSync } from 'node:sqlite';
import type { Recommendation } from '../../sync-server/src/domain/types.js';
import {
  IMPACT_SCHEMA, markOrgWritten, measureImpact, pendingOrgWrites, readConversions, readExposures, recordExposures, saveConversions, type AttributableLine,
} from '../../sync-server/src/impact/index.js';
import { SqliteSql } from '../../sync-server/src/mirror/sqlite-sql.js';
import type { Sql } from '../../sync-server/src/lib/sql.js';
import { sqlEngines } from '../support/sql-engines.js';

const rec = (accountId: string, productId: string, kind: Recommendation['kind'] = 'Cross-sell'): Recommendation => ({
  accountId, productId, kind, rank: 1, score: 0.5, confidence: 'Medium', reason: 'r', evidence: {}, expectedRevenue: null, opportunityId: null,
});
const line = (over: Partial<AttributableLine> = {}): AttributableLine => ({ id: 'L1', opportunityId: 'O1', accountId: 'A1', productId: 'P1', on: '2026-02-01', amount: 120.25, won: false, ...over });

for (const engine of sqlEngines()) {
  describe(`impact store on ${engine.name}`, function () {
    this.timeout(60_000);
    let sql: Sql;
    beforeEach(async () => {
      sql = await engine.open();
    });
    after(() => engine.cleanup());

    it('records shown and holdout exposures once, keeping the first day, and re-saving a run adds nothing', async () => {
      const lists = { recommendations: [rec('A1', 'P1'), rec('A1', 'P2', 'Buy again')], shadow: [rec('H1', 'P1')] };
      expect(await recordExposures(sql, lists, '2026-01-10T08:00:00.000Z')).to.equal(3);
      expect(await recordExposures(sql, lists, '2026-01-10T08:00:00.000Z'), 'the same run saved again').to.equal(0);
      expect(await recordExposures(sql, { recommendations: [rec('A1', 'P1'), rec('A2', 'P1')], shadow: [] }, '2026-03-01')).to.equal(1);
      expect(await readExposures(sql)).to.deep.equal([
        { externalId: 'A1-P1-XS', accountId: 'A1', productId: 'P1', kind: 'Cross-sell', shown: true, firstOn: '2026-01-10' },
        { externalId: 'A1-P2-BA', accountId: 'A1', productId: 'P2', kind: 'Buy again', shown: true, firstOn: '2026-01-10' },
        { externalId: 'A2-P1-XS', accountId: 'A2', productId: 'P1', kind: 'Cross-sell', shown: true, firstOn: '2026-03-01' },
        { externalId: 'H1-P1-XS', accountId: 'H1', productId: 'P1', kind: 'Cross-sell', shown: false, firstOn: '2026-01-10' },
      ]);
    });

    it('attributes conversions to shown and holdout exposures, keeps their line, follows the won state, and is idempotent', async () => {
      await recordExposures(sql, { recommendations: [rec('A1', 'P1')], shadow: [rec('H1', 'P1')] }, '2026-01-10');
      const open = [line(), line({ id: 'LH', accountId: 'H1', opportunityId: 'OH', on: '2026-02-03', won: true })];
      const first = await measureImpact(sql, open, 90);
      expect(first).to.include({ exposures: 2, conversions: 2 });
      expect(first.changed.map((c) => c.externalId)).to.deep.equal(['A1-P1-XS', 'H1-P1-XS']);
      expect((await measureImpact(sql, open, 90)).changed, 'a re-run over the same data changes nothing').to.deep.equal([]);
      const won = [line({ won: true }), line({ id: 'L0', opportunityId: 'O0', on: '2026-01-15', won: true }), open[1]];
      expect((await measureImpact(sql, won, 90)).changed).to.deep.equal([{ externalId: 'A1-P1-XS', lineId: 'L1', opportunityId: 'O1', convertedOn: '2026-02-01', amount: 120.25, won: true }]);
      expect(await readConversions(sql)).to.deep.equal([
        { externalId: 'A1-P1-XS', lineId: 'L1', opportunityId: 'O1', convertedOn: '2026-02-01', amount: 120.25, won: true },
        { externalId: 'H1-P1-XS', lineId: 'LH', opportunityId: 'OH', convertedOn: '2026-02-03', amount: 120.25, won: true },
      ]);
    });

    it('keeps a conversion pending for the org until it is written, and again when its won state changes', async () => {
      const c = { externalId: 'A1-P1-XS', lineId: 'L1', opportunityId: 'O1', convertedOn: '2026-02-01', amount: 10, won: false };
      expect(await saveConversions(sql, [c, { ...c, externalId: 'A2-P1-XS' }])).to.have.length(2);
      expect((await pendingOrgWrites(sql)).map((p) => p.externalId)).to.deep.equal(['A1-P1-XS', 'A2-P1-XS']);
      await markOrgWritten(sql, ['A1-P1-XS']);
      await markOrgWritten(sql, []);
      expect((await pendingOrgWrites(sql)).map((p) => p.externalId)).to.deep.equal(['A2-P1-XS']);
      expect(await saveConversions(sql, [{ ...c, won: true }, { ...c, lineId: 'L7', won: true, externalId: 'A2-P1-XS' }])).to.deep.equal([{ ...c, won: true }]);
      expect((await pendingOrgWrites(sql)).map((p) => [p.externalId, p.lineId, p.won])).to.deep.equal([['A1-P1-XS', 'L1', true], ['A2-P1-XS', 'L1', false]]);
    });

    it('rolls back a failed conversion save as a whole', async () => {
      const c = { externalId: 'A1-P1-XS', lineId: 'L1', opportunityId: 'O1', convertedOn: '2026-02-01', amount: 10, won: false };
      const bad = { ...c, externalId: 'A2-P1-XS', lineId: null as unknown as string };
      const error = await saveConversions(sql, [c, bad]).catch((e: Error) => e);
      expect(error).to.be.instanceOf(Error);
      expect(await readConversions(sql)).to.deep.equal([]);
    });
  });
}

describe('impact store: an existing node:sqlite file', () => {
  it('keeps the rows of impact tables created before the schema was versioned', async () => {
    const db = new DatabaseSync(':memory:');
    db.exec(IMPACT_SCHEMA[0].sqlite);
    db.prepare("INSERT INTO impact_exposure VALUES ('A1-P1-XS', 'A1', 'P1', 'Cross-sell', 1, '2025-12-01')").run();
    const sql = new SqliteSql(db, ':memory:');
    expect(await readExposures(sql)).to.have.length(1);
    expect(await sql.get('SELECT version FROM reco_domain_schema WHERE domain = ?', ['impact'])).to.deep.equal({ version: 1 });
    await sql.close();
  });
});
