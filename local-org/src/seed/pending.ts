// Invoices (and synthetic activities) dated on or after --as-of are not loaded: they wait here until
// `replay` writes them through the normal DML path, possibly from another process on the same --db file.
// These are PRIVATE bookkeeping tables of the seeder, not sObjects: the schema does not know them, so they
// are invisible to describe, SOQL and every API route. The leading underscore keeps them apart from object
// tables, which are named exactly as their API names.
import type { DatabaseSync } from 'node:sqlite';
import type { SfRecord } from '../types.js';

const DDL = `
CREATE TABLE IF NOT EXISTS _pending_invoice_lines (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,              -- shifted invoice time, Salesforce datetime text (UTC)
  invoice_no TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  cancelled INTEGER NOT NULL,    -- 1: Closed Lost
  stock_code TEXT NOT NULL,
  quantity REAL NOT NULL,        -- positive, also for cancellations
  unit_price REAL NOT NULL,
  source_line INTEGER NOT NULL   -- CSV line, for error messages
);
CREATE INDEX IF NOT EXISTS _pending_invoice_lines_at ON _pending_invoice_lines (at, invoice_no);
CREATE INDEX IF NOT EXISTS _pending_invoice_lines_no ON _pending_invoice_lines (invoice_no);
CREATE TABLE IF NOT EXISTS _pending_accounts (
  customer_id TEXT PRIMARY KEY,
  fields TEXT NOT NULL           -- JSON Account fields without audit fields
);
CREATE TABLE IF NOT EXISTS _pending_activities (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  invoice_no TEXT,               -- WhatId = that invoice's opportunity; NULL: the account
  object TEXT NOT NULL,          -- Task or Event
  fields TEXT NOT NULL           -- JSON record without WhatId and audit fields
);
CREATE INDEX IF NOT EXISTS _pending_activities_at ON _pending_activities (at);
CREATE TABLE IF NOT EXISTS _seed_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export function ensurePendingTables(db: DatabaseSync): void {
  db.exec(DDL);
}

export function hasPendingTables(db: DatabaseSync): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_pending_invoice_lines'`).get() !== undefined;
}

export type PendingLine = {
  at: string;
  invoiceNo: string;
  customerId: string;
  cancelled: boolean;
  stockCode: string;
  quantity: number;
  unitPrice: number;
  sourceLine: number;
};

export type PendingActivity = { at: string; customerId: string; invoiceNo: string | null; object: 'Task' | 'Event'; fields: SfRecord };

export type PendingWriter = {
  line(l: PendingLine): void;
  account(customerId: string, fields: SfRecord): void;
  activity(a: PendingActivity): void;
  meta(key: string, value: string): void;
};

export function pendingWriter(db: DatabaseSync): PendingWriter {
  ensurePendingTables(db);
  const line = db.prepare(
    `INSERT INTO _pending_invoice_lines (at, invoice_no, customer_id, cancelled, stock_code, quantity, unit_price, source_line) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const account = db.prepare(`INSERT OR REPLACE INTO _pending_accounts (customer_id, fields) VALUES (?, ?)`);
  const activity = db.prepare(`INSERT INTO _pending_activities (at, customer_id, invoice_no, object, fields) VALUES (?, ?, ?, ?, ?)`);
  const meta = db.prepare(`INSERT OR REPLACE INTO _seed_meta (key, value) VALUES (?, ?)`);
  return {
    line: (l) => void line.run(l.at, l.invoiceNo, l.customerId, l.cancelled ? 1 : 0, l.stockCode, l.quantity, l.unitPrice, l.sourceLine),
    account: (id, fields) => void account.run(id, JSON.stringify(fields)),
    activity: (a) => void activity.run(a.at, a.customerId, a.invoiceNo, a.object, JSON.stringify(a.fields)),
    meta: (key, value) => void meta.run(key, value),
  };
}

export function readMeta(db: DatabaseSync, key: string): string | undefined {
  if (!hasPendingTables(db)) return undefined;
  const row = db.prepare(`SELECT value FROM _seed_meta WHERE key = ?`).get(key) as { value: string } | undefined;
  return row?.value;
}
