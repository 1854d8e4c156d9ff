// A domain's own tables (impact, text) come up the same way on both engines: numbered steps applied once and
// recorded, a store newer than the build refused, and staged bulk writes that leave nothing behind.
import { expect } from 'chai';
import { applyDomainSchema, inCodeUnitOrder, throughStage, type SchemaStep } from '../../sync-server/src/lib/domain-schema.js';
import type { Sql } from '../../sync-server/src/lib/sql.js';
import { PostgresSql } from '../../sync-server/src/mirror/postgres-sql.js';
import { createTestDatabase } from '../support/postgres.js';
import { sqlEngines } from '../support/sql-engines.js';


const STEPS: SchemaStep[] = [
  { sqlite: 'CREATE TABLE IF NOT EXISTS demo_item (k TEXT PRIMARY KEY, n REAL NOT NULL)', postgres: 'CREATE TABLE IF NOT EXISTS demo_item (k TEXT PRIMARY KEY, n DOUBLE PRECISION NOT NULL)' },
  { sqlite: 'ALTER TABLE demo_item ADD COLUMN note TEXT', postgres: 'ALTER TABLE demo_item ADD COLUMN note TEXT' },
];

for (const engine of sqlEngines()) {
  describe(`domain schema on ${engine.name}`, function () {
    this.timeout(60_000);
    let sql: Sql;
    beforeEach(async () => {
      sql = await engine.open();
    });
    after(() => engine.cleanup());

    it('applies each step once and records the version, so a second open changes nothing', async () => {
      await applyDomainSchema(sql, 'demo', STEPS);
      await applyDomainSchema(sql, 'demo', STEPS);
      // A new handle on the same store (as after a restart) must not re-run the ALTER.
      await applyDomainSchema({ ...sql, dialect: sql.dialect, transaction: sql.transaction.bind(sql), get: sql.get.bind(sql), exec: sql.exec.bind(sql), run: sql.run.bind(sql) } as Sql, 'demo', STEPS);
      expect(await sql.get('SELECT version FROM reco_domain_schema WHERE domain = ?', ['demo'])).to.deep.equal({ version: 2 });
      await sql.run('INSERT INTO demo_item (k, n, note) VALUES (?, ?, ?)', ['a', 1.5, 'x']);
      expect(await sql.all('SELECT k, n, note FROM demo_item')).to.deep.equal([{ k: 'a', n: 1.5, note: 'x' }]);
    });

    it('refuses a store whose domain tables are newer than this build, naming the domain', async () => {
      await sql.exec('CREATE TABLE IF NOT EXISTS reco_domain_schema (domain TEXT PRIMARY KEY, version INTEGER NOT NULL)');
      await sql.run('INSERT INTO reco_domain_schema (domain, version) VALUES (?, ?)', ['future', 9]);
      const error = await applyDomainSchema(sql, 'future', STEPS).catch((e: Error) => e);
      expect((error as Error).message).to.match(/future tables are at version 9, newer than this build supports \(2\)/);
    });

    it('stages bulk rows for statements COPY cannot express, and drops the stage', async () => {
      await applyDomainSchema(sql, 'demo', STEPS);
      await sql.run('INSERT INTO demo_item (k, n) VALUES (?, ?)', ['a', 1]);
      const counts = await throughStage(sql, 'demo_stage', [['k', 'TEXT'], ['n', 'REAL']], [['a', 2.5], ['b', 4]], (stage) => [
        `INSERT INTO demo_item (k, n) SELECT k, n FROM ${stage} WHERE true ON CONFLICT (k) DO UPDATE SET n = demo_item.n + excluded.n`,
        `UPDATE demo_item SET note = 'staged' WHERE k IN (SELECT k FROM ${stage})`,
      ]);
      expect(counts).to.deep.equal([2, 2]);
      expect(await sql.all('SELECT k, n, note FROM demo_item ORDER BY k')).to.deep.equal([{ k: 'a', n: 3.5, note: 'staged' }, { k: 'b', n: 4, note: 'staged' }]);
      // Staged twice in one transaction: the stage of the first is gone before the second.
      await sql.transaction(async (tx) => {
        await throughStage(tx, 'demo_stage', [['k', 'TEXT']], [['a']], (stage) => [`DELETE FROM demo_item WHERE k IN (SELECT k FROM ${stage})`]);
        await throughStage(tx, 'demo_stage', [['k', 'TEXT']], [['b']], (stage) => [`DELETE FROM demo_item WHERE k IN (SELECT k FROM ${stage})`]);
      });
      expect(await sql.all('SELECT k FROM demo_item')).to.deep.equal([]);
    });
  });
}

describe('domain schema on PostgreSQL: two replicas opening at once', function () {
  this.timeout(60_000);
  it('runs each step once when two handles migrate the same database concurrently', async () => {
    const db = await createTestDatabase();
    const a = await PostgresSql.open(db.url, { maxConnections: 2 });
    const b = await PostgresSql.open(db.url, { maxConnections: 2 });
    try {
      await Promise.all([applyDomainSchema(a, 'demo', STEPS), applyDomainSchema(b, 'demo', STEPS)]);
      expect(await a.get('SELECT version FROM reco_domain_schema WHERE domain = ?', ['demo'])).to.deep.equal({ version: 2 });
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });
});

describe('inCodeUnitOrder', () => {
  it('sorts by UTF-16 code units, as SQLite does, whatever a locale would say', () => {
    expect(inCodeUnitOrder(['b', 'B', 'a', 'A', '_x', 'é'], (s) => s)).to.deep.equal(['A', 'B', '_x', 'a', 'b', 'é']);
  });
});
