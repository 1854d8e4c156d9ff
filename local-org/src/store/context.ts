// What object rules (rules.ts) may use while a DML call runs: cached row reads, SQL, the call's clock
// reading and user, and the set of opportunities whose roll-ups must be recomputed before it ends.
import type { ObjectDef, Schema } from '../types.js';
import type { Stored } from './values.js';

export type Row = Record<string, Stored>;

export type DmlContext = {
  readonly schema: Schema;
  /** The call's timestamp (one clock reading per DML call, as in one org transaction). */
  readonly now: string;
  readonly userId: string;
  readonly standardPricebookId: string;
  /** A live (not deleted) row, cached across calls; the object is the cache's own (rules that write the
   * row's table update it in place or call remember). */
  row(object: string, id: string): Row | undefined;
  /** Replace the cached copy after a write (null: the row is gone, e.g. deleted). */
  remember(object: string, id: string, row: Row | null): void;
  /** Drop every cached row (after writes that touch rows without reading them). */
  forgetAll(): void;
  all(sql: string, ...params: Stored[]): Row[];
  get(sql: string, ...params: Stored[]): Row | undefined;
  run(sql: string, ...params: Stored[]): void;
  readonly dirtyOpportunities: Set<string>;
};

/** Per-object rules; before* hooks validate (throwing SfApiError) and derive, after* hooks cause side effects. */
export type ObjectRules = {
  beforeInsert?(ctx: DmlContext, vals: Row): void;
  afterInsert?(ctx: DmlContext, vals: Row): void;
  /** `changes` holds only the fields being written; rules may add derived ones or drop ignored ones. */
  beforeUpdate?(ctx: DmlContext, old: Row, changes: Row): void;
  afterUpdate?(ctx: DmlContext, old: Row, changes: Row): void;
  afterDelete?(ctx: DmlContext, old: Row): void;
};

/**
 * Who may write which record (object permissions and sharing), consulted on every insert, update and delete
 * a user makes (not the org's own bootstrap writes). Throws SfApiError with Salesforce's code and message.
 * Implemented in ../access; the store only calls it.
 */
export type AccessPolicy = {
  checkInsert(ctx: DmlContext, obj: ObjectDef, vals: Row): void;
  checkUpdate(ctx: DmlContext, obj: ObjectDef, old: Row, changes: Row): void;
  checkDelete(ctx: DmlContext, obj: ObjectDef, row: Row): void;
  /** Users, profiles, permission sets or their assignments changed: drop what was derived from them. */
  invalidate(): void;
};
