// The one SQL surface the store is written against, so the same statements run on the embedded node:sqlite
// file and on PostgreSQL. Statements use `?` placeholders and the SQL both engines share (ON CONFLICT upserts,
// substr, COUNT); what differs (DDL, bulk loads) goes through `dialect` or `copy`. Async because PostgreSQL is.
export type SqlValue = string | number | bigint | boolean | null | Uint8Array;

export type Dialect = 'sqlite' | 'postgres';

export type Sql = {
  readonly dialect: Dialect;
  /** Where the store is, safe to print: the file path, or the PostgreSQL URL without its password. */
  readonly location: string;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Runs one statement and returns how many rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Runs a script of statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs fn in one transaction on one connection: committed if fn resolves, rolled back if it throws. Statements
   * must go through `tx`; other callers of this handle wait until it ends, so nothing joins it by accident.
   */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * Bulk-loads rows into a table: COPY on PostgreSQL, one prepared INSERT in a transaction on SQLite. With
   * `upsertKey`, rows whose key exists replace the stored columns (through a temp table on PostgreSQL).
   */
  copy(table: string, columns: readonly string[], rows: Iterable<readonly SqlValue[]>, options?: { upsertKey?: readonly string[] }): Promise<number>;
  close(): Promise<void>;
};

/**
 * Rewrites `?` placeholders as PostgreSQL's `$1, $2, …`, leaving question marks inside quoted strings,
 * quoted identifiers and comments alone.
 */
export function numberedPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end < 0 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') {
      out += `$${++n}`;
    } else {
      out += c;
    }
  }
  return out;
}

/** A PostgreSQL URL with any password replaced, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/** Serialises async work on one resource: each call waits for the one before it to settle. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  public run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
