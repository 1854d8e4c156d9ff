// Orders (invoices / won opportunities) rolled up from purchase lines: the unit of recency, frequency and
// monetary value. Built once, then any "as of" snapshot is one linear pass.
import type { PurchaseLog } from '../recommend/purchase-log.js';

export type OrderTable = { user: Int32Array; day: Int32Array; revenue: Float64Array };

export function orderTable(log: PurchaseLog): OrderTable {
  let n = 0;
  for (let k = 0; k < log.order.length; k++) if (log.order[k] + 1 > n) n = log.order[k] + 1;
  const user = new Int32Array(n).fill(-1);
  const day = new Int32Array(n);
  const revenue = new Float64Array(n);
  for (let k = 0; k < log.order.length; k++) {
    const o = log.order[k];
    user[o] = log.user[k];
    day[o] = log.day[k];
    revenue[o] += log.revenue[k];
  }
  return { user, day, revenue };
}
