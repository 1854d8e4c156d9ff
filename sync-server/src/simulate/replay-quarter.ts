// A replayed quarter through the real sync path: the org holds history up to a cutoff, Reco runs a Full sync
// "on" the cutoff, then each week the week's real invoices are replayed into the org and an Incremental sync
// runs "on" the week's end, measuring impact as it goes. No rep acts on the lists, so the honest lift is ~0.
import type { Connection } from 'jsforce';
import type { Mirror } from '../mirror/db.js';
import { runPipeline, type PipelineOptions, type RunSummary } from '../pipeline/run-pipeline.js';
import { dayNumber, dayToIso } from '../recommend/purchase-log.js';

export type ReplayQuarterOptions = {
  cutoff: string; // YYYY-MM-DD: the org was seeded with history before this day
  weeks: number;
  /** Plays the org's pending invoices dated before `until` (local-org's replay). */
  replay: (until: string) => unknown;
  pipeline?: Partial<PipelineOptions>;
  onRun?: (week: number, asOf: string, summary: RunSummary) => void;
};

export async function replayQuarter(deps: { connection: Connection; mirror: Mirror }, o: ReplayQuarterOptions): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  const start = dayNumber(o.cutoff);
  for (let w = 0; w <= o.weeks; w++) {
    const asOf = dayToIso(start + 7 * w);
    if (w > 0) o.replay(asOf);
    const summary = await runPipeline(deps, { ...o.pipeline, kind: w === 0 ? 'Full' : 'Incremental', asOf: `${asOf}T00:00:00.000Z` });
    if (summary.status === 'Failed') throw new Error(`the sync on ${asOf} failed: ${summary.error ?? 'unknown error'}`);
    runs.push(summary);
    o.onRun?.(w, asOf, summary);
  }
  return runs;
}
