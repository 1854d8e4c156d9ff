// A fresh PostgreSQL database per suite, on the cluster `npm test` started (RECO_TEST_PG_URL) or, when a test
// file runs on its own, on a throwaway cluster started here. Dropped (and the cluster stopped) in `after`.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../scripts/throwaway-postgres.mjs';

export type TestDatabase = { url: string; drop(): Promise<void> };

let own: ThrowawayPostgres | null = null;
let ownUsers = 0;

async function serverUrl(): Promise<string> {
  const given = process.env.RECO_TEST_PG_URL;
  if (given) return given;
  if (!own) {
    own = await startThrowawayPostgres();
    // A suite that fails before its drop(), or a run stopped with Ctrl-C, must not leave the cluster running.
    const started = own;
    process.once('exit', () => started.stop());
  }
  return own.url;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Creates an empty database with a unique name; drop() terminates its connections and removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = await serverUrl();
  ownUsers += own ? 1 : 0;
  const name = `reco_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  let dropped = false;
  return {
    url: withDatabase(server, name),
    async drop() {
      if (dropped) return;
      dropped = true;
      const client = new pg.Client({ connectionString: server });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
      if (own && --ownUsers === 0) {
        own.stop();
        own = null;
      }
    },
  };
}

/**
 * A fresh database for the calling describe's tests: made in its before hook, dropped in its after hook.
 * Returns a getter, as the database exists only once the hook has run.
 */
export function useTestDatabase(): () => TestDatabase {
  let db: TestDatabase | undefined;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db?.drop();
  });
  return () => {
    if (!db) throw new Error('the test database is made in a before hook: read it inside a test or hook');
    return db;
  };
}
