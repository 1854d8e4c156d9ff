// The measurement store, in the mirror's SQLite file: one exposure per (account, product, kind) with the day
// Reco first listed it and whether a rep could see it (shown) or it was a holdout account's shadow list, and
// at most one conversion per exposure. Both tables only ever grow: a later sync never moves an exposure's
// first day nor replaces the line item that converted it, so results survive re-syncs and re-runs.
import type { DatabaseSync } from 'node:sqlite';
import type { IsoDate, ModelOutput, Recommendation } from '../domain/types.js';

export type Exposure = { externalId: string; accountId: string; productId: string; kind: Recommendation['kind']; shown: boolean; firstOn: IsoDate };
export type Conversion = { externalId: string; lineId: string; opportunityId: string; convertedOn: IsoDate; amount: number; won: boolean };

export function ensureImpactTables(db: DatabaseSync): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS impact_exposure (
      external_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, product_id TEXT NOT NULL, kind TEXT NOT NULL,
      shown INTEGER NOT NULL, first_on TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS impact_exposure_account ON impact_exposure (account_id, product_id);
    CREATE TABLE IF NOT EXISTS impact_conversion (
      external_id TEXT PRIMARY KEY, line_id TEXT NOT NULL, opportunity_id TEXT NOT NULL, converted_on TEXT NOT NULL,
      amount REAL NOT NULL, won INTEGER NOT NULL, org_written INTEGER NOT NULL DEFAULT 0);`);
}

const extId = (r: Pick<Recommendation, 'accountId' | 'productId' | 'kind'>): string => `${r.accountId}-${r.productId}-${r.kind === 'Cross-sell' ? 'XS' : 'BA'}`;

/**
 * Records this run's lists (shown and shadow) as exposures made on `madeOn`. An exposure already known keeps its
 * first day and group: the window counts from when the account first got the suggestion.
 */
export function recordExposures(db: DatabaseSync, output: Pick<ModelOutput, 'recommendations' | 'shadow'>, madeOn: IsoDate): number {
  ensureImpactTables(db);
  const ins = db.prepare('INSERT INTO impact_exposure (external_id, account_id, product_id, kind, shown, first_on) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (external_id) DO NOTHING');
  let added = 0;
  db.exec('BEGIN');
  try {
    for (const [list, shown] of [[output.recommendations, 1], [output.shadow ?? [], 0]] as const) {
      for (const r of list) added += Number(ins.run(extId(r), r.accountId, r.productId, r.kind, shown, madeOn.slice(0, 10)).changes);
    }
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
  return added;
}

type ExposureRow = { external_id: string; account_id: string; product_id: string; kind: Recommendation['kind']; shown: number; first_on: string };
type ConversionRow = { external_id: string; line_id: string; opportunity_id: string; converted_on: string; amount: number; won: number };

export function readExposures(db: DatabaseSync): Exposure[] {
  ensureImpactTables(db);
  return (db.prepare('SELECT * FROM impact_exposure ORDER BY external_id').all() as ExposureRow[]).map((r) => ({
    externalId: r.external_id, accountId: r.account_id, productId: r.product_id, kind: r.kind, shown: r.shown === 1, firstOn: r.first_on,
  }));
}

export function readConversions(db: DatabaseSync): Conversion[] {
  ensureImpactTables(db);
  return (db.prepare('SELECT * FROM impact_conversion ORDER BY external_id').all() as ConversionRow[]).map((r) => ({
    externalId: r.external_id, lineId: r.line_id, opportunityId: r.opportunity_id, convertedOn: r.converted_on, amount: r.amount, won: r.won === 1,
  }));
}

/**
 * Stores conversions: a new one is inserted; a known one keeps its line, day and amount and only takes the
 * opportunity's current won state (an open deal that closes won later turns the conversion into won revenue).
 * Returns the conversions that are new or changed, i.e. what the org must be told.
 */
export function saveConversions(db: DatabaseSync, found: Conversion[]): Conversion[] {
  ensureImpactTables(db);
  const get = db.prepare('SELECT * FROM impact_conversion WHERE external_id = ?');
  const ins = db.prepare('INSERT INTO impact_conversion (external_id, line_id, opportunity_id, converted_on, amount, won, org_written) VALUES (?, ?, ?, ?, ?, ?, 0)');
  const setWon = db.prepare('UPDATE impact_conversion SET won = ?, org_written = 0 WHERE external_id = ?');
  const changed: Conversion[] = [];
  db.exec('BEGIN');
  try {
    for (const c of found) {
      const known = get.get(c.externalId) as ConversionRow | undefined;
      if (!known) {
        ins.run(c.externalId, c.lineId, c.opportunityId, c.convertedOn, c.amount, c.won ? 1 : 0);
        changed.push(c);
      } else if (known.line_id === c.lineId && (known.won === 1) !== c.won) {
        setWon.run(c.won ? 1 : 0, c.externalId);
        changed.push({ ...c });
      }
    }
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
  return changed;
}

/** Conversions the org has not been told about yet (new, or whose won state changed since). */
export function pendingOrgWrites(db: DatabaseSync): Conversion[] {
  ensureImpactTables(db);
  return (db.prepare('SELECT * FROM impact_conversion WHERE org_written = 0 ORDER BY external_id').all() as ConversionRow[]).map((r) => ({
    externalId: r.external_id, lineId: r.line_id, opportunityId: r.opportunity_id, convertedOn: r.converted_on, amount: r.amount, won: r.won === 1,
  }));
}

export function markOrgWritten(db: DatabaseSync, externalIds: string[]): void {
  const upd = db.prepare('UPDATE impact_conversion SET org_written = 1 WHERE external_id = ?');
  db.exec('BEGIN');
  try {
    for (const id of externalIds) upd.run(id);
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}
