// GET /impact answered from a replayed quarter (quarter-cli.ts's store), marked as such in the report. The
// configured window reads the stored conversions; another window is attributed in memory from the live
// mirror's lines, as the live source does.
import type { ImpactQuery, ImpactSource } from '../http/ports.js';
import { attribute, buildReport, linesFromMirror, readConversions, readExposures, type ImpactReport } from '../impact/index.js';
import type { Sql } from '../lib/sql.js';
import type { QuarterResult } from './quarter-from-mirror.js';

export function quarterImpactSource(quarter: Sql, live: Sql, settings: { windowDays: number; holdoutShare: number }, measured: QuarterResult): ImpactSource {
  return async (q: ImpactQuery): Promise<ImpactReport> => {
    const windowDays = q.windowDays ?? settings.windowDays;
    const exposures = await readExposures(quarter);
    const end = measured.to;
    const conversions = windowDays === settings.windowDays
      ? await readConversions(quarter)
      : attribute(exposures, (await linesFromMirror(live)).filter((l) => l.on >= measured.from && l.on <= end), windowDays);
    const report = buildReport(exposures, conversions, { windowDays, since: q.since, by: q.by, holdoutShare: settings.holdoutShare });
    return { ...report, replay: { from: measured.from, to: measured.to, weeks: measured.weeks } };
  };
}
