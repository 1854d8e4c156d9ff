// SOQL date literals (TODAY, LAST_N_DAYS:n, THIS_QUARTER ...) as half-open UTC day ranges relative to the
// store clock. The org's time zone is UTC and its fiscal year is the calendar year (Salesforce's default),
// so FISCAL variants equal the calendar ones; weeks start on Sunday (en_US locale).

export type DayRange = { start: Date; end: Date }; // [start, end), both at 00:00 UTC

const DAY = 86_400_000;

const utcDay = (d: Date): Date => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
const addDays = (d: Date, n: number): Date => new Date(d.getTime() + n * DAY);
const addMonths = (d: Date, n: number): Date => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
const monthStart = (d: Date): Date => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
const quarterStart = (d: Date): Date =>
  new Date(Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3, 1));
const yearStart = (d: Date): Date => new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
const weekStart = (d: Date): Date => addDays(utcDay(d), -d.getUTCDay());

/** Range unit: how to step from the start of the current period. */
type Unit = { start: (d: Date) => Date; step: (d: Date, n: number) => Date };
const UNITS: Record<string, Unit> = {
  DAY: { start: utcDay, step: addDays },
  WEEK: { start: weekStart, step: (d, n) => addDays(d, 7 * n) },
  MONTH: { start: monthStart, step: addMonths },
  QUARTER: { start: quarterStart, step: (d, n) => addMonths(d, 3 * n) },
  YEAR: { start: yearStart, step: (d, n) => addMonths(d, 12 * n) },
};

const period = (now: Date, unit: Unit, from: number, count: number): DayRange => {
  const base = unit.start(now);
  return { start: unit.step(base, from), end: unit.step(base, from + count) };
};

const FIXED: Record<string, [unit: string, from: number, count: number]> = {
  YESTERDAY: ['DAY', -1, 1],
  TODAY: ['DAY', 0, 1],
  TOMORROW: ['DAY', 1, 1],
  LAST_WEEK: ['WEEK', -1, 1],
  THIS_WEEK: ['WEEK', 0, 1],
  NEXT_WEEK: ['WEEK', 1, 1],
  LAST_MONTH: ['MONTH', -1, 1],
  THIS_MONTH: ['MONTH', 0, 1],
  NEXT_MONTH: ['MONTH', 1, 1],
  // LAST_90_DAYS is LAST_N_DAYS:90 (today included), NEXT_90_DAYS starts tomorrow.
  LAST_90_DAYS: ['DAY', -90, 91],
  NEXT_90_DAYS: ['DAY', 1, 90],
  LAST_QUARTER: ['QUARTER', -1, 1],
  THIS_QUARTER: ['QUARTER', 0, 1],
  NEXT_QUARTER: ['QUARTER', 1, 1],
  LAST_YEAR: ['YEAR', -1, 1],
  THIS_YEAR: ['YEAR', 0, 1],
  NEXT_YEAR: ['YEAR', 1, 1],
};

/** Range for a date literal such as `THIS_MONTH` or `LAST_N_DAYS` with n; undefined when unknown. */
export function dateLiteralRange(literal: string, n: number | undefined, now: Date): DayRange | undefined {
  const name = literal.toUpperCase().replace('_FISCAL_', '_');
  const fixed = FIXED[name];
  if (fixed) {
    if (n !== undefined) return undefined;
    return period(now, UNITS[fixed[0]], fixed[1], fixed[2]);
  }
  if (n === undefined || !Number.isInteger(n) || n < 0) return undefined;
  const m = /^(LAST|NEXT)_N_(DAY|WEEK|MONTH|QUARTER|YEAR)S$|^N_(DAY|WEEK|MONTH|QUARTER|YEAR)S_AGO$/.exec(name);
  if (!m) return undefined;
  if (m[3]) return period(now, UNITS[m[3]], -n, 1);
  const unit = UNITS[m[2]];
  // LAST_N_DAYS:n includes today (n past days + today); the other LAST_N_* end where the current period starts.
  if (m[1] === 'LAST') return m[2] === 'DAY' ? period(now, unit, -n, n + 1) : period(now, unit, -n, n);
  return period(now, unit, 1, n);
}

export const isoDate = (d: Date): string => d.toISOString().slice(0, 10);
export const isoDateTime = (d: Date): string => d.toISOString();

/** `2020-01-01T10:00:00Z`, `...+05:30`, `....123-08:00` to the stored UTC form `YYYY-MM-DDTHH:MM:SS.sssZ`. */
export function normalizeDateTimeLiteral(text: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})$/i.exec(text);
  if (!m) return undefined;
  const ms = m[7] ? Number(m[7].slice(1).padEnd(3, '0')) : 0;
  let t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
  if (m[8].toUpperCase() !== 'Z') {
    const sign = m[8][0] === '-' ? -1 : 1;
    const digits = m[8].slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function validDateLiteral(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return isoDate(d) === text;
}
