// The local mirror: one node:sqlite file holding the org's records, per-object watermarks, run history, the
// write-back ledger and the last model output. Schema changes are numbered migrations applied in order and
// recorded in schema_version, so an old data directory upgrades itself on open.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export type Mirror = { db: DatabaseSync; path: string; close(): void };

const MIGRATIONS: string[] = [
  // 1: records, watermarks, runs, write-back ledger, results
  `
  CREATE TABLE records (
    object TEXT NOT NULL, id TEXT NOT NULL, modstamp TEXT NOT NULL, data TEXT NOT NULL, run_id TEXT NOT NULL,
    PRIMARY KEY (object, id)
  ) WITHOUT ROWID;
  CREATE TABLE watermarks (
    object TEXT PRIMARY KEY, modstamp TEXT NOT NULL, full_done INTEGER NOT NULL DEFAULT 0, updated_at TEXT NOT NULL
  );
  CREATE TABLE runs (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
    stage TEXT, progress TEXT NOT NULL DEFAULT '{}', quality TEXT, summary TEXT, error TEXT, api_calls INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX runs_started ON runs (started_at);
  CREATE TABLE written (
    object TEXT NOT NULL, external_id TEXT NOT NULL, hash TEXT NOT NULL, sf_id TEXT, run_id TEXT NOT NULL,
    PRIMARY KEY (object, external_id)
  ) WITHOUT ROWID;
  CREATE TABLE result_recommendations (
    external_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, product_id TEXT NOT NULL, kind TEXT NOT NULL, rank INTEGER NOT NULL,
    score REAL NOT NULL, confidence TEXT NOT NULL, reason TEXT NOT NULL, evidence TEXT NOT NULL, expected_revenue REAL,
    opportunity_id TEXT, run_id TEXT NOT NULL
  );
  CREATE INDEX result_recommendations_account ON result_recommendations (account_id, kind, rank);
  CREATE TABLE result_insights (account_id TEXT PRIMARY KEY, data TEXT NOT NULL, run_id TEXT NOT NULL);
  CREATE TABLE result_segments (key TEXT PRIMARY KEY, data TEXT NOT NULL, run_id TEXT NOT NULL);
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL);
  CREATE TABLE result_meta (id INTEGER PRIMARY KEY CHECK (id = 1), run_id TEXT NOT NULL, as_of TEXT NOT NULL, metrics TEXT NOT NULL);
  `,
  // 2: keyset watermarks (ties on SystemModstamp) and when the object was last read
  `
  ALTER TABLE watermarks ADD COLUMN last_id TEXT;
  ALTER TABLE watermarks ADD COLUMN synced_at TEXT;
  `,
  // 3: what each written record shows (rank, score, ...), so small score moves are not rewritten
  `
  ALTER TABLE written ADD COLUMN shown TEXT;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Opens (creating and migrating) the mirror. `location` is a data directory, a .db/.sqlite file, or ':memory:'. */
export function openMirror(location: string): Mirror {
  let path = location;
  if (location !== ':memory:' && !/\.(db|sqlite3?)$/.test(location)) {
    mkdirSync(location, { recursive: true });
    path = join(location, 'reco-mirror.db');
  } else if (location !== ':memory:') {
    mkdirSync(dirname(location), { recursive: true });
  }
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
  migrate(db);
  return { db, path, close: () => db.close() };
}

function migrate(db: DatabaseSync): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
  const current = row.v ?? 0;
  if (current > MIGRATIONS.length) {
    throw new Error(`mirror schema version ${current} is newer than this build supports (${MIGRATIONS.length}); upgrade Reco`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    transaction(db, () => {
      db.exec(MIGRATIONS[v]);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(v + 1);
    });
  }
}

/** Runs fn in one write transaction (node:sqlite has no helper). */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const out = fn();
    db.exec('COMMIT');
    return out;
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}
