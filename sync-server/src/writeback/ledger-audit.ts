// Is the write-back ledger still true of the org? The ledger says what Reco wrote, and the write-back skips
// whatever it says is there. Records can disappear behind Reco's back (an admin's mass delete, a refreshed
// sandbox, a mirror restored from a backup or copied to another org), and a run would then "succeed" while
// writing nothing. The audit is cheap when all is well: per object one COUNT() and one query for a sample of
// ledger entries by external id, all in composite requests. On a mismatch it lists the object's external
// ids and Ids and forgets every ledger entry the org does not hold as recorded, so the write-back that
// follows writes those records again.
import type { Connection } from 'jsforce';
import type { ApiBudget } from '../connect/api-budget.js';
import { queryMany } from '../extract/query-many.js';
import type { Sql } from '../lib/sql.js';
import { forgetWritten, readLedger, type LedgerEntry } from './ledger.js';
import { RECO_OBJECTS } from './reco-objects.js';

export type LedgerAuditResult = { object: string; ledger: number; org: number; sampled: number; sampleMissing: number; forgotten: number };

const SAMPLE = 100;

const quote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Every n-th entry, from a per-call random offset: spread over the whole ledger, different each run. */
function sample(entries: Array<[string, LedgerEntry]>, n: number): Array<[string, LedgerEntry]> {
  if (entries.length <= n) return entries;
  const step = entries.length / n;
  const offset = Math.random() * step;
  return Array.from({ length: n }, (_, i) => entries[Math.floor(offset + i * step)]);
}

export async function auditLedger(conn: Connection, sql: Sql, opts: { budget?: ApiBudget; sampleSize?: number } = {}): Promise<LedgerAuditResult[]> {
  const read = [];
  for (const o of RECO_OBJECTS.filter((r) => r.name !== 'Reco_Run__c')) read.push({ ...o, ledger: [...(await readLedger(sql, o.name))] });
  const objects = read.filter((o) => o.ledger.length > 0);
  if (objects.length === 0) return [];
  const picked = objects.map((o) => sample(o.ledger, opts.sampleSize ?? SAMPLE));
  const soqls = objects.flatMap((o, i) => [
    `SELECT COUNT() FROM ${o.name}`,
    `SELECT Id, ${o.externalId} FROM ${o.name} WHERE ${o.externalId} IN (${picked[i].map(([ext]) => quote(ext)).join(', ')})`,
  ]);
  const results = await queryMany(conn, soqls, { budget: opts.budget, what: 'checking the write-back ledger' });

  const out: LedgerAuditResult[] = [];
  for (const [i, o] of objects.entries()) {
    const orgCount = results[2 * i].totalSize;
    const found = new Map(results[2 * i + 1].records.map((r) => [String(r[o.externalId]).toLowerCase(), String(r.Id)]));
    // Present under another Id is as wrong as absent: lookups to the recorded Id would point nowhere.
    const sampleMissing = picked[i].filter(([ext, e]) => found.get(ext) === undefined || (e.sfId !== null && found.get(ext)?.slice(0, 15) !== e.sfId.slice(0, 15))).length;
    let forgotten = 0;
    if (orgCount < o.ledger.length || sampleMissing > 0) {
      opts.budget?.check('listing what the org holds of Reco\'s records');
      const all = await conn.query<Record<string, unknown>>(`SELECT Id, ${o.externalId} FROM ${o.name}`, { autoFetch: true, maxFetch: 10_000_000 });
      const inOrg = new Map(all.records.map((r) => [String(r[o.externalId]).toLowerCase(), String(r.Id).slice(0, 15)]));
      const stale = o.ledger.filter(([ext, e]) => inOrg.get(ext) === undefined || (e.sfId !== null && inOrg.get(ext) !== e.sfId.slice(0, 15))).map(([ext]) => ext);
      forgotten = await forgetWritten(sql, o.name, stale);
    }
    out.push({ object: o.name, ledger: o.ledger.length, org: orgCount, sampled: picked[i].length, sampleMissing, forgotten });
  }
  return out;
}
