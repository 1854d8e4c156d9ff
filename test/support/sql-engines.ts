// The two store engines a store test runs on: a node:sqlite file in a temp directory, and a fresh PostgreSQL
// database (createTestDatabase). Each open() gives a new, empty store; cleanup() removes all it opened.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Sql } from '../../sync-server/src/lib/sql.js';
import { SqliteSql } from '../../sync-server/src/mirror/sqlite-sql.js';
import { PostgresSql } from '../../sync-server/src/mirror/postgres-sql.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';

export type SqlEngine = { name: string; open(): Promise<Sql>; cleanup(): Promise<void> };

export function sqlEngines(): SqlEngine[] {
  const sqlite = (): SqlEngine => {
    const dirs: string[] = [];
    const opened: Sql[] = [];
    return {
      name: 'node:sqlite',
      open: async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'reco-store-'));
        dirs.push(dir);
        const file = path.join(dir, 'store.db');
        const sql = new SqliteSql(new DatabaseSync(file), file);
        opened.push(sql);
        return sql;
      },
      cleanup: async () => {
        for (const sql of opened.splice(0)) await sql.close();
        for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
      },
    };
  };
  const postgres = (): SqlEngine => {
    const dbs: TestDatabase[] = [];
    const opened: Sql[] = [];
    return {
      name: 'PostgreSQL',
      open: async () => {
        const db = await createTestDatabase();
        dbs.push(db);
        const sql = await PostgresSql.open(db.url, { maxConnections: 4 });
        opened.push(sql);
        return sql;
      },
      cleanup: async () => {
        for (const sql of opened.splice(0)) await sql.close();
        for (const db of dbs.splice(0)) await db.drop();
      },
    };
  };
  return [sqlite(), postgres()];
}
