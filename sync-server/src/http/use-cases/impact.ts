// The impact report for the API and the dashboard. The configured window reads the stored conversions (they
// keep a conversion whose line was later deleted); another window is attributed afresh, in memory only, so
// asking "what if the window were 30 days?" never changes what the syncs recorded.
import type { DatabaseSync } from 'node:sqlite';
import { attribute, buildReport, linesFromMirror, reactionsFromMirror, readConversions, readExposures, type ImpactReport } from '../../impact/index.js';
import type { ImpactQuery, ImpactSource } from '../ports.js';

export function mirrorImpactSource(db: DatabaseSync, settings: { windowDays: number; holdoutShare: number }): ImpactSource {
  return (q: ImpactQuery): ImpactReport => {
    const windowDays = q.windowDays ?? settings.windowDays;
    const exposures = readExposures(db);
    const conversions = windowDays === settings.windowDays ? readConversions(db) : attribute(exposures, linesFromMirror(db), windowDays);
    return buildReport(exposures, conversions, { windowDays, since: q.since, by: q.by, holdoutShare: settings.holdoutShare, reactions: reactionsFromMirror(db) });
  };
}

export function getImpactReport(source: ImpactSource | undefined, q: ImpactQuery): ImpactReport | null {
  return source ? source(q) : null;
}
