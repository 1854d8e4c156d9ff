// The Sql surface over node:sqlite. node:sqlite is synchronous, so each call runs at once and returns a settled
// promise; only a transaction spans awaits, and while one is open every other call on the handle waits for it
// (one connection: a statement issued meanwhile would otherwise land inside the open transaction).
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { Mutex, type Sql, type SqlValue } from '../lib/sql.js';

type Bound = null | number | bigint | string | Uint8Array;
const bind = (params: readonly SqlValue[]): Bound[] => params.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));

export class SqliteSql implements Sql {
  public readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, StatementSync>();
  private readonly gate: Mutex;
  private readonly state: { inTransaction: boolean };

  public constructor(
    public readonly db: DatabaseSync,
    public readonly location: string,
    // The transaction's own view shares the gate and statement cache but is never held by the gate.
    private readonly insideTransaction = false,
    shared?: { gate: Mutex; state: { inTransaction: boolean }; statements: Map<string, StatementSync> },
  ) {
    this.gate = shared?.gate ?? new Mutex();
    this.state = shared?.state ?? { inTransaction: false };
    if (shared) this.statements = shared.statements;
  }

  public all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.now(() => this.prepared(sql).all(...bind(params)) as T[]);
  }

  public get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return this.now(() => this.prepared(sql).get(...bind(params)) as T | undefined);
  }

  public run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.now(() => Number(this.prepared(sql).run(...bind(params)).changes));
  }

  public exec(sql: string): Promise<void> {
    return this.now(() => this.db.exec(sql));
  }

  public transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    // A transaction inside a transaction joins it: SQLite has one per connection.
    if (this.insideTransaction) return fn(this);
    return this.gate.run(async () => {
      const tx = new SqliteSql(this.db, this.location, true, { gate: this.gate, state: this.state, statements: this.statements });
      this.db.exec('BEGIN IMMEDIATE');
      this.state.inTransaction = true;
      try {
        const out = await fn(tx);
        this.db.exec('COMMIT');
        return out;
      } catch (error) {
        // On SQLITE_FULL, IOERR and the like SQLite has rolled back already; a second ROLLBACK would throw
        // "no transaction is active" and hide the real cause.
        if (this.db.isOpen && this.db.isTransaction) this.db.exec('ROLLBACK');
        throw error;
      } finally {
        this.state.inTransaction = false;
      }
    });
  }

  public async copy(table: string, columns: readonly string[], rows: Iterable<readonly SqlValue[]>, options: { upsertKey?: readonly string[] } = {}): Promise<number> {
    const key = options.upsertKey;
    const update = columns.filter((c) => !key?.includes(c));
    const conflict = key ? ` ON CONFLICT (${key.join(', ')}) DO ${update.length ? `UPDATE SET ${update.map((c) => `${c} = excluded.${c}`).join(', ')}` : 'NOTHING'}` : '';
    const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})${conflict}`;
    return this.transaction(async () => {
      const insert = this.prepared(sql);
      let n = 0;
      for (const row of rows) {
        insert.run(...bind(row));
        n++;
      }
      return n;
    });
  }

  public close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
    return Promise.resolve();
  }

  private prepared(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private now<T>(fn: () => T): Promise<T> {
    if (this.insideTransaction || !this.state.inTransaction) {
      try {
        return Promise.resolve(fn());
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    return this.gate.run(() => Promise.resolve(fn()));
  }
}
