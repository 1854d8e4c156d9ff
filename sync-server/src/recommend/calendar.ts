// Calendar-month arithmetic on day numbers (the windows are "3 calendar months", not 90 days).
import { DAY_MS } from './purchase-log.js';

export function addMonths(day: number, months: number): number {
  const d = new Date(day * DAY_MS);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastOfMonth = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastOfMonth));
  return Math.floor(target.getTime() / DAY_MS);
}
