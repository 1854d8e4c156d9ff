// The source data ends on 2011-12-09. An org whose newest invoice is fourteen years old is useless for a
// "what to offer next" demo, so every date moves forward by a whole number of weeks: recency becomes real
// recency while weekday patterns (no Saturday trading, Thursday peaks) survive unchanged.

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** Parses a source timestamp ("YYYY-MM-DDTHH:MM:SS", UK shop time without zone) as UTC milliseconds. */
export function sourceTimeMs(isoLocal: string): number {
  return Date.parse(`${isoLocal}Z`);
}

/**
 * Whole weeks to add so the last source date lands on the latest same weekday on or before "yesterday"
 * (relative to now, in UTC). It lands exactly on yesterday when the weekdays agree; otherwise up to six
 * days earlier, because keeping the weekday is worth more than the exact day.
 */
export function dateShiftWeeks(lastSourceDate: string, now: Date): number {
  const last = Date.parse(`${lastSourceDate.slice(0, 10)}T00:00:00Z`);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const yesterday = today - DAY_MS;
  return Math.floor((yesterday - last) / WEEK_MS);
}

export function shiftMs(ms: number, weeks: number): number {
  return ms + weeks * WEEK_MS;
}

/** Salesforce datetime text (UTC, milliseconds, "Z"), the store's encoding; text order is time order. */
export function toSfDateTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function toSfDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Validates a YYYY-MM-DD option and returns midnight UTC of that day. */
export function parseDayOption(name: string, value: string): number {
  const ms = DATE_ONLY.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
  if (!Number.isFinite(ms) || toSfDate(ms) !== value) {
    throw new RangeError(`${name} must be a date as YYYY-MM-DD, got "${value}"`);
  }
  return ms;
}

export { DAY_MS };
