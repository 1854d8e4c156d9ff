// Field paths (Name, Account.Owner.Name, What.Name) to SQL expressions over one table per object, adding a
// LEFT JOIN per parent relationship on first use so every clause of a statement shares the same joins.
import type { FieldDef, ObjectDef, Schema } from '../types.js';
import { badRelationship, noSuchColumn, positionOf } from './errors.js';

export const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** One parent relationship hop: a join per possible target object (several for What/Who/Owner). */
export type JoinNode = {
  key: string; // lower-cased path from the root, e.g. "account.owner"
  relationshipName: string; // canonical casing, the JSON key
  /** The reference field the hop follows (OwnerId, Account__c): query column metadata's foreignKeyName. */
  fieldName: string;
  targets: { object: ObjectDef; alias: string }[];
  idSql: string;
};

/** Alias counter shared by one SQL statement (semi-join subqueries live inside the outer statement). */
export type AliasSeq = { n: number };

export type Resolved = { sql: string; field: FieldDef; path: JoinNode[]; owner: string };

export class Scope {
  public readonly alias: string;
  private readonly joins = new Map<string, JoinNode>();
  private readonly joinSql: string[] = [];

  public constructor(
    public readonly soql: string,
    public readonly schema: Schema,
    public readonly root: ObjectDef,
    public readonly seq: AliasSeq,
    /** SOQL alias of the FROM object (`FROM Account a`), stripped from paths. */
    private readonly objectAlias?: string,
  ) {
    this.alias = `t${seq.n++}`;
  }

  public get joinClause(): string {
    return this.joinSql.join(' ');
  }

  public fromClause(): string {
    return `${q(this.root.name)} AS ${this.alias} ${this.joinClause}`;
  }

  /** Path segments with a leading object name or alias removed (`Account.Name` on Account is `Name`). */
  public segments(path: string): string[] {
    const parts = path.split('.');
    if (parts.length > 1) {
      const head = parts[0].toLowerCase();
      if (head === this.objectAlias?.toLowerCase()) return parts.slice(1);
      const isRelationship = this.root.fields.some((f) => f.relationshipName?.toLowerCase() === head);
      if (!isRelationship && head === this.root.name.toLowerCase()) return parts.slice(1);
    }
    return parts;
  }

  /** Walks the relationship hops of `segments` (all but the last), joining as needed. */
  public relationships(segments: string[], path: string): JoinNode[] {
    const hops: JoinNode[] = [];
    let objects: { object: ObjectDef; alias: string }[] = [{ object: this.root, alias: this.alias }];
    let key = '';
    for (const seg of segments) {
      if (objects.length !== 1) throw badRelationship(this.soql, positionOf(this.soql, path), seg);
      const [{ object, alias }] = objects;
      const ref = object.fields.find(
        (f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === seg.toLowerCase(),
      );
      if (!ref || !ref.relationshipName) throw badRelationship(this.soql, positionOf(this.soql, path), seg);
      key = key ? `${key}.${seg.toLowerCase()}` : seg.toLowerCase();
      let node = this.joins.get(key);
      if (!node) {
        const targets = ref.referenceTo
          .map((name) => this.schema.get(name))
          .filter((o): o is ObjectDef => o !== undefined)
          .map((o) => ({ object: o, alias: `t${this.seq.n++}` }));
        if (targets.length === 0) throw badRelationship(this.soql, positionOf(this.soql, path), seg);
        for (const t of targets) {
          this.joinSql.push(`LEFT JOIN ${q(t.object.name)} AS ${t.alias} ON ${t.alias}."Id" = ${alias}.${q(ref.name)}`);
        }
        const idSql =
          targets.length === 1 ? `${targets[0].alias}."Id"` : `COALESCE(${targets.map((t) => `${t.alias}."Id"`).join(', ')})`;
        node = { key, relationshipName: ref.relationshipName, fieldName: ref.name, targets, idSql };
        this.joins.set(key, node);
      }
      hops.push(node);
      objects = node.targets;
    }
    return hops;
  }

  /** Resolves a field path to its SQL expression and describe entry. */
  public field(path: string): Resolved {
    const segs = this.segments(path);
    const name = segs[segs.length - 1];
    const hops = this.relationships(segs.slice(0, -1), path);
    const last = hops[hops.length - 1];
    const holders = last ? last.targets : [{ object: this.root, alias: this.alias }];
    const found = holders
      .map((h) => ({ h, f: h.object.fieldMap.get(name.toLowerCase()) }))
      .filter((x): x is { h: (typeof holders)[number]; f: FieldDef } => x.f !== undefined);
    // Polymorphic parents expose the fields of the "Name" pseudo-object, whose Type is the record's object.
    const owner = holders.length > 1 ? 'Name' : holders[0].object.name;
    if (holders.length > 1 && name.toLowerCase() === 'type') {
      const cases = holders.map((h) => `WHEN ${h.alias}."Id" IS NOT NULL THEN '${h.object.name}'`).join(' ');
      const idField = holders[0].object.fieldMap.get('id');
      if (idField) return { sql: `(CASE ${cases} END)`, field: { ...idField, name: 'Type', type: 'picklist' }, path: hops, owner };
    }
    if (found.length === 0) throw noSuchColumn(this.soql, positionOf(this.soql, path), name, owner);
    const sql =
      found.length === 1
        ? `${found[0].h.alias}.${q(found[0].f.name)}`
        : `COALESCE(${found.map((x) => `${x.h.alias}.${q(x.f.name)}`).join(', ')})`;
    return { sql, field: found[0].f, path: hops, owner };
  }
}

export const STRINGISH = new Set(['string', 'textarea', 'picklist', 'multipicklist', 'combobox', 'email', 'phone', 'url']);
export const NUMERIC = new Set(['int', 'double', 'currency', 'percent']);
