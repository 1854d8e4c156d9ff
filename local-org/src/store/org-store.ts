// The org's records in SQLite and the DML rules of a real org: field checks, defaults, audit fields,
// derived fields and roll-ups (rules.ts), unique keys, soft delete with cascades, allOrNone, upsert.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { AUDIT_FIELDS } from '../schema/fields.js';
import { DEFAULT_ORG_CURRENCY, ISO_CURRENCY_CODES } from '../schema/standard-objects.js';
import type { DmlOptions, FieldDef, ObjectDef, OrgStore, SaveResult, Schema, SfErrorItem, SfRecord } from '../types.js';
import { SfApiError, SfMultipleChoicesError } from '../types.js';
import type { AccessPolicy, DmlContext, ObjectRules, Row } from './context.js';
import { keyPrefixOf, makeId, newOrgId, to18 } from './ids.js';
import { deployedSchema, ensureMetadataTable } from './deployed-metadata.js';
import { OBJECT_RULES, rollUpOpportunities } from './rules.js';
import { collation, ensureTables, quoteIdent } from './tables.js';
import { coerce, decodeRow, fail, type Stored } from './values.js';

export type OpenOrgStoreOptions = {
  /** SQLite file; ':memory:' (the default) keeps the org in memory. */
  file?: string;
  clock?: () => Date;
  /** Who may write which record; without one every user writes everything (as before per-user access). */
  access?: AccessPolicy;
  /**
   * The org's currency (Organization.DefaultCurrencyIsoCode, an ISO 4217 code): a new org gets USD unless one
   * is given; given for an existing org, it replaces the stored one (an admin changing the currency locale).
   */
  currency?: string;
};

/** Well-known records every org has, created on first open. */
export type OrgIdentity = {
  organizationId: string;
  profileId: string;
  adminUserId: string;
  integrationUserId: string;
  standardPricebookId: string;
  /** "Standard User" profile: no Modify All Data, so sharing applies to its users. */
  standardUserProfileId: string;
  /** A sales rep on the Standard User profile (SALES_REP_USERNAME). */
  salesRepUserId: string;
};

export type LocalOrgStore = OrgStore & {
  readonly identity: OrgIdentity;
  /** Rebuilds the schema from the deployed metadata (after a deploy wrote it): new tables and columns. */
  reloadSchema(): void;
  /** When the schema was last (re)built: describe's Last-Modified. */
  readonly schemaChangedAt: Date;
  /** Organization.DefaultCurrencyIsoCode: the org's currency. */
  orgCurrency(): string;
  /** Runs `fn` with `userId` as the acting user (CreatedById, LastModifiedById, default OwnerId). */
  asUser<T>(userId: string, fn: () => T): T;
  close(): void;
};

export const ADMIN_USERNAME = 'admin@reco.local';
export const INTEGRATION_USERNAME = 'integration@reco.local';
export const SALES_REP_USERNAME = 'sales.rep@reco.local';

/** Objects whose changes change who may do what (a permission set deploy writes ObjectPermissions rows). */
const ACCESS_OBJECTS = new Set(['User', 'Profile', 'PermissionSet', 'PermissionSetAssignment', 'ObjectPermissions']);

