import { randomBytes } from 'node:crypto';
import type { Connection } from '@salesforce/core';
import type { Connection as JsforceConnection } from 'jsforce';
import { cleanMirror, type QualityReport } from '@reco/sync-server/clean/clean.js';
import type { Dataset } from '@reco/sync-server/domain/types.js';
import { openMirror } from '@reco/sync-server/mirror/db.js';
import { extractAll } from '@reco/sync-server/extract/extract.js';

export type OrgDataset = { dataset: Dataset; quality: QualityReport; recordsFetched: number };

/**
 * Brings the CLI's mirror of the org up to date (incremental after the first time) and cleans it, so
 * explain and evaluate see exactly what a pipeline run would model, for a handful of API calls.
 */
export async function loadOrgDataset(conn: Connection, dataDir: string): Promise<OrgDataset> {
  const mirror = openMirror(dataDir);
  try {
    const runId = `cli-${randomBytes(4).toString('hex')}`;
    const stats = await extractAll(conn as unknown as JsforceConnection, mirror.db, { runId });
    const { dataset, report } = cleanMirror(mirror.db);
    return { dataset, quality: report, recordsFetched: stats.reduce((n, s) => n + s.fetched, 0) };
  } finally {
    mirror.close();
  }
}
