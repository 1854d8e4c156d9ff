// Measured impact: the holdout's shadow lists and the shown lists recorded as exposures, conversions
// attributed to them from new line items, and the lift of shown over holdout with its uncertainty.
export { ACCEPTED_WON_NOTE, acceptedWon, reactionsFromMirror, type AcceptedWon, type ReactionEvent } from './acceptances.js';
export { DEFAULT_WINDOW_DAYS, attribute, checkWindowDays, type AttributableLine } from './attribution.js';
export { linesFromMirror } from './from-mirror.js';
export { buildReport, periodOf, METHODS, type GroupStats, type ImpactReport, type Lift, type PeriodRow, type ReportOptions } from './report.js';
export { accountsNeeded, bootstrapMeanDifference, clusteredRate, newcombeDifference, rateDifference, type AccountOutcome } from './intervals.js';
export { ensureImpactTables, IMPACT_SCHEMA, readConversions, readExposures, recordExposures, saveConversions, type Conversion, type Exposure } from './store.js';
export { measureImpact, type MeasureResult } from './measure.js';
export { conversionPayload, runFigures, writeConversions, type ConversionWrites } from './org-writes.js';
export { markOrgWritten, pendingOrgWrites } from './store.js';
