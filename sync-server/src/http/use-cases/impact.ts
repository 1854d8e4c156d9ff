// The impact report for the API and the dashboard. The configured window reads the stored conversions (they
// keep a conversion whose line was later deleted); another window is attributed afresh, in memory only, so
// asking "what if the window were 30 days?" never changes what the syncs recorded.
import type { Sql } from '../../lib/sql.js';
import { attribute, buildReport, linesFromMirror, reactionsFromMirror, readConversions, readExposures, type ImpactReport } from '../../impact/index.js';
import type { ImpactQuery, ImpactSource } from '../ports.js';

export function mirrorImpactSource(sql: Sql, settings: { windowDays: number; holdoutShare: number }): ImpactSource {
  return async (q: ImpactQuery): Promise<ImpactReport> => {
    const windowDays = q.windowDays ?? settings.windowDays;
    const exposures = await readExposures(sql);
    const conversions = windowDays === settings.windowDays ? await readConversions(sql) : attribute(exposures, await linesFromMirror(sql), windowDays);
    return buildReport(exposures, conversions, { windowDays, since: q.since, by: q.by, holdoutShare: settings.holdoutShare, reactions: await reactionsFromMirror(sql) });
  };
}

export async function getImpactReport(source: ImpactSource | undefined, q: ImpactQuery): Promise<ImpactReport | null> {
  return source ? source(q) : null;
}
