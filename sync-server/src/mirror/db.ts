// The local mirror: one node:sqlite file holding the org's records, per-object watermarks, run history, the
// write-back ledger and the last model output. Schema changes are numbered migrations applied in order and
// recorded in schema_version, so an old data directory upgrades itself on open.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Sql } from './sql.js';
import { SqliteSql } from './sqlite-sql.js';

/**
 * The opened store. `sql` is the async surface every module is moving to (it also runs on PostgreSQL); `db` is
 * the same SQLite connection used synchronously by the modules not yet moved, and goes when they have.
 */
export type Mirror = { db: DatabaseSync; sql: Sql; path: string; close(): void };

/**
 * SQLite result codes that mean the store itself is failing (not the statement): the disk is full, the file
 * cannot be written or read, or it is not a database. Named so the operator reads SQLITE_FULL, not "error 13".
 */
const STORE_FAILURES: Record<number, { code: string; fix: string }> = {
  13: { code: 'SQLITE_FULL', fix: 'free space on the volume that holds it' },
  10: { code: 'SQLITE_IOERR', fix: 'check the disk and the file system that hold it' },
  8: { code: 'SQLITE_READONLY', fix: 'make the file and its directory writable by this user' },
  14: { code: 'SQLITE_CANTOPEN', fix: 'make sure its directory exists and is writable by this user' },
  11: { code: 'SQLITE_CORRUPT', fix: 'restore it from a backup or delete it (the next Full run rebuilds it)' },
  26: { code: 'SQLITE_NOTADB', fix: 'point the setting at a Reco mirror, or at a new path' },
};

/** The mirror store failed as a whole; the message names the file, the SQLite code and what to do. */
export class StoreError extends Error {
  public constructor(
    public readonly code: string,
    public readonly path: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

// The last store failure per file, for readiness probes: a store that just failed a write is not ready, even
// though the handle is still open. Cleared by the next committed transaction.
const faults = new Map<string, { error: StoreError; at: string }>();

/** The last unrecovered failure of the store at this file (or of this handle's file), or null. */
export function storeFault(target: DatabaseSync | string): { message: string; code: string; at: string } | null {
  const fault = faults.get(typeof target === 'string' ? target : locationOf(target));
  return fault ? { message: fault.error.message, code: fault.error.code, at: fault.at } : null;
}

const locationOf = (db: DatabaseSync): string => db.location() ?? ':memory:';

/**
 * Turns a store-level SQLite failure into a StoreError naming the file (and the setting that chose it, when
 * given) and records it for readiness; any other error is returned unchanged.
 */
export function asStoreError(error: unknown, path: string, setting?: string): unknown {
  if (error instanceof StoreError) return error;
  const e = error as { errcode?: number; errstr?: string; code?: string; message?: string };
  const failure = typeof e?.errcode === 'number' ? STORE_FAILURES[e.errcode & 0xff] : undefined;
  if (!failure) return error;
  const where = setting ? `${path} (set by ${setting})` : path;
  const storeError = new StoreError(failure.code, path, `the mirror store ${where} failed: ${e.errstr ?? e.message} (${failure.code}); ${failure.fix}`, { cause: error });
  faults.set(path, { error: storeError, at: new Date().toISOString() });
  return storeError;
}

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
  // 4: each recommendation's place in the account's merged next-best list
  `
  ALTER TABLE result_recommendations ADD COLUMN next_best_rank INTEGER;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Opens (creating and migrating) the mirror. `location` is a data directory, a .db/.sqlite file, or ':memory:'.
 * `setting` names where the location came from (RECO_STORE_PATH), so an unusable one can be fixed from the error.
 */
export function openMirror(location: string, options: { setting?: string } = {}): Mirror {
  let path = location;
  const where = (): string => (options.setting ? `${path} (set by ${options.setting})` : path);
  try {
    if (location !== ':memory:' && !/\.(db|sqlite3?)$/.test(location)) {
      path = join(location, 'reco-mirror.db');
      mkdirSync(location, { recursive: true });
    } else if (location !== ':memory:') {
      mkdirSync(dirname(location), { recursive: true });
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new StoreError(code, path, `cannot create the directory of the mirror store ${where()}: ${code}; choose a writable location`, { cause: error });
  }
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path);
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    migrate(db);
  } catch (error) {
    db?.close();
    throw asStoreError(error, path, options.setting);
  }
  const opened = db;
  return { db: opened, sql: new SqliteSql(opened, path), path, close: () => opened.close() };
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

/**
 * Runs fn in one write transaction (node:sqlite has no helper). On SQLITE_FULL, IOERR and the like SQLite has
 * already rolled the transaction back itself; a second ROLLBACK would throw "no transaction is active" and
 * hide the real cause, so it is issued only while a transaction is still open.
 */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  try {
    db.exec('BEGIN IMMEDIATE');
    const out = fn();
    db.exec('COMMIT');
    faults.delete(locationOf(db));
    return out;
  } catch (err) {
    if (db.isOpen && db.isTransaction) db.exec('ROLLBACK');
    throw asStoreError(err, locationOf(db));
  }
}