const ROLLED_BACK: SfErrorItem = {
  errorCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

type ObjectInfo = {
  obj: ObjectDef;
  table: string;
  columns: string[];
  insert: StatementSync;
  selectLive: StatementSync;
  selectAny: StatementSync;
  defaults: [string, Stored][];
  required: FieldDef[];
  /** References a caller may set (audit user ids excepted), checked against live targets. */
  references: FieldDef[];
  unique: FieldDef[];
  /** Input key (any casing) -> field; the same keys repeat on every record of a load. */
  keys: Map<string, FieldDef | null>;
  autoNumbers: FieldDef[];
  textName: boolean; // custom Text name field: defaults to the record id
  hasOwner: boolean;
  rules: ObjectRules;
};

type Outcome = { id: string; created?: boolean };

function notFound(): never {
  throw new SfApiError(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
}

function formatAutoNumber(format: string, n: number): string {
  return format.replace(/\{(0+)\}/, (_m, zeros: string) => String(n).padStart(zeros.length, '0'));
}

class SqliteOrgStore implements LocalOrgStore {
  public readonly db: DatabaseSync;
  public identity!: OrgIdentity;
  private readonly clock: () => Date;
  private readonly infos = new Map<string, ObjectInfo>();
  private readonly statements = new Map<string, StatementSync>();
  private readonly counters = new Map<string, number>();
  private readonly dirtyCounters = new Set<string>();
  private depth = 0;
  private actingUser: string | undefined;
  /**
   * Live rows by id (null: absent or deleted), kept across calls because a load references the same
   * parents (opportunities, price book entries, products) again and again. Every write path updates or
   * drops entries, and any rollback clears it.
   */
  private readonly rows = new Map<string, Row | null>();

  private current!: Schema;
  public schemaChangedAt: Date;

  public get schema(): Schema {
    return this.current;
  }

  public constructor(
    file: string,
    clock: () => Date,
    public readonly access?: AccessPolicy,
    currency?: string,
  ) {
    this.clock = clock;
    this.schemaChangedAt = clock();
    try {
      this.db = new DatabaseSync(file);
    } catch (err) {
      throw new Error(`cannot open the org database ${file}: ${(err as Error).message}`, { cause: err });
    }
    // A seeded org is a few hundred MB of rows and indexes; SQLite's default 2 MB page cache would make
    // every index insert of a bulk load re-read pages from the file.
    try {
      if (file !== ':memory:') this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144');
      ensureMetadataTable(this.db);
      this.current = deployedSchema(this.db);
      this.checkKeyPrefixes();
      ensureTables(this.db, this.current);
      for (const r of this.db.prepare('SELECT key, value FROM _reco_meta').all() as { key: string; value: string }[]) {
        if (r.key.startsWith('counter:')) this.counters.set(r.key.slice(8), Number(r.value));
      }
      const saved = this.db.prepare("SELECT value FROM _reco_meta WHERE key = 'identity'").get() as { value: string } | undefined;
      if (saved) this.identity = JSON.parse(saved.value) as OrgIdentity;
      else this.bootstrap();
      if (!this.identity.salesRepUserId) this.addSalesRep(); // an org file from before the rep user
      this.settleCurrency(currency);
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  public reloadSchema(): void {
    this.current = deployedSchema(this.db);
    this.checkKeyPrefixes();
    ensureTables(this.db, this.current);
    this.infos.clear();
    this.rows.clear();
    this.schemaChangedAt = this.clock();
    // Sharing models and master-detail settings come from the deployed metadata just rebuilt.
    this.access?.invalidate();
  }

  // ---- plumbing ------------------------------------------------------------------------------------

  /**
   * A deploy gives each new custom object the next free key prefix and keeps it; a stored id must never
   * come to name another object, so a file whose prefixes disagree with its metadata is refused.
   */
  private checkKeyPrefixes(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS _reco_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const row = this.db.prepare("SELECT value FROM _reco_meta WHERE key = 'keyPrefixes'").get() as { value: string } | undefined;
    const stored = row ? (JSON.parse(row.value) as Record<string, string>) : {};
    const owner = new Map(Object.entries(stored).map(([name, prefix]) => [prefix, name]));
    for (const o of this.schema.objects()) {
      const was = stored[o.name];
      const holder = owner.get(o.keyPrefix);
      if ((was !== undefined && was !== o.keyPrefix) || (holder !== undefined && holder !== o.name)) {
        throw new Error(`this org file was created with ${holder ?? o.name} as key prefix ${was ?? o.keyPrefix}, but its metadata now gives ${o.name} the prefix ${o.keyPrefix}; the stored ids would name the wrong object. Start from a new org file.`);
      }
      stored[o.name] = o.keyPrefix;
    }
    this.db.prepare("INSERT INTO _reco_meta (key, value) VALUES ('keyPrefixes', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify(stored));
  }

  private stmt(sql: string): StatementSync {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private info(object: string): ObjectInfo {
    const obj = this.schema.get(object);
    if (!obj) notFound();
    let info = this.infos.get(obj.name);
    if (!info) {
      const table = quoteIdent(obj.name);
      const columns = obj.fields.map((f) => f.name);
      info = {
        obj,
        table,
        columns,
        insert: this.db.prepare(`INSERT INTO ${table} (${columns.map(quoteIdent).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`),
        selectLive: this.db.prepare(`SELECT * FROM ${table} WHERE "Id" = ? AND "IsDeleted" = 0`),
        selectAny: this.db.prepare(`SELECT * FROM ${table} WHERE "Id" = ?`),
        defaults: obj.fields
          .filter((f) => f.createable && (f.type === 'boolean' || (f.defaultValue !== null && f.defaultValue !== undefined)))
          .map((f) => [f.name, f.type === 'boolean' ? (f.defaultValue === true ? 1 : 0) : (f.defaultValue as Stored)]),
        required: obj.fields.filter((f) => f.createable && !f.nillable && !f.defaultedOnCreate && f.type !== 'boolean'),
        references: obj.fields.filter((f) => f.type === 'reference' && !AUDIT_FIELDS.has(f.name.toLowerCase())),
        unique: obj.fields.filter((f) => f.unique && f.type !== 'id'),
        keys: new Map(),
        autoNumbers: obj.fields.filter((f) => f.autoNumber && f.autoNumberFormat),
        textName: obj.custom && obj.fields.some((f) => f.nameField && !f.autoNumber),
        hasOwner: obj.fieldMap.has('ownerid'),
        rules: OBJECT_RULES[obj.name] ?? {},
      };
      this.infos.set(obj.name, info);
    }
    return info;
  }

  private next(counter: string): number {
    const n = (this.counters.get(counter) ?? 0) + 1;
    this.counters.set(counter, n);
    this.dirtyCounters.add(counter);
    return n;
  }

  private persistCounters(): void {
    const upsert = this.stmt('INSERT INTO _reco_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    for (const c of this.dirtyCounters) upsert.run(`counter:${c}`, String(this.counters.get(c)));
    this.dirtyCounters.clear();
  }

  /** Runs fn inside a savepoint; fn may ask for its work to be undone while still returning a value. */
  private savepoint<T>(fn: () => { value: T; rollback: boolean }): T {
    const name = `sp${this.depth}`;
    this.db.exec(`SAVEPOINT ${name}`);
    this.depth++;
    try {
      const { value, rollback } = fn();
      if (rollback) {
        this.db.exec(`ROLLBACK TO ${name}`);
        this.rows.clear();
        this.access?.invalidate(); // it may have read rows (assignments, object permissions) now undone
      }
      this.db.exec(`RELEASE ${name}`);
      return value;
    } catch (err) {
      this.db.exec(`ROLLBACK TO ${name}`);
      this.db.exec(`RELEASE ${name}`);
      this.rows.clear();
      this.access?.invalidate();
      throw err;
    } finally {
      this.depth--;
    }
  }

  private context(): DmlContext {
    const cache = this.rows;
    const selectLive = (object: string) => this.info(object).selectLive;
    return {
      schema: this.schema,
      now: this.clock().toISOString(),
      userId: this.actingUser ?? this.identity?.adminUserId ?? '',
      standardPricebookId: this.identity?.standardPricebookId ?? '',
      row(object, id) {
        const hit = cache.get(id);
        if (hit !== undefined) return hit ?? undefined;
        const raw = selectLive(object).get(id) as Row | undefined;
        if (!raw) return undefined; // misses are not cached: the id may be inserted later
        // node:sqlite rows are null-prototype dictionaries; a plain copy makes the many reads of a
        // cached parent fast.
        const r: Row = Object.assign({}, raw);
        if (cache.size >= 200_000) cache.clear();
        cache.set(id, r);
        return r;
      },
      remember(_object, id, row) {
        cache.set(id, row);
      },
      forgetAll() {
        cache.clear();
      },
      all: (sql, ...params) => this.stmt(sql).all(...params) as Row[],
      get: (sql, ...params) => this.stmt(sql).get(...params) as Row | undefined,
      run: (sql, ...params) => void this.stmt(sql).run(...params),
      dirtyOpportunities: new Set<string>(),
    };
  }

  /** One DML call: each item succeeds or fails alone, or (allOrNone) all are undone when one fails. */
  private batch<T>(items: T[], opts: DmlOptions, each: (ctx: DmlContext, item: T) => Outcome): SaveResult[] {
    const ctx = this.context();
    return this.savepoint(() => {
      const results: SaveResult[] = [];
      let failed = false;
      for (const item of items) {
        try {
          const out = each(ctx, item);
          results.push(out.created === undefined ? { id: out.id, success: true, errors: [] } : { id: out.id, success: true, errors: [], created: out.created });
        } catch (err) {
          if (!(err instanceof SfApiError) || err instanceof SfMultipleChoicesError) throw err;
          failed = true;
          results.push({ id: null, success: false, errors: err.errors });
        }
      }
      rollUpOpportunities(ctx);
      this.persistCounters();
      if (failed && opts.allOrNone) {
        return { value: results.map((r) => (r.success ? { id: null, success: false, errors: [ROLLED_BACK] } : r)), rollback: true };
      }
      return { value: results, rollback: false };
    });
  }

  // ---- field checks --------------------------------------------------------------------------------

  private checkReference(ctx: DmlContext, f: FieldDef, id: string): void {
    const target = this.schema.byKeyPrefix(keyPrefixOf(id));
    if (!target || !f.referenceTo.includes(target.name)) {
      // What a real org answers, e.g. "Related To ID: id value of incorrect type: 001..." for a Task WhatId.
      fail('FIELD_INTEGRITY_EXCEPTION', `${f.label}: id value of incorrect type: ${id}`, [f.name]);
    }
    if (!ctx.row(target.name, id)) fail('INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, [f.name]);
  }

  private checkUnique(info: ObjectInfo, vals: Row, selfId: string | null): void {
    for (const f of info.unique) {
      const v = vals[f.name];
      if (v === null || v === undefined) continue;
      const hit = this.stmt(`SELECT "Id" FROM ${info.table} WHERE ${quoteIdent(f.name)} = ?${collation(info.obj, f.name)} AND "IsDeleted" = 0 AND "Id" IS NOT ? LIMIT 1`).get(v, selfId) as Row | undefined;
      if (hit) fail('DUPLICATE_VALUE', `duplicate value found: ${f.name} duplicates value on record with id: ${String(hit.Id)}`, [f.name]);
    }
  }

  /**
   * Coerces the writable fields of `rec`; unknown and read-only fields fail the record. `old` (updates):
   * a create-only field may be sent again with its current value, as upserts do.
   */
  private readFields(info: ObjectInfo, rec: SfRecord, mode: 'insert' | 'update' | 'system', opts: DmlOptions, old?: Row): Row {
    const vals: Row = {};
    const readOnly: string[] = [];
    for (const key of Object.keys(rec)) {
      if (key === 'attributes') continue;
      let f = info.keys.get(key);
      if (f === undefined) {
        f = info.obj.fieldMap.get(key.toLowerCase()) ?? null;
        info.keys.set(key, f);
      }
      if (!f) fail('INVALID_FIELD', `No such column '${key}' on sobject of type ${info.obj.name}`, []);
      const raw = rec[key];
      if (f.name === 'Id' && mode !== 'system') {
        if (mode === 'insert' && raw !== null && raw !== undefined && raw !== '') fail('INVALID_FIELD_FOR_INSERT_UPDATE', 'cannot specify Id in an insert call', ['Id']);
        continue;
      }
      if (mode !== 'system') {
        const writable = mode === 'insert' ? f.createable || (opts.setAuditFields === true && AUDIT_FIELDS.has(f.name.toLowerCase())) : f.updateable;
        if (!writable) {
          if (!(old && f.createable && coerce(f, raw) === old[f.name])) readOnly.push(f.name);
          continue;
        }
      }
      vals[f.name] = coerce(f, raw);
    }
    if (readOnly.length > 0) {
      fail('INVALID_FIELD_FOR_INSERT_UPDATE', `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, readOnly);
    }
    return vals;
  }

  // ---- insert / update / delete --------------------------------------------------------------------

  private insertOne(ctx: DmlContext, info: ObjectInfo, rec: SfRecord, opts: DmlOptions, system = false): Outcome {
    const obj = info.obj;
    if (!system && !obj.createable) fail('INSUFFICIENT_ACCESS_OR_READONLY', `insufficient access rights on ${obj.name}: objects of this type cannot be created`, []);
    const vals = this.readFields(info, rec, system ? 'system' : 'insert', opts);
    for (const [name, value] of info.defaults) if (vals[name] === undefined) vals[name] = value;
    if (info.hasOwner && vals.OwnerId == null) vals.OwnerId = ctx.userId;
    if (!system) {
      for (const f of info.references) {
        const v = vals[f.name];
        if (v !== null && v !== undefined) this.checkReference(ctx, f, v as string);
      }
    }
    if (!system) this.access?.checkInsert(ctx, obj, vals);
    info.rules.beforeInsert?.(ctx, vals);
    let missing: string[] | undefined;
    for (const f of info.required) if (vals[f.name] === null || vals[f.name] === undefined) (missing ??= []).push(f.name);
    if (missing) fail('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
    this.checkUnique(info, vals, null);
    for (const f of info.autoNumbers) vals[f.name] = formatAutoNumber(f.autoNumberFormat!, this.next(`auto:${obj.name}.${f.name}`));
    const id = (vals.Id as string | undefined) ?? makeId(obj.keyPrefix, this.next(obj.keyPrefix));
    vals.Id = id;
    if (info.textName && vals.Name == null) vals.Name = id;
    vals.IsDeleted = 0;
    vals.CreatedDate ??= ctx.now;
    vals.CreatedById ??= ctx.userId;
    vals.LastModifiedDate ??= vals.CreatedDate;
    vals.LastModifiedById ??= vals.CreatedById;
    vals.SystemModstamp = ctx.now;
    const cols = info.columns;
    const params = new Array<Stored>(cols.length);
    for (let i = 0; i < cols.length; i++) params[i] = vals[cols[i]] ?? null;
    info.insert.run(...params); // not cached: most inserted rows (line items) are never looked up again
    info.rules.afterInsert?.(ctx, vals);
    return { id };
  }

  private updateOne(ctx: DmlContext, info: ObjectInfo, rec: SfRecord, opts: DmlOptions, knownId?: string): Outcome {
    const obj = info.obj;
    let rawId: unknown = knownId;
    if (rawId === undefined) for (const k of Object.keys(rec)) if (k.toLowerCase() === 'id') rawId = rec[k];
    if (rawId === undefined || rawId === null || rawId === '') fail('MISSING_ARGUMENT', 'Id not specified in an update call', ['Id']);
    const id = typeof rawId === 'string' ? to18(rawId) : undefined;
    if (id === undefined || keyPrefixOf(id) !== obj.keyPrefix) fail('MALFORMED_ID', `${obj.label} ID: id value of incorrect type: ${String(rawId)}`, ['Id']);
    if (!obj.updateable) fail('INSUFFICIENT_ACCESS_OR_READONLY', `insufficient access rights on ${obj.name}: objects of this type cannot be updated`, []);
    const old = info.selectAny.get(id) as Row | undefined;
    if (!old) fail('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', ['Id']);
    if (old.IsDeleted === 1) fail('ENTITY_IS_DELETED', 'entity is deleted', []);
    const changes = this.readFields(info, rec, 'update', opts, old);
    const missing: string[] = [];
    for (const name of Object.keys(changes)) {
      const f = obj.fieldMap.get(name.toLowerCase())!;
      if (changes[name] === null && !f.nillable && f.type !== 'boolean') missing.push(name);
      else if (f.type === 'reference' && changes[name] !== null && changes[name] !== old[name]) this.checkReference(ctx, f, changes[name] as string);
    }
    if (missing.length > 0) fail('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
    this.access?.checkUpdate(ctx, obj, old, changes);
    info.rules.beforeUpdate?.(ctx, old, changes);
    this.checkUnique(info, changes, id);
    changes.LastModifiedDate = ctx.now;
    changes.LastModifiedById = ctx.userId;
    changes.SystemModstamp = ctx.now;
    const cols = Object.keys(changes);
    this.stmt(`UPDATE ${info.table} SET ${cols.map((c) => `${quoteIdent(c)} = ?`).join(', ')} WHERE "Id" = ?`).run(...cols.map((c) => changes[c] ?? null), id);
    ctx.remember(obj.name, id, { ...old, ...changes });
    info.rules.afterUpdate?.(ctx, old, changes);
    return { id };
  }

  private deleteOne(ctx: DmlContext, rawId: unknown): Outcome {
    const id = typeof rawId === 'string' ? to18(rawId) : undefined;
    const obj = id === undefined ? undefined : this.schema.byKeyPrefix(keyPrefixOf(id));
    if (id === undefined || !obj) fail('MALFORMED_ID', `malformed id ${String(rawId)}`, []);
    if (!obj.deletable) fail('INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id', []);
    const root = this.info(obj.name).selectAny.get(id) as Row | undefined;
    if (!root) fail('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', []);
    if (root.IsDeleted === 1) fail('ENTITY_IS_DELETED', 'entity is deleted', []);
    if (obj.name === 'Pricebook2' && id === this.identity.standardPricebookId) {
      fail('DELETE_FAILED', 'Your attempt to delete Standard Price Book could not be completed because it is the standard price book.', []);
    }
    this.access?.checkDelete(ctx, obj, root);
    // Everything the delete takes with it: master-detail children, line items, cascade lookups.
    const doomed = new Map<string, { obj: ObjectDef; row: Row }>([[id, { obj, row: root }]]);
    for (const { obj: o, row } of doomed.values()) {
      for (const rel of o.childRelationships) {
        if (!rel.cascadeDelete) continue;
        const child = this.info(rel.childSObject);
        for (const r of this.stmt(`SELECT * FROM ${child.table} WHERE ${quoteIdent(rel.field)} = ? AND "IsDeleted" = 0`).all(row.Id) as Row[]) {
          if (!doomed.has(String(r.Id))) doomed.set(String(r.Id), { obj: child.obj, row: r });
        }
      }
    }
    for (const { obj: o, row } of doomed.values()) {
      for (const rel of o.childRelationships) {
        if (!rel.restrictedDelete) continue;
        const child = this.info(rel.childSObject);
        const blockers = (this.stmt(`SELECT "Id", "Name" FROM ${child.table} WHERE ${quoteIdent(rel.field)} = ? AND "IsDeleted" = 0`).all(row.Id) as Row[]).filter((r) => !doomed.has(String(r.Id)));
        if (blockers.length > 0) {
          fail('DELETE_FAILED', `Your attempt to delete ${String(row.Name ?? row.Id)} could not be completed because it is associated with the following ${child.obj.labelPlural.toLowerCase()}.: ${blockers.map((b) => String(b.Name ?? b.Id)).join(', ')}`, []);
        }
      }
    }
    for (const { obj: o, row } of doomed.values()) {
      const info = this.info(o.name);
      this.stmt(`UPDATE ${info.table} SET "IsDeleted" = 1, "LastModifiedDate" = ?, "LastModifiedById" = ?, "SystemModstamp" = ? WHERE "Id" = ?`).run(ctx.now, ctx.userId, ctx.now, row.Id);
      ctx.remember(o.name, String(row.Id), null);
    }
    ctx.forgetAll(); // SetNull below rewrites children without reading them
    for (const { obj: o, row } of doomed.values()) {
      this.info(o.name).rules.afterDelete?.(ctx, row);
      for (const rel of o.childRelationships) {
        if (rel.cascadeDelete || rel.restrictedDelete) continue;
        const child = this.info(rel.childSObject);
        if (!child.obj.fieldMap.get(rel.field.toLowerCase())?.nillable) continue;
        this.stmt(`UPDATE ${child.table} SET ${quoteIdent(rel.field)} = NULL, "LastModifiedDate" = ?, "LastModifiedById" = ?, "SystemModstamp" = ? WHERE ${quoteIdent(rel.field)} = ? AND "IsDeleted" = 0`).run(ctx.now, ctx.userId, ctx.now, row.Id);
      }
    }
    return { id };
  }

  // ---- OrgStore ------------------------------------------------------------------------------------

  public transaction<T>(fn: () => T): T {
    return this.savepoint(() => ({ value: fn(), rollback: false }));
  }

  public insert(object: string, records: SfRecord[], opts: DmlOptions = {}): SaveResult[] {
    const info = this.info(object);
    if (ACCESS_OBJECTS.has(info.obj.name)) this.access?.invalidate();
    return this.batch(records, opts, (ctx, rec) => this.insertOne(ctx, info, rec, opts));
  }

  public update(object: string, records: SfRecord[], opts: DmlOptions = {}): SaveResult[] {
    const info = this.info(object);
    if (ACCESS_OBJECTS.has(info.obj.name)) this.access?.invalidate();
    return this.batch(records, opts, (ctx, rec) => this.updateOne(ctx, info, rec, opts));
  }

  public upsert(object: string, externalIdField: string, records: SfRecord[], opts: DmlOptions = {}): SaveResult[] {
    const info = this.info(object);
    if (ACCESS_OBJECTS.has(info.obj.name)) this.access?.invalidate();
    const byId = externalIdField.toLowerCase() === 'id';
    const f = info.obj.fieldMap.get(externalIdField.toLowerCase());
    if (!f) notFound();
    if (!byId && !f.externalId) {
      throw new SfApiError(400, [{ errorCode: 'INVALID_FIELD', message: `Field name provided, ${f.name} is not an External ID or indexed field for ${info.obj.name}`, fields: [f.name] }]);
    }
    const single = records.length === 1 && opts.throwOnMultipleMatches === true;
    const seen = new Set<string>();
    return this.batch(records, opts, (ctx, rec) => {
      let key: string | undefined;
      for (const k of Object.keys(rec)) if (k.toLowerCase() === f.name.toLowerCase()) key = k;
      const raw = key === undefined ? undefined : rec[key];
      if (raw === undefined || raw === null || raw === '') {
        if (byId) return { ...this.insertOne(ctx, info, rec, opts), created: true };
        fail('MISSING_ARGUMENT', `${f.name} not specified`, [f.name]);
      }
      const value = coerce(f, raw);
      const seenKey = typeof value === 'string' && !f.caseSensitive && !byId ? value.toLowerCase() : String(value);
      if (seen.has(seenKey)) fail('DUPLICATE_VALUE', `Duplicate external id specified: ${String(raw)}`, [f.name]);
      seen.add(seenKey);
      if (byId) return { ...this.updateOne(ctx, info, rec, opts, value as string), created: false };
      const matches = this.matchExternalId(info, f, value);
      if (matches.length === 0) return { ...this.insertOne(ctx, info, rec, opts), created: true };
      if (matches.length === 1) {
        const rest: SfRecord = {};
        for (const k of Object.keys(rec)) {
          if (k.toLowerCase() !== 'id') rest[k] = rec[k];
          else if (rec[k] != null && rec[k] !== '' && to18(String(rec[k])) !== matches[0]) {
            fail('INVALID_FIELD_FOR_INSERT_UPDATE', `Id in the record (${String(rec[k])}) does not match the record found by ${f.name}: ${matches[0]}`, ['Id']);
          }
        }
        return { ...this.updateOne(ctx, info, rest, opts, matches[0]), created: false };
      }
      const message = `${f.name}: more than one record found for external id field: [${matches.join(', ')}]`;
      if (single) throw new SfMultipleChoicesError(message, matches);
      return fail('DUPLICATE_EXTERNAL_ID', message, [f.name]);
    });
  }

  public delete(ids: string[], opts: DmlOptions = {}): SaveResult[] {
    this.access?.invalidate(); // the ids may be users' or assignments'
    return this.batch(ids, opts, (ctx, id) => this.deleteOne(ctx, id));
  }

  public retrieve(object: string, id: string): SfRecord | undefined {
    const info = this.info(object);
    const id18 = to18(id);
    if (id18 === undefined) return undefined;
    const row = info.selectLive.get(id18) as Record<string, unknown> | undefined;
    return row ? decodeRow(info.obj, row) : undefined;
  }

  private matchExternalId(info: ObjectInfo, f: FieldDef, value: Stored): string[] {
    const rows = this.stmt(`SELECT "Id" FROM ${info.table} WHERE ${quoteIdent(f.name)} = ?${collation(info.obj, f.name)} AND "IsDeleted" = 0 ORDER BY rowid`).all(value) as Row[];
    return rows.map((r) => String(r.Id));
  }

  public findByExternalId(object: string, field: string, value: string): string[] {
    const info = this.info(object);
    const f = info.obj.fieldMap.get(field.toLowerCase());
    if (!f) fail('INVALID_FIELD', `No such column '${field}' on sobject of type ${info.obj.name}`, []);
    if (f.name === 'Id') {
      const id = to18(value);
      return id && this.retrieve(info.obj.name, id) ? [id] : [];
    }
    return this.matchExternalId(info, f, coerce(f, value));
  }

  public orgCurrency(): string {
    const row = this.info('Organization').selectLive.get(this.identity.organizationId) as Row | undefined;
    return String(row?.DefaultCurrencyIsoCode ?? DEFAULT_ORG_CURRENCY);
  }

  public now(): Date {
    return this.clock();
  }

  public asUser<T>(userId: string, fn: () => T): T {
    const before = this.actingUser;
    this.actingUser = userId;
    try {
      return fn();
    } finally {
      this.actingUser = before;
    }
  }

  public close(): void {
    this.db.close();
  }

  // ---- first open ----------------------------------------------------------------------------------

  /** The records a fresh org has: its Organization, a profile, an admin and an integration user, the standard price book. */
  private bootstrap(): void {
    this.savepoint(() => {
      const ctx0 = this.context();
      const adminUserId = makeId('005', this.next('005'));
      const identity: OrgIdentity = {
        organizationId: newOrgId(),
        profileId: makeId('00e', this.next('00e')),
        adminUserId,
        integrationUserId: makeId('005', this.next('005')),
        standardPricebookId: makeId('01s', this.next('01s')),
        standardUserProfileId: '', // added below by addSalesRep
        salesRepUserId: '',
      };
      this.identity = identity;
      const ctx = { ...ctx0, userId: adminUserId, standardPricebookId: identity.standardPricebookId };
      const sys = (object: string, rec: SfRecord) => this.insertOne(ctx, this.info(object), rec, {}, true);
      sys('Organization', { Id: identity.organizationId, Name: 'Reco Local Org', InstanceName: 'LOCAL', IsSandbox: false, TrialExpirationDate: null, NamespacePrefix: null, OrganizationType: 'Developer Edition', IsReadOnly: false, TimeZoneSidKey: 'GMT', LanguageLocaleKey: 'en_US', DefaultLocaleSidKey: 'en_US', Country: 'GB' });
      sys('Profile', { Id: identity.profileId, Name: 'System Administrator', UserType: 'Standard' });
      const user = (Id: string, first: string, username: string, alias: string) =>
        sys('User', { Id, FirstName: first, LastName: 'User', Username: username, Email: username, Alias: alias, IsActive: true, ProfileId: identity.profileId, TimeZoneSidKey: 'GMT', LocaleSidKey: 'en_US', EmailEncodingKey: 'UTF-8', LanguageLocaleKey: 'en_US', UserType: 'Standard' });
      user(identity.adminUserId, 'Admin', ADMIN_USERNAME, 'admin');
      user(identity.integrationUserId, 'Integration', INTEGRATION_USERNAME, 'integ');
      sys('Pricebook2', { Id: identity.standardPricebookId, Name: 'Standard Price Book', IsActive: true, IsStandard: true });
      this.stmt('INSERT INTO _reco_meta (key, value) VALUES (?, ?)').run('identity', JSON.stringify(identity));
      this.persistCounters();
      return { value: undefined, rollback: false };
    });
  }

  /**
   * The Organization's DefaultCurrencyIsoCode: the configured code, else what the org has, else USD (an org
   * file from before the field has none, and a real single-currency org always has one). A code Salesforce
   * would not accept is refused here, naming the setting, rather than stored.
   */
  private settleCurrency(configured: string | undefined): void {
    if (configured !== undefined && !ISO_CURRENCY_CODES.includes(configured)) {
      throw new Error(`currency: "${configured}" is not an ISO 4217 currency code (e.g. USD, GBP, EUR)`);
    }
    const info = this.info('Organization');
    const row = info.selectLive.get(this.identity.organizationId) as Row | undefined;
    if (!row) return;
    const code = configured ?? (row.DefaultCurrencyIsoCode as string | null) ?? DEFAULT_ORG_CURRENCY;
    if (row.DefaultCurrencyIsoCode === code) return;
    this.stmt(`UPDATE ${info.table} SET "DefaultCurrencyIsoCode" = ? WHERE "Id" = ?`).run(code, this.identity.organizationId);
    this.rows.delete(this.identity.organizationId);
  }

  /** A Standard User profile and a sales rep on it: the user whose writes sharing rules decide. */
  private addSalesRep(): void {
    this.savepoint(() => {
      const ctx = { ...this.context(), userId: this.identity.adminUserId };
      const sys = (object: string, rec: SfRecord) => this.insertOne(ctx, this.info(object), rec, {}, true);
      const identity: OrgIdentity = { ...this.identity, standardUserProfileId: makeId('00e', this.next('00e')), salesRepUserId: makeId('005', this.next('005')) };
      sys('Profile', { Id: identity.standardUserProfileId, Name: 'Standard User', UserType: 'Standard' });
      sys('User', { Id: identity.salesRepUserId, FirstName: 'Sales', LastName: 'Rep', Username: SALES_REP_USERNAME, Email: SALES_REP_USERNAME, Alias: 'srep', IsActive: true, ProfileId: identity.standardUserProfileId, TimeZoneSidKey: 'GMT', LocaleSidKey: 'en_US', EmailEncodingKey: 'UTF-8', LanguageLocaleKey: 'en_US', UserType: 'Standard' });
      this.identity = identity;
      this.stmt("INSERT INTO _reco_meta (key, value) VALUES ('identity', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify(identity));
      this.persistCounters();
      return { value: undefined, rollback: false };
    });
  }
}

/** Opens (and on first use bootstraps) an org backed by node:sqlite. */
export function openOrgStore(opts: OpenOrgStoreOptions): LocalOrgStore {
  return new SqliteOrgStore(opts.file ?? ':memory:', opts.clock ?? (() => new Date()), opts.access, opts.currency);
}
