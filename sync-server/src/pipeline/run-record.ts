// Keeps each run's Reco_Run__c in the org true to how the run ended. The outcome is written when the run
// stops (finished, failed, paused); when that write cannot be made (the org refusing every call once its
// limit is spent is the usual reason), it is kept in the mirror and written at the start of the next run,
// so no record stays "Running" for good.
import type { Connection } from 'jsforce';
import { getMeta, setMeta } from '../mirror/records.js';
import type { Sql } from '../lib/sql.js';
import { upsertRecoRun, type RecoRunFields } from '../writeback/reco-run.js';
import { isOrgLimitError } from './org-limit.js';

const PENDING = 'reco-run-pending';

type Log = { warn(obj: object, msg?: string): void };

const pending = async (sql: Sql): Promise<Record<string, RecoRunFields>> => (await getMeta<Record<string, RecoRunFields>>(sql, PENDING, Infinity)) ?? {};

/** Writes the run's outcome, or keeps it for the next run when the org does not take it now. */
export async function recordRunOutcome(conn: Connection, sql: Sql, runId: string, fields: RecoRunFields, log?: Log): Promise<boolean> {
  try {
    await upsertRecoRun(conn, runId, fields);
    await forgetPending(sql, runId);
    return true;
  } catch (err) {
    await keepOutcome(sql, runId, fields);
    log?.warn({ runId, err: (err as Error).message }, 'could not record the run outcome in Reco_Run__c; the next run will');
    return false;
  }
}

/** Keeps an outcome to write at the next run's start. */
export async function keepOutcome(sql: Sql, runId: string, fields: RecoRunFields): Promise<void> {
  await setMeta(sql, PENDING, { ...(await pending(sql)), [runId]: fields });
}

/** Outcome kept for a run that is now written otherwise (e.g. resumed: it becomes Running again). */
export async function forgetPending(sql: Sql, runId: string): Promise<void> {
  const all = await pending(sql);
  if (!(runId in all)) return;
  delete all[runId];
  await setMeta(sql, PENDING, all);
}

/** Writes the outcomes earlier runs could not. An org limit stops here (the caller pauses); other errors wait. */
export async function flushPendingOutcomes(conn: Connection, sql: Sql, log?: Log): Promise<number> {
  let written = 0;
  for (const [runId, fields] of Object.entries(await pending(sql))) {
    try {
      await upsertRecoRun(conn, runId, fields);
      await forgetPending(sql, runId);
      written += 1;
    } catch (err) {
      if (isOrgLimitError(err)) throw err;
      log?.warn({ runId, err: (err as Error).message }, 'could not record an earlier run outcome in Reco_Run__c; retrying on the next run');
    }
  }
  return written;
}
