// One measurement pass, run by every sync after its models: attribute new line items to the recorded
// exposures and store what converted. Re-running it over the same data changes nothing.
import type { DatabaseSync } from 'node:sqlite';
import { attribute, DEFAULT_WINDOW_DAYS, type AttributableLine } from './attribution.js';
import { readConversions, readExposures, saveConversions, type Conversion } from './store.js';

export type MeasureResult = { exposures: number; conversions: number; changed: Conversion[] };

export function measureImpact(db: DatabaseSync, lines: AttributableLine[], windowDays = DEFAULT_WINDOW_DAYS): MeasureResult {
  const exposures = readExposures(db);
  const found = attribute(exposures, lines, windowDays, readConversions(db));
  const changed = saveConversions(db, found);
  return { exposures: exposures.length, conversions: found.length, changed };
}
