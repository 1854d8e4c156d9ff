// The model's input without a model run: brings a mirror up to date from the org (incremental after the first
// time) and cleans it, so a caller that explains or evaluates sees exactly what a pipeline run would model,
// for a handful of API calls. The sf plugin's `recommend explain` and `evaluate` use it.
import { randomBytes } from 'node:crypto';
import type { Connection } from 'jsforce';
import { cleanMirror, type QualityReport } from '../clean/clean.js';
import type { Dataset } from '../domain/types.js';
import { extractAll } from '../extract/extract.js';
import { openMirror } from '../mirror/db.js';

export type OrgDataset = { dataset: Dataset; quality: QualityReport; recordsFetched: number };

/** Extracts into the mirror at `dataDir` (a directory or a database file) and returns its cleaned dataset. */
export async function loadOrgDataset(conn: Connection, dataDir: string): Promise<OrgDataset> {
  const mirror = openMirror(dataDir);
  try {
    // Its own run id, so these extract checkpoints never mix with a pipeline run's.
    const runId = `cli-${randomBytes(4).toString('hex')}`;
    const stats = await extractAll(conn, mirror, { runId });
    const { dataset, report } = await cleanMirror(mirror.sql);
    return { dataset, quality: report, recordsFetched: stats.reduce((n, s) => n + s.fetched, 0) };
  } finally {
    await mirror.close();
  }
}
