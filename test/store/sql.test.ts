// The Sql surface behaves the same on node:sqlite and on PostgreSQL: the store above it is written once.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { numberedPlaceholders, redactUrl, type Sql } from '../../sync-server/src/lib/sql.js';
import { SqliteSql } from '../../sync-server/src/mirror/sqlite-sql.js';
import { PostgresSql } from '../../sync-server/src/mirror/postgres-sql.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

const TABLE = 'CREATE TABLE items (k TEXT NOT NULL, n INTEGER NOT NULL, note TEXT, score REAL, PRIMARY KEY (k))';

type Engine = { name: string; open(): Promise<Sql>; cleanup(): Promise<void> };

const engines: Engine[] = [
  (() => {
    let dir = '';
    return {
      name: 'node:sqlite',
      open: async () => {
        dir = mkdtempSync(path.join(tmpdir(), 'reco-sql-'));
        const file = path.join(dir, 'store.db');
        return new SqliteSql(new DatabaseSync(file), file);
      },
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  })(),
  (() => {
    let db: TestDatabase | null = null;
    return {
      name: 'PostgreSQL',
      open: async () => {
        db = await createTestDatabase();
        return PostgresSql.open(db.url, { maxConnections: 4 });
      },
      cleanup: async () => db?.drop(),
    };
  })(),
];

for (const engine of engines) {
  describe(`Sql on ${engine.name}`, function () {
    this.timeout(60_000);
    let sql: Sql;
    before(async () => {
      sql = await engine.open();
    });
    after(async () => {
      await sql?.close();
      await engine.cleanup();
    });
    beforeEach(async () => {
      await sql.exec('DROP TABLE IF EXISTS items');
      await sql.exec(TABLE);
    });

    it('binds ? parameters, counts changed rows and reads counts as numbers', async () => {
      expect(await sql.run('INSERT INTO items (k, n, note) VALUES (?, ?, ?)', ['a', 1, 'what?'])).to.equal(1);
      expect(await sql.run("INSERT INTO items (k, n, note) VALUES (?, ?, 'literal ?')", ['b', 2])).to.equal(1);
      expect(await sql.run('UPDATE items SET n = n + 10 WHERE n < ?', [5])).to.equal(2);
      const count = await sql.get<{ c: number }>('SELECT COUNT(*) AS c FROM items');
      expect(count?.c).to.equal(2);
      const total = await sql.get<{ s: number }>('SELECT SUM(n) AS s FROM items');
      expect(total?.s).to.equal(23);
      expect(await sql.all<{ k: string; note: string }>('SELECT k, note FROM items ORDER BY k')).to.deep.equal([
        { k: 'a', note: 'what?' },
        { k: 'b', note: 'literal ?' },
      ]);
      expect(await sql.get('SELECT k FROM items WHERE k = ?', ['none'])).to.equal(undefined);
    });

    it('upserts with ON CONFLICT the same way', async () => {
      const upsert = 'INSERT INTO items (k, n) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET n = excluded.n';
      await sql.run(upsert, ['a', 1]);
      await sql.run(upsert, ['a', 2]);
      expect(await sql.all('SELECT k, n FROM items')).to.deep.equal([{ k: 'a', n: 2 }]);
    });

    it('commits a transaction that resolves and rolls back one that throws, keeping the cause', async () => {
      await sql.transaction(async (tx) => {
        await tx.run('INSERT INTO items (k, n) VALUES (?, ?)', ['kept', 1]);
      });
      const failure = await sql
        .transaction(async (tx) => {
          await tx.run('INSERT INTO items (k, n) VALUES (?, ?)', ['lost', 1]);
          throw new Error('page rejected');
        })
        .catch((e: Error) => e);
      expect((failure as Error).message).to.equal('page rejected');
      expect(await sql.all('SELECT k FROM items ORDER BY k')).to.deep.equal([{ k: 'kept' }]);
    });

    it('keeps other callers out of an open transaction (they neither join it nor see it before commit)', async () => {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const tx = sql.transaction(async (t) => {
        await t.run('INSERT INTO items (k, n) VALUES (?, ?)', ['inside', 1]);
        await held;
        throw new Error('roll it back');
      });
      await new Promise((r) => setTimeout(r, 50));
      const outside = sql.run('INSERT INTO items (k, n) VALUES (?, ?)', ['outside', 2]);
      const seen = sql.all<{ k: string }>('SELECT k FROM items ORDER BY k');
      release();
      await tx.catch(() => undefined);
      await outside;
      expect((await seen).map((r) => r.k)).to.not.include('inside');
      expect(await sql.all('SELECT k FROM items ORDER BY k')).to.deep.equal([{ k: 'outside' }]);
    });

    it('bulk-loads rows with copy, escaping what COPY treats specially, and upserts by key', async () => {
      const awkward = 'tab\there\nnew line \\ back\\slash \r ünïcödé';
      const rows = Array.from({ length: 2500 }, (_, i) => [`k${i}`, i, i === 7 ? awkward : i % 3 ? null : 'x', i / 4]);
      expect(await sql.copy('items', ['k', 'n', 'note', 'score'], rows)).to.equal(2500);
      expect((await sql.get<{ c: number }>('SELECT COUNT(*) AS c FROM items'))?.c).to.equal(2500);
      expect(await sql.get('SELECT note, score FROM items WHERE k = ?', ['k7'])).to.deep.equal({ note: awkward, score: 1.75 });
      expect(await sql.get('SELECT note FROM items WHERE k = ?', ['k1'])).to.deep.equal({ note: null });

      await sql.copy('items', ['k', 'n', 'note'], [['k1', 100, 'changed'], ['new', 5, null]], { upsertKey: ['k'] });
      expect(await sql.get('SELECT n, note, score FROM items WHERE k = ?', ['k1'])).to.deep.equal({ n: 100, note: 'changed', score: 0.25 });
      expect((await sql.get<{ c: number }>('SELECT COUNT(*) AS c FROM items'))?.c).to.equal(2501);
    });

    it('loads nothing when a copied row is bad, and says why', async () => {
      const bad = sql.copy('items', ['k', 'n'], [['ok', 1], ['bad', null]]);
      const error = (await bad.catch((e: Error) => e)) as Error;
      expect(error).to.be.instanceOf(Error);
      expect(error.message).to.match(/null/i);
      expect((await sql.get<{ c: number }>('SELECT COUNT(*) AS c FROM items'))?.c).to.equal(0);
    });
  });
}

describe('Sql helpers', () => {
  it('numbers placeholders outside quotes and comments only', () => {
    expect(numberedPlaceholders("SELECT '?', \"a?\" FROM t WHERE a = ? AND b = ? -- why?\nAND c = ?")).to.equal(
      "SELECT '?', \"a?\" FROM t WHERE a = $1 AND b = $2 -- why?\nAND c = $3",
    );
  });

  it('never prints a password from the store URL', () => {
    expect(redactUrl('postgres://reco:s3cret@db.internal:5432/reco')).to.equal('postgres://reco:***@db.internal:5432/reco');
    expect(redactUrl('postgres://reco@127.0.0.1:5432/reco')).to.equal('postgres://reco@127.0.0.1:5432/reco');
  });
});
