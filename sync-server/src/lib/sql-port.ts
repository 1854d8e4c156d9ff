// The store surface as the folders below mirror/ see it. text/ (and lib/) sit under mirror/ in the layers, so
// they cannot name mirror's Sql; they name this shape instead, and mirror's Sql (node:sqlite or PostgreSQL)
// satisfies it structurally. It mirrors mirror/sql.ts's Sql; test/store/domain-schema.test.ts checks that one
// is assignable to the other, so the two cannot drift apart unnoticed.
export type SqlPortValue = string | number | bigint | boolean | null | Uint8Array;

export type SqlPort = {
  readonly dialect: 'sqlite' | 'postgres';
  all<T>(sql: string, params?: readonly SqlPortValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlPortValue[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlPortValue[]): Promise<number>;
  exec(sql: string): Promise<void>;
  transaction<T>(fn: (tx: SqlPort) => Promise<T>): Promise<T>;
  copy(table: string, columns: readonly string[], rows: Iterable<readonly SqlPortValue[]>, options?: { upsertKey?: readonly string[] }): Promise<number>;
};
