// Keeps each run's Reco_Run__c in the org true to how the run ended. The outcome is written when the run
// stops (finished, failed, paused); when that write cannot be made (the org refusing every call once its
// limit is spent is the usual reason), it is kept in the mirror and written at the start of the next run,
// so no record stays "Running" for good.
import type { Connection } from 'jsforce';
import type { DatabaseSync } from 'node:sqlite';
import { getMeta, setMeta } from '../mirror/records.js';
import { upsertRecoRun, type RecoRunFields } from '../writeback/reco-run.js';
import { isOrgLimitError } from './org-limit.js';

const PENDING = 'reco-run-pending';

type Log = { warn(obj: object, msg?: string): void };

const pending = (db: DatabaseSync): Record<string, RecoRunFields> => getMeta<Record<string, RecoRunFields>>(db, PENDING, Infinity) ?? {};

/** Writes the run's outcome, or keeps it for the next run when the org does not take it now. */
export async function recordRunOutcome(conn: Connection, db: DatabaseSync, runId: string, fields: RecoRunFields, log?: Log): Promise<boolean> {
  try {
    await upsertRecoRun(conn, runId, fields);
    forgetPending(db, runId);
    return true;
  } catch (err) {
    keepOutcome(db, runId, fields);
    log?.warn({ runId, err: (err as Error).message }, 'could not record the run outcome in Reco_Run__c; the next run will');
    return false;
  }
}

/** Keeps an outcome to write at the next run's start. */
export function keepOutcome(db: DatabaseSync, runId: string, fields: RecoRunFields): void {
  setMeta(db, PENDING, { ...pending(db), [runId]: fields });
}

/** Outcome kept for a run that is now written otherwise (e.g. resumed: it becomes Running again). */
export function forgetPending(db: DatabaseSync, runId: string): void {
  const all = pending(db);
  if (!(runId in all)) return;
  delete all[runId];
  setMeta(db, PENDING, all);
}

/** Writes the outcomes earlier runs could not. An org limit stops here (the caller pauses); other errors wait. */
export async function flushPendingOutcomes(conn: Connection, db: DatabaseSync, log?: Log): Promise<number> {
  let written = 0;
  for (const [runId, fields] of Object.entries(pending(db))) {
    try {
      await upsertRecoRun(conn, runId, fields);
      forgetPending(db, runId);
      written += 1;
    } catch (err) {
      if (isOrgLimitError(err)) throw err;
      log?.warn({ runId, err: (err as Error).message }, 'could not record an earlier run outcome in Reco_Run__c; retrying on the next run');
    }
  }
  return written;
}
