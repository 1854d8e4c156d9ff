// Lifecycle stage from order timing, with the thresholds admins read on the dashboard: active within 90 days,
// at risk 90-180, lapsed beyond 180; "won back" when the latest order ended a gap of more than 180 days.
import type { LifecycleStage } from '../domain/types.js';

export function lifecycleStage(
  recencyDays: number,
  tenureDays: number,
  gapBeforeLastDays: number,
  accountAgeDays: number | null,
): LifecycleStage {
  if (Number.isNaN(recencyDays)) return accountAgeDays !== null && accountAgeDays <= 90 ? 'New' : 'Lapsed';
  if (tenureDays <= 90) return 'New';
  if (recencyDays <= 90) return gapBeforeLastDays > 180 ? 'Won back' : 'Active';
  if (recencyDays <= 180) return 'At risk';
  return 'Lapsed';
}
