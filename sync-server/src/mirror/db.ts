// The local mirror: one node:sqlite file holding the org's records, per-object watermarks, run history, the
// write-back ledger and the last model output. Schema changes are numbered migrations applied in order and
// recorded in schema_version, so an old data directory upgrades itself on open.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { PostgresSql } from './postgres-sql.js';
import { redactUrl, type Sql } from '../lib/sql.js';
import { SqliteSql } from './sqlite-sql.js';

/**
 * The opened store: `sql` is the surface every module reads and writes through, on node:sqlite or PostgreSQL;
 * `path` is where it is, safe to print (a PostgreSQL URL without its password).
 */
export type Mirror = { sql: Sql; path: string; close(): Promise<void> };

/**
 * The embedded store also hands out node:sqlite's own connection: the serving thread reads results from it
 * synchronously (no promise per request), and SQLite-only maintenance (page limits, PRAGMAs) needs it.
 */
export type SqliteMirror = Mirror & { db: DatabaseSync };

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
export function storeFault(target: DatabaseSync | Sql | string): { message: string; code: string; at: string } | null {
  const fault = faults.get(typeof target === 'string' ? target : 'dialect' in target ? target.location : locationOf(target));
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
  const failure = typeof e?.errcode === 'number' ? STORE_FAILURES[e.errcode & 0xff] : postgresFailure(e);
  if (!failure) return error;
  const where = setting ? `${path} (set by ${setting})` : path;
  const storeError = new StoreError(failure.code, path, `the mirror store ${where} failed: ${e.errstr ?? e.message} (${failure.code}); ${failure.fix}`, { cause: error });
  faults.set(path, { error: storeError, at: new Date().toISOString() });
  return storeError;
}

/**
 * PostgreSQL failures of the store as a whole (SQLSTATE classes 08, 53, 57P and the socket errors under them),
 * as opposed to a statement's own error (a constraint, a syntax error), which is left as it is.
 */
const POSTGRES_FAILURES: Record<string, { code: string; fix: string }> = {
  '53100': { code: 'PG_DISK_FULL', fix: 'free space on the PostgreSQL server\'s data volume' },
  '53200': { code: 'PG_OUT_OF_MEMORY', fix: 'give the PostgreSQL server more memory, or lower its work_mem' },
  '53300': { code: 'PG_TOO_MANY_CONNECTIONS', fix: 'raise the server\'s max_connections, or run fewer Reco processes against it' },
  '57P01': { code: 'PG_ADMIN_SHUTDOWN', fix: 'the server was shut down; start it again (the next run resumes)' },
  '57P02': { code: 'PG_CRASH_SHUTDOWN', fix: 'the server restarted after a crash; check its log' },
  '57P03': { code: 'PG_CANNOT_CONNECT_NOW', fix: 'the server is starting or in recovery; wait and retry' },
  '08000': { code: 'PG_CONNECTION_EXCEPTION', fix: 'check that the server is running and reachable' },
  '08001': { code: 'PG_CONNECTION_REFUSED', fix: 'check that the server is running and reachable' },
  '08003': { code: 'PG_CONNECTION_LOST', fix: 'check the server and the network to it' },
  '08006': { code: 'PG_CONNECTION_LOST', fix: 'check the server and the network to it' },
  '28P01': { code: 'PG_AUTH_FAILED', fix: 'check the user and password in the URL' },
  '3D000': { code: 'PG_NO_DATABASE', fix: 'create the database, or point the URL at one that exists' },
  ECONNREFUSED: { code: 'PG_CONNECTION_REFUSED', fix: 'check that the server is running and listening at that host and port' },
  ECONNRESET: { code: 'PG_CONNECTION_LOST', fix: 'check the server and the network to it' },
  ENOTFOUND: { code: 'PG_HOST_NOT_FOUND', fix: 'check the host name in the URL' },
  ETIMEDOUT: { code: 'PG_CONNECTION_TIMEOUT', fix: 'check that the server is reachable from this host' },
};

