// Which dates of a file are its bulk, and which are a few stray rows far outside it (a mistyped year). Both
// the seeder and the offline evaluation anchor on the newest date, so one such row would move everything.

/** At most this share of rows may be called outliers: more is a second period of data, not a typo. */
const MAX_OUTLIER_SHARE = 0.01;

/**
 * The time range of the file's bulk. The seeder moves every date so that the newest lands on yesterday, so
 * one mistyped year (2031 in a 2010-2011 file) would push the whole history years back. A few rows at either
 * end are dropped as outliers when they are further from the rest than the rest's whole span: the rule scales
 * with the data (a one-year file tolerates a gap of up to a year, a ten-year file one of ten), and at most 1%
 * of the rows may go, so a file below 100 rows is taken as it is.
 */
export function bulkTimeRange(times: Map<number, { rows: number }>): { fromMs: number; toMs: number; why(ms: number): string } {
  const sorted = [...times.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((n, [, t]) => n + t.rows, 0);
  const budget = Math.floor(total * MAX_OUTLIER_SHARE);
  let lo = 0;
  let hi = sorted.length - 1;
  let spent = 0;
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  // Peel the end whose next step is the most clearly separated, while the rule holds and the budget lasts.
  for (;;) {
    const span = sorted[hi][0] - sorted[lo][0];
    const tail = hi > lo ? sorted[hi][0] - sorted[hi - 1][0] : 0;
    const head = hi > lo ? sorted[lo + 1][0] - sorted[lo][0] : 0;
    const tailOk = tail > span - tail && spent + sorted[hi][1].rows <= budget;
    const headOk = head > span - head && spent + sorted[lo][1].rows <= budget;
    if (tailOk && (!headOk || tail >= head)) {
      spent += sorted[hi][1].rows;
      hi -= 1;
    } else if (headOk) {
      spent += sorted[lo][1].rows;
      lo += 1;
    } else {
      break;
    }
  }
  const fromMs = sorted[lo][0];
  const toMs = sorted[hi][0];
  const days = (ms: number): number => Math.round(ms / 86_400_000);
  return {
    fromMs,
    toMs,
    why: (ms) => (ms > toMs
      ? `${days(ms - toMs)} days after the rest of the file (${day(fromMs)} to ${day(toMs)}, ${days(toMs - fromMs)} days), an outlier`
      : `${days(fromMs - ms)} days before the rest of the file (${day(fromMs)} to ${day(toMs)}, ${days(toMs - fromMs)} days), an outlier`),
  };
}
