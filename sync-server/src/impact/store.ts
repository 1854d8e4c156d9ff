// The measurement store, beside the mirror (node:sqlite or PostgreSQL): one exposure per (account, product,
// kind) with the day Reco first listed it and whether a rep could see it (shown) or it was a holdout account's
// shadow list, and at most one conversion per exposure. Both tables only ever grow: a later sync never moves an
// exposure's first day nor replaces the line item that converted it, so results survive re-syncs and re-runs.
import { applyDomainSchema, inCodeUnitOrder, throughStage, type SchemaStep } from '../lib/domain-schema.js';
import type { IsoDate, ModelOutput, Recommendation } from '../domain/types.js';
import type { Sql } from '../lib/sql.js';

export type Exposure = { externalId: string; accountId: string; productId: string; kind: Recommendation['kind']; shown: boolean; firstOn: IsoDate };
export type Conversion = { externalId: string; lineId: string; opportunityId: string; convertedOn: IsoDate; amount: number; won: boolean };

/**
 * The impact tables, step by step, for each engine. Exported so a store's own migration runner can apply them
 * when it opens; every function here also applies them on first use of a handle (applyDomainSchema).
 */
export const IMPACT_SCHEMA: readonly SchemaStep[] = [
  // 1: exposures and conversions (the SQLite statements are the ones the tables were first created with)
  {
    sqlite: `
      CREATE TABLE IF NOT EXISTS impact_exposure (
        external_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, product_id TEXT NOT NULL, kind TEXT NOT NULL,
        shown INTEGER NOT NULL, first_on TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS impact_exposure_account ON impact_exposure (account_id, product_id);
      CREATE TABLE IF NOT EXISTS impact_conversion (
        external_id TEXT PRIMARY KEY, line_id TEXT NOT NULL, opportunity_id TEXT NOT NULL, converted_on TEXT NOT NULL,
        amount REAL NOT NULL, won INTEGER NOT NULL, org_written INTEGER NOT NULL DEFAULT 0);`,
    postgres: `
      CREATE TABLE IF NOT EXISTS impact_exposure (
        external_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, product_id TEXT NOT NULL, kind TEXT NOT NULL,
        shown INTEGER NOT NULL, first_on TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS impact_exposure_account ON impact_exposure (account_id, product_id);
      CREATE TABLE IF NOT EXISTS impact_conversion (
        external_id TEXT PRIMARY KEY, line_id TEXT NOT NULL, opportunity_id TEXT NOT NULL, converted_on TEXT NOT NULL,
        amount DOUBLE PRECISION NOT NULL, won INTEGER NOT NULL, org_written INTEGER NOT NULL DEFAULT 0);`,
  },
];

export function ensureImpactTables(sql: Sql): Promise<void> {
  return applyDomainSchema(sql, 'impact', IMPACT_SCHEMA);
}

const extId = (r: Pick<Recommendation, 'accountId' | 'productId' | 'kind'>): string => `${r.accountId}-${r.productId}-${r.kind === 'Cross-sell' ? 'XS' : 'BA'}`;

/**
 * Records this run's lists (shown and shadow) as exposures made on `madeOn`. An exposure already known keeps its
 * first day and group: the window counts from when the account first got the suggestion. Returns how many
 * were new.
 */
export async function recordExposures(sql: Sql, output: Pick<ModelOutput, 'recommendations' | 'shadow'>, madeOn: IsoDate): Promise<number> {
  await ensureImpactTables(sql);
  const day = madeOn.slice(0, 10);
  const rows = function* (): Generator<readonly [string, string, string, string, number, string]> {
    for (const [list, shown] of [[output.recommendations, 1], [output.shadow ?? [], 0]] as const) {
      for (const r of list) yield [extId(r), r.accountId, r.productId, r.kind, shown, day];
    }
  };
  const columns = ['external_id', 'account_id', 'product_id', 'kind', 'shown', 'first_on'];
  // A list never names one entry twice, but a stage holding it twice must still insert it once.
  const [added] = await throughStage(sql, 'impact_exposure_stage', columns.map((c) => [c, c === 'shown' ? 'INTEGER' : 'TEXT'] as const), rows(), (stage) => [
    `INSERT INTO impact_exposure (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM ${stage} WHERE true ON CONFLICT (external_id) DO NOTHING`,
  ]);
  return added;
}

