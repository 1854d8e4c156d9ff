// Reco's records as an org holds them, comparable across two org copies that ran the same sync: what differs
// between two orgs (or two runs) by construction is left out, so equal syncs hash equal.
import type { Connection } from 'jsforce';
import { RECO_OBJECTS } from '../../sync-server/src/writeback/reco-objects.js';

/**
 * Reco's records as the org holds them, without what differs between two orgs by construction: their own Ids,
 * audit stamps, and lookups to other Reco records (a segment's or run's Id), which are compared by the key instead.
 */
export async function recoRecords(conn: Connection): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const o of RECO_OBJECTS.filter((r) => r.name !== 'Reco_Run__c')) {
    const describe = await conn.describe(o.name);
    const reco = new Set(RECO_OBJECTS.map((r) => r.name));
    const fields = describe.fields
      .filter((f) => f.name !== 'Id' && f.type !== 'datetime' && !f.autoNumber && !/^(CreatedById|LastModifiedById|OwnerId)$/.test(f.name))
      .filter((f) => !(f.type === 'reference' && (f.referenceTo ?? []).some((t) => reco.has(t))))
      .map((f) => f.name);
    const rows = (await conn.query<Record<string, unknown>>(`SELECT ${fields.join(', ')} FROM ${o.name}`, { autoFetch: true, maxFetch: 1_000_000 })).records;
    out[o.name] = rows.map(({ attributes: _a, ...r }) => r).sort((a, b) => String(a[o.externalId]).localeCompare(String(b[o.externalId])));
  }
  return out;
}
