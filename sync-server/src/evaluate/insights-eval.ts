// Segment and churn figures for the offline evaluation, computed on the training period as of the test cutoff.
import { addMonths } from '../recommend/calendar.js';
import { buildUserItems, sliceLog } from '../recommend/purchase-log.js';
import { orderTable } from '../features/orders.js';
import { purchaseFeatures } from '../features/features.js';
import { segmentAccounts } from '../segments/segment.js';
import { fitChurn } from '../churn/churn.js';
import type { RetailData } from './retail-data.js';

export function evaluateInsights(data: RetailData): { segments: unknown; churn: unknown; timings: Record<string, number> } {
  const asOf = addMonths(data.lastDay, -3);
  const train = sliceLog(data.log, -Infinity, asOf);
  let t = performance.now();
  const ui = buildUserItems(train);
  const breadth = Float64Array.from({ length: ui.nUsers }, (_, u) => ui.ptr[u + 1] - ui.ptr[u]);
  const orders = orderTable(data.log);
  const seg = segmentAccounts(purchaseFeatures(orders, ui.nUsers, asOf), breadth, ui.nUsers, { seed: 42, currency: null });
  const segmentsMs = Math.round(performance.now() - t);
  t = performance.now();
  // Churn is scored on the whole file: its latest fully observed 90-day outcome is the test snapshot.
  const churn = fitChurn(orders, data.log.nUsers, data.lastDay + 1);
  const churnMs = Math.round(performance.now() - t);
  return {
    segments: { ...seg.metrics, names: seg.segments.map((s) => `${s.name} (${s.accountCount}): ${s.description}`) },
    churn: churn.report,
    timings: { segments: segmentsMs, churn: churnMs },
  };
}