function postgresFailure(e: { code?: string; message?: string } | undefined): { code: string; fix: string } | undefined {
  if (!e) return undefined;
  if (typeof e.code === 'string' && POSTGRES_FAILURES[e.code]) return POSTGRES_FAILURES[e.code];
  // node-postgres reports a socket closed under a query with no code, only this message.
  if (typeof e.message === 'string' && /^Connection terminated/.test(e.message)) return POSTGRES_FAILURES['08006'];
  return undefined;
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

/**
 * The same numbered versions for PostgreSQL. Text columns collate as "C" (byte order), so ORDER BY and keyset
 * comparisons on ids and stamps agree with SQLite's binary collation whatever the database's locale.
 */
const POSTGRES_MIGRATIONS: string[] = [
  // 1: records, watermarks, runs, write-back ledger, results
  `
  CREATE TABLE records (
    object TEXT COLLATE "C" NOT NULL, id TEXT COLLATE "C" NOT NULL, modstamp TEXT COLLATE "C" NOT NULL, data TEXT NOT NULL, run_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (object, id)
  );
  CREATE TABLE watermarks (
    object TEXT COLLATE "C" PRIMARY KEY, modstamp TEXT COLLATE "C" NOT NULL, full_done INTEGER NOT NULL DEFAULT 0, updated_at TEXT NOT NULL
  );
  CREATE TABLE runs (
    id TEXT COLLATE "C" PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL, started_at TEXT COLLATE "C" NOT NULL, finished_at TEXT,
    stage TEXT, progress TEXT NOT NULL DEFAULT '{}', quality TEXT, summary TEXT, error TEXT, api_calls INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX runs_started ON runs (started_at);
  CREATE TABLE written (
    object TEXT COLLATE "C" NOT NULL, external_id TEXT COLLATE "C" NOT NULL, hash TEXT NOT NULL, sf_id TEXT, run_id TEXT NOT NULL,
    PRIMARY KEY (object, external_id)
  );
  CREATE TABLE result_recommendations (
    external_id TEXT COLLATE "C" PRIMARY KEY, account_id TEXT COLLATE "C" NOT NULL, product_id TEXT COLLATE "C" NOT NULL, kind TEXT COLLATE "C" NOT NULL,
    rank INTEGER NOT NULL, score DOUBLE PRECISION NOT NULL, confidence TEXT NOT NULL, reason TEXT NOT NULL, evidence TEXT NOT NULL,
    expected_revenue DOUBLE PRECISION, opportunity_id TEXT, run_id TEXT NOT NULL
  );
  CREATE INDEX result_recommendations_account ON result_recommendations (account_id, kind, rank);
  CREATE TABLE result_insights (account_id TEXT COLLATE "C" PRIMARY KEY, data TEXT NOT NULL, run_id TEXT NOT NULL);
  CREATE TABLE result_segments (key TEXT COLLATE "C" PRIMARY KEY, data TEXT NOT NULL, run_id TEXT NOT NULL);
  CREATE TABLE meta (key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL);
  CREATE TABLE result_meta (id INTEGER PRIMARY KEY CHECK (id = 1), run_id TEXT NOT NULL, as_of TEXT NOT NULL, metrics TEXT NOT NULL);
  `,
  // 2: keyset watermarks (ties on SystemModstamp) and when the object was last read
  `
  ALTER TABLE watermarks ADD COLUMN last_id TEXT COLLATE "C";
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

// Any fixed number: the advisory lock every Reco process takes to migrate, so two starting at once do not
// both apply the same migration.
const MIGRATION_LOCK = 7_240_020_001;

/**
 * Where the store is, from the settings: RECO_STORE_URL (a postgres:// URL) wins over RECO_STORE_PATH (the
 * node:sqlite file or data directory).
 */
export type StoreSettings = { path: string; url?: string };

/**
 * Opens (creating and migrating) the store the settings name: PostgreSQL when `url` is set, otherwise the
 * node:sqlite file at `path`. Failures name the setting and the place, never the password.
 */
export async function openStore(settings: StoreSettings, options: { applicationName?: string; maxConnections?: number } = {}): Promise<Mirror | SqliteMirror> {
  if (!settings.url) return openMirror(settings.path, { setting: 'RECO_STORE_PATH' });
  const location = redactUrl(settings.url);
  let sql: PostgresSql;
  try {
    sql = await PostgresSql.open(settings.url, options);
  } catch (error) {
    const mapped = asStoreError(error, location, 'RECO_STORE_URL');
    if (mapped instanceof StoreError) throw mapped;
    throw new StoreError('PG_OPEN_FAILED', location, `cannot open the mirror store ${location} (set by RECO_STORE_URL): ${redactMessage((error as Error).message, settings.url)}`, { cause: error });
  }
  try {
    await migratePostgres(sql);
  } catch (error) {
    await sql.close().catch(() => undefined);
    throw asStoreError(error, location, 'RECO_STORE_URL');
  }
  return { sql, path: location, close: () => sql.close() };
}

/** An error message with the URL's password taken out (drivers sometimes quote the connection string). */
function redactMessage(message: string, url: string): string {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password ? message.split(password).join('***') : message;
  } catch {
    return message;
  }
}

async function migratePostgres(sql: Sql): Promise<void> {
  // One transaction under a transaction-scoped advisory lock: a second process starting at the same time waits
  // here, then finds the schema current. PostgreSQL's DDL is transactional, so a failed step leaves nothing.
  await sql.transaction(async (tx) => {
    await tx.get('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
    await tx.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const current = (await tx.get<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_version'))?.v ?? 0;
    if (current > POSTGRES_MIGRATIONS.length) {
      throw new Error(`mirror schema version ${current} is newer than this build supports (${POSTGRES_MIGRATIONS.length}); upgrade Reco`);
    }
    for (let v = current; v < POSTGRES_MIGRATIONS.length; v++) {
      await tx.exec(POSTGRES_MIGRATIONS[v]);
      await tx.run('INSERT INTO schema_version (version) VALUES (?)', [v + 1]);
    }
  });
}

/**
 * Runs fn in one transaction on the async surface; a store-level failure becomes a StoreError naming the store
 * (and marks it failing for readiness), and a commit clears that mark.
 */
export async function storeTransaction<T>(sql: Sql, fn: (tx: Sql) => Promise<T>): Promise<T> {
  try {
    const out = await sql.transaction(fn);
    faults.delete(sql.location);
    return out;
  } catch (error) {
    throw asStoreError(error, sql.location);
  }
}

/**
 * Opens (creating and migrating) the mirror. `location` is a data directory, a .db/.sqlite file, or ':memory:'.
 * `setting` names where the location came from (RECO_STORE_PATH), so an unusable one can be fixed from the error.
 */
export function openMirror(location: string, options: { setting?: string } = {}): SqliteMirror {
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
  // Keyed like the legacy transaction's faults (the resolved file), so storeFault finds either.
  const sql = new SqliteSql(opened, opened.location() ?? ':memory:');
  return { db: opened, sql, path, close: () => sql.close() };
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
function transaction<T>(db: DatabaseSync, fn: () => T): T {
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