type ExposureRow = { external_id: string; account_id: string; product_id: string; kind: Recommendation['kind']; shown: number; first_on: string };
type ConversionRow = { external_id: string; line_id: string; opportunity_id: string; converted_on: string; amount: number; won: number };

const asConversion = (r: ConversionRow): Conversion => ({
  externalId: r.external_id, lineId: r.line_id, opportunityId: r.opportunity_id, convertedOn: r.converted_on, amount: r.amount, won: r.won === 1,
});

export async function readExposures(sql: Sql): Promise<Exposure[]> {
  await ensureImpactTables(sql);
  // Sorted here: PostgreSQL's ORDER BY follows its collation, SQLite's the code units.
  return inCodeUnitOrder(await sql.all<ExposureRow>('SELECT * FROM impact_exposure'), (r) => r.external_id).map((r) => ({
    externalId: r.external_id, accountId: r.account_id, productId: r.product_id, kind: r.kind, shown: r.shown === 1, firstOn: r.first_on,
  }));
}

export async function readConversions(sql: Sql): Promise<Conversion[]> {
  await ensureImpactTables(sql);
  return inCodeUnitOrder(await sql.all<ConversionRow>('SELECT * FROM impact_conversion'), (r) => r.external_id).map(asConversion);
}

/**
 * Stores conversions: a new one is inserted; a known one keeps its line, day and amount and only takes the
 * opportunity's current won state (an open deal that closes won later turns the conversion into won revenue).
 * Returns the conversions that are new or changed, i.e. what the org must be told.
 */
export async function saveConversions(sql: Sql, found: Conversion[]): Promise<Conversion[]> {
  await ensureImpactTables(sql);
  return sql.transaction(async (tx) => {
    const known = new Map((await tx.all<{ external_id: string; line_id: string; won: number }>('SELECT external_id, line_id, won FROM impact_conversion')).map((r) => [r.external_id, r]));
    const added = new Map<string, Conversion>();
    const changed: Conversion[] = [];
    for (const c of found) {
      const k = known.get(c.externalId);
      const pending = added.get(c.externalId);
      if (!k && !pending) {
        added.set(c.externalId, c);
        changed.push(c);
      } else if (pending) {
        // Found twice in one call: the first line stays, as it would had the first been stored already.
        if (pending.lineId === c.lineId && pending.won !== c.won) {
          added.set(c.externalId, { ...pending, won: c.won });
          changed.push({ ...c });
        }
      } else if (k && k.line_id === c.lineId && (k.won === 1) !== c.won) {
        await tx.run('UPDATE impact_conversion SET won = ?, org_written = 0 WHERE external_id = ?', [c.won ? 1 : 0, c.externalId]);
        k.won = c.won ? 1 : 0;
        changed.push({ ...c });
      }
    }
    await tx.copy('impact_conversion', ['external_id', 'line_id', 'opportunity_id', 'converted_on', 'amount', 'won', 'org_written'],
      [...added.values()].map((c) => [c.externalId, c.lineId, c.opportunityId, c.convertedOn, c.amount, c.won ? 1 : 0, 0]));
    return changed;
  });
}

/** Conversions the org has not been told about yet (new, or whose won state changed since). */
export async function pendingOrgWrites(sql: Sql): Promise<Conversion[]> {
  await ensureImpactTables(sql);
  return inCodeUnitOrder(await sql.all<ConversionRow>('SELECT * FROM impact_conversion WHERE org_written = 0'), (r) => r.external_id).map(asConversion);
}

export async function markOrgWritten(sql: Sql, externalIds: string[]): Promise<void> {
  if (externalIds.length === 0) return;
  await ensureImpactTables(sql);
  await throughStage(sql, 'impact_written_stage', [['external_id', 'TEXT']], externalIds.map((id) => [id]), (stage) => [
    `UPDATE impact_conversion SET org_written = 1 WHERE external_id IN (SELECT external_id FROM ${stage})`,
  ]);
}
