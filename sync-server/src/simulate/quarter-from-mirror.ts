// A replayed quarter measured in process, from data a sync already put in the mirror: Reco's models run "on"
// each of the last `weeks` weeks of the data, seeing only the sales before that day, and each week's real
// sales are attributed to the lists made so far, exactly as the weekly syncs of `npm run impact:replay` would.
// No rep acts on the lists, so the honest lift is about 0. The demo uses it so its impact section shows
// measured figures without 14 syncs through the org (impact:replay, ~30 min on the whole file); what it
// skips is the org round trip (extract, write-back), which impact:replay and test/impact/pipeline.e2e cover.
import type { Dataset, IsoDate, ModelOutput } from '../domain/types.js';
import { measureImpact, recordExposures, type AttributableLine } from '../impact/index.js';
import type { Sql } from '../lib/sql.js';
import type { ModelOptions } from '../models/options.js';
import { dayNumber, dayToIso } from '../recommend/purchase-log.js';

export type QuarterOptions = {
  weeks: number;
  windowDays: number;
  /** The service's model options (holdout share and seed), so the holdout is the one the live syncs use. */
  modelOptions: ModelOptions;
  /** Day after the quarter; default the day after the data's last sale. */
  end?: IsoDate;
  onWeek?: (week: number, asOf: IsoDate, ms: number) => void;
};

export type QuarterResult = { from: IsoDate; to: IsoDate; weeks: number; exposures: number; conversions: number; ms: number };

type RunModels = (ds: Dataset, options: ModelOptions) => Pick<ModelOutput, 'recommendations' | 'shadow'>;

/** Runs the quarter into `out` (impact tables); `run` is the models (runModels; a test may pass a smaller one). */
export async function measureQuarter(ds: Dataset, out: Sql, o: QuarterOptions, run: RunModels): Promise<QuarterResult> {
  if (!Number.isInteger(o.weeks) || o.weeks < 1 || o.weeks > 26) throw new RangeError(`weeks must be a whole number from 1 to 26, got ${o.weeks}`);
  const t0 = performance.now();
  const lastSale = ds.lines.reduce((m, l) => (l.closeDate > m ? l.closeDate : m), '');
  if (!lastSale && !o.end) throw new Error('the mirror holds no sales: run a sync first');
  const end = o.end ? dayNumber(o.end) : dayNumber(lastSale) + 1;
  const cut = end - 7 * o.weeks;
  const asLine = (l: Dataset['lines'][number]): AttributableLine => ({ id: l.id, opportunityId: l.opportunityId, accountId: l.accountId, productId: l.productId, on: l.closeDate, amount: l.totalPrice, won: l.isWon });
  let measured = { exposures: 0, conversions: 0 };
  for (let w = 0; w < o.weeks; w++) {
    const tw = performance.now();
    const day = cut + 7 * w;
    const asOf = dayToIso(day);
    const before = (d: string): boolean => dayNumber(d.slice(0, 10)) < day;
    const lines = ds.lines.filter((l) => before(l.closeDate));
    const opps = new Set(lines.map((l) => l.opportunityId));
    // What the org held on that day: earlier sales and activities, no reps' feedback (nobody saw these lists).
    const week: Dataset = {
      ...ds,
      asOf: `${asOf}T00:00:00.000Z`,
      opportunities: ds.opportunities.filter((x) => opps.has(x.id) || (!x.isClosed && before(x.createdDate))),
      lines,
      activities: ds.activities.filter((a) => before(a.date)),
      feedback: [],
      texts: ds.texts?.filter((t) => before(t.date)),
    };
    await recordExposures(out, run(week, { ...o.modelOptions, tune: 'off' }), asOf);
    // The sync at the end of the week sees the sales up to then.
    const seen = ds.lines.filter((l) => dayNumber(l.closeDate) >= cut && dayNumber(l.closeDate) < day + 7).map(asLine);
    measured = await measureImpact(out, seen, o.windowDays);
    o.onWeek?.(w, asOf, performance.now() - tw);
  }
  return { from: dayToIso(cut), to: dayToIso(end - 1), weeks: o.weeks, exposures: measured.exposures, conversions: measured.conversions, ms: Math.round(performance.now() - t0) };
}
