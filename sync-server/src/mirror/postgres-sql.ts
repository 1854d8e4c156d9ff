// The Sql surface over PostgreSQL (node-postgres): a pool for single statements, one pooled client held for
// each transaction, and COPY (pg-copy-streams) for bulk loads, which is the fast path PostgreSQL offers.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { numberedPlaceholders, redactUrl, type Sql, type SqlValue } from '../lib/sql.js';

// COUNT(*) and SUM over integers come back as int8 / numeric, which node-postgres leaves as strings; the store
// only ever counts rows and sums money, both well inside a double, so they are read as numbers like SQLite's.
const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

type Queryable = pg.Pool | pg.PoolClient;

/** One value in COPY's text format: \N for null, backslash escapes for the characters COPY treats specially. */
function copyText(v: SqlValue): string {
  if (v === null) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (v instanceof Uint8Array) return `\\\\x${Buffer.from(v).toString('hex')}`;
  return String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

export class PostgresSql implements Sql {
  public readonly dialect = 'postgres' as const;

  private constructor(
    private readonly pool: pg.Pool,
    public readonly location: string,
    private readonly client: pg.PoolClient | null,
  ) {}

  /** Connects (and checks the connection once, so a wrong URL fails here, named without its password). */
  public static async open(url: string, options: { maxConnections?: number; applicationName?: string } = {}): Promise<PostgresSql> {
    const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, application_name: options.applicationName ?? 'reco', types });
    // An idle client losing its server (a restart, a failover) must not crash the process; the next query
    // takes a fresh connection.
    pool.on('error', () => undefined);
    const store = new PostgresSql(pool, redactUrl(url), null);
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return store;
  }

  public async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return (await this.query(sql, params)).rows as T[];
  }

  public async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return (await this.query(sql, params)).rows[0] as T | undefined;
  }

  public async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.query(sql, params)).rowCount ?? 0;
  }

  public async exec(sql: string): Promise<void> {
    // The simple query protocol (no parameters) runs a multi-statement script in one round trip.
    await this.target().query(sql);
  }

  public async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    if (this.client) return fn(this);
    const client = await this.pool.connect();
    let broken = false;
    // A connection lost while checked out (the server shut down, a failover) is reported as an 'error' event
    // as well as through the pending query; unheard, that event would crash the process.
    const onError = (): void => {
      broken = true;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const out = await fn(new PostgresSql(this.pool, this.location, client));
      await client.query('COMMIT');
      return out;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      // A connection that failed or could not even roll back is dropped, not handed to the next caller.
      client.off('error', onError);
      client.release(broken);
    }
  }

  public async copy(table: string, columns: readonly string[], rows: Iterable<readonly SqlValue[]>, options: { upsertKey?: readonly string[] } = {}): Promise<number> {
    return this.transaction(async (tx) => {
      const client = (tx as PostgresSql).client as pg.PoolClient;
      const key = options.upsertKey;
      let target = table;
      if (key) {
        target = `reco_copy_${table}`;
        await client.query(`CREATE TEMP TABLE ${target} (LIKE ${table} INCLUDING DEFAULTS) ON COMMIT DROP`);
      }
      let n = 0;
      const lines = function* (): Generator<string> {
        for (const row of rows) {
          n++;
          yield `${row.map(copyText).join('\t')}\n`;
        }
      };
      await pipeline(Readable.from(lines()), client.query(copyFrom(`COPY ${target} (${columns.join(', ')}) FROM STDIN`)));
      if (key) {
        const update = columns.filter((c) => !key.includes(c));
        const action = update.length ? `UPDATE SET ${update.map((c) => `${c} = excluded.${c}`).join(', ')}` : 'NOTHING';
        const cols = columns.join(', ');
        await client.query(`INSERT INTO ${table} (${cols}) SELECT ${cols} FROM ${target} ON CONFLICT (${key.join(', ')}) DO ${action}`);
        // Dropped now, not only at commit: a second upsert into the same table in one transaction needs it anew.
        await client.query(`DROP TABLE ${target}`);
      }
      return n;
    });
  }

  public async close(): Promise<void> {
    if (this.client) return;
    await this.pool.end();
  }

  private target(): Queryable {
    return this.client ?? this.pool;
  }

  private query(sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult> {
    const values = params.map((v) => (v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : typeof v === 'bigint' ? v.toString() : v));
    return this.target().query({ text: numberedPlaceholders(sql), values });
  }
}
