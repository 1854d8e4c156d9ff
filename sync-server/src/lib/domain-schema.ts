// Tables a domain (impact, text) keeps in the store beside the mirror's own, as numbered steps with one
// statement script per engine. Each domain records how far it got in reco_domain_schema, so an old SQLite file
// (whose tables the domain used to create on first use) and a fresh PostgreSQL database both end on the same
// schema. Steps use IF NOT EXISTS, so a step that ran before its version was recorded runs again harmlessly.
import type { Sql, SqlValue } from './sql.js';

export type SchemaStep = { sqlite: string; postgres: string };

// Per handle: a domain's schema is checked once per opened store, not before every statement.
const applied = new WeakMap<Sql, Map<string, Promise<void>>>();

/**
 * Brings `domain`'s tables up to `steps.length`, each step in its own transaction with its version.
 */
export function applyDomainSchema(sql: Sql, domain: string, steps: readonly SchemaStep[]): Promise<void> {
  let domains = applied.get(sql);
  if (!domains) applied.set(sql, (domains = new Map()));
  const known = domains.get(domain);
  if (known) return known;
  const done = migrate(sql, domain, steps);
  domains.set(domain, done);
  // A failed attempt (the store was briefly unreachable) is retried by the next caller, not remembered.
  done.catch(() => domains.delete(domain));
  return done;
}

async function migrate(sql: Sql, domain: string, steps: readonly SchemaStep[]): Promise<void> {
  // On PostgreSQL one transaction-scoped advisory lock serialises every domain's migration, the creation of
  // the version table included: two replicas opening at once would otherwise race on CREATE … IF NOT EXISTS.
  const locked = async (tx: Sql): Promise<number> => {
    if (tx.dialect === 'postgres') await tx.get('SELECT pg_advisory_xact_lock(hashtext(?))', ['reco_domain_schema']);
    await tx.exec('CREATE TABLE IF NOT EXISTS reco_domain_schema (domain TEXT PRIMARY KEY, version INTEGER NOT NULL)');
    return (await tx.get<{ version: number }>('SELECT version FROM reco_domain_schema WHERE domain = ?', [domain]))?.version ?? 0;
  };
  const found = await sql.transaction(locked);
  if (found > steps.length) throw new Error(`the store's ${domain} tables are at version ${found}, newer than this build supports (${steps.length}); upgrade Reco`);
  for (let v = found; v < steps.length; v++) {
    await sql.transaction(async (tx) => {
      // Another replica may have run this step while we waited for the lock.
      if ((await locked(tx)) > v) return;
      await tx.exec(steps[v][tx.dialect]);
      await tx.run('INSERT INTO reco_domain_schema (domain, version) VALUES (?, ?) ON CONFLICT (domain) DO UPDATE SET version = excluded.version', [domain, v + 1]);
    });
  }
}

/** Column types for a staging table, written per engine (REAL is single precision on PostgreSQL). */
export type StageColumn = readonly [name: string, type: 'TEXT' | 'INTEGER' | 'REAL'];

const PG_TYPES = { TEXT: 'TEXT', INTEGER: 'BIGINT', REAL: 'DOUBLE PRECISION' } as const;

/**
 * Bulk-loads rows into a temporary table (COPY on PostgreSQL) and runs `apply`'s statements — INSERT … SELECT
 * or UPDATE … FROM over it — in the same transaction, returning how many rows each changed. For the writes
 * COPY's own upsert cannot say: insert-if-absent, add-to-a-count, update-by-key.
 */
export async function throughStage(
  sql: Sql,
  stage: string,
  columns: readonly StageColumn[],
  rows: Iterable<readonly SqlValue[]>,
  apply: (stage: string) => readonly string[],
): Promise<number[]> {
  return sql.transaction(async (tx) => {
    const pg = tx.dialect === 'postgres';
    const defs = columns.map(([name, type]) => `${name} ${pg ? PG_TYPES[type] : type}`).join(', ');
    const table = pg ? stage : `temp.${stage}`;
    await tx.exec(`DROP TABLE IF EXISTS ${table}; CREATE TEMP TABLE ${stage} (${defs})${pg ? ' ON COMMIT DROP' : ''}`);
    await tx.copy(stage, columns.map(([name]) => name), rows);
    const changed: number[] = [];
    for (const statement of apply(stage)) changed.push(await tx.run(statement));
    // Dropped now, not at commit: a caller's transaction may stage twice. (On failure the rollback removes it;
    // a statement after a failed one would only hide the cause on PostgreSQL.)
    await tx.exec(`DROP TABLE ${table}`);
    return changed;
  });
}

/**
 * Rows sorted by a text key in UTF-16 code-unit order, as SQLite's BINARY collation sorts them. PostgreSQL's
 * ORDER BY follows the database's collation (case and punctuation rules vary by locale), so reads whose order
 * matters sort here and come out the same on both engines.
 */
export function inCodeUnitOrder<T>(rows: T[], key: (row: T) => string): T[] {
  return rows.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
