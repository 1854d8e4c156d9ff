// One measurement pass, run by every sync after its models: attribute new line items to the recorded
// exposures and store what converted. Re-running it over the same data changes nothing.
import type { Sql } from '../lib/sql.js';
import { attribute, DEFAULT_WINDOW_DAYS, type AttributableLine } from './attribution.js';
import { readConversions, readExposures, saveConversions, type Conversion } from './store.js';

export type MeasureResult = { exposures: number; conversions: number; changed: Conversion[] };

export async function measureImpact(sql: Sql, lines: AttributableLine[], windowDays = DEFAULT_WINDOW_DAYS): Promise<MeasureResult> {
  const exposures = await readExposures(sql);
  const found = attribute(exposures, lines, windowDays, await readConversions(sql));
  const changed = await saveConversions(sql, found);
  return { exposures: exposures.length, conversions: found.length, changed };
}
