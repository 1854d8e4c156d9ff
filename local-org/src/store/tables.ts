// SQLite tables for the schema under the storage convention of types.ts, plus the indexes the DML rules
// and typical SOQL need (references, external ids, unique fields, SystemModstamp).
import type { DatabaseSync } from 'node:sqlite';
import type { ObjectDef, Schema } from '../types.js';
import { columnType } from './values.js';

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Collation for equality on a unique/external-id text field: NOCASE unless the field is case-sensitive. */
export function collation(obj: ObjectDef, fieldName: string): string {
  const f = obj.fieldMap.get(fieldName.toLowerCase());
  return f && columnType(f) === 'TEXT' && !f.caseSensitive && f.type !== 'id' && f.type !== 'reference' ? ' COLLATE NOCASE' : '';
}

/** Creates missing tables, columns and indexes; existing data is kept (files reopen as they were). */
export function ensureTables(db: DatabaseSync, schema: Schema): void {
  db.exec('CREATE TABLE IF NOT EXISTS _reco_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  for (const obj of schema.objects()) {
    const t = quoteIdent(obj.name);
    const cols = obj.fields.map((f) => `${quoteIdent(f.name)} ${columnType(f)}${f.name === 'Id' ? ' PRIMARY KEY' : ''}`);
    db.exec(`CREATE TABLE IF NOT EXISTS ${t} (${cols.join(', ')})`);
    const existing = new Set((db.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((r) => r.name));
    for (const f of obj.fields) {
      if (!existing.has(f.name)) db.exec(`ALTER TABLE ${t} ADD COLUMN ${quoteIdent(f.name)} ${columnType(f)}`);
    }
    const index = (suffix: string, expr: string) => db.exec(`CREATE INDEX IF NOT EXISTS ${quoteIdent(`${obj.name}_${suffix}`)} ON ${t} (${expr})`);
    index('SystemModstamp', '"SystemModstamp"');
    for (const f of obj.fields) {
      if (f.type === 'reference' && !['CreatedById', 'LastModifiedById'].includes(f.name)) index(f.name, quoteIdent(f.name));
      else if ((f.externalId || f.unique) && f.type !== 'id') index(f.name, quoteIdent(f.name) + collation(obj, f.name));
    }
  }
  db.exec('CREATE INDEX IF NOT EXISTS "PricebookEntry_Book_Product" ON "PricebookEntry" ("Pricebook2Id", "Product2Id")');
}
