// The org check at the start of a run: a missing object, field or permission stops the run before it reads
// anything, with the list of what to fix, instead of failing mid-sync on the first gap. A passing check is
// remembered in the mirror for a day, so a run does not pay a dozen describe calls every time.
import type { Connection } from 'jsforce';
import { checkOrg, formatOrgCheck, type OrgCheckResult } from './org-check.js';
import { getMeta, setMeta } from '../mirror/records.js';
import type { Sql } from '../lib/sql.js';

const PASSED_MS = 24 * 3600 * 1000;

export class OrgNotReadyError extends Error {
  public constructor(public readonly result: OrgCheckResult) {
    super(formatOrgCheck(result));
    this.name = 'OrgNotReadyError';
  }
}

/** Runs the org check unless it passed within the last day; throws OrgNotReadyError listing every problem. */
export async function ensureOrgReady(conn: Connection, sql: Sql): Promise<OrgCheckResult | null> {
  const key = `orgcheck:${conn.instanceUrl}:${conn.userInfo?.id ?? ''}`;
  if (await getMeta<boolean>(sql, key, PASSED_MS)) return null;
  const result = await checkOrg(conn);
  if (!result.ok) throw new OrgNotReadyError(result);
  await setMeta(sql, key, true);
  return result;
}
