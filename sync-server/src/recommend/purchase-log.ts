// The one shape every model reads: won purchase lines as parallel typed arrays over dense account and product
// indices. Both the org pipeline (Dataset) and the offline evaluator (CSV) build it, so the methods are
// evaluated on exactly the code that runs in production.

export type PurchaseLog = {
  nUsers: number;
  nItems: number;
  user: Int32Array;
  item: Int32Array;
  day: Int32Array; // days since 1970-01-01 (UTC)
  order: Int32Array; // dense order (invoice / won opportunity) index
  revenue: Float64Array;
};

export const DAY_MS = 86_400_000;

export function dayNumber(iso: string): number {
  const t = Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(t)) throw new Error(`not a date: "${iso}"`);
  return Math.floor(t / DAY_MS);
}

export function dayToIso(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Keeps the lines whose day is in [from, to). */
export function sliceLog(log: PurchaseLog, from: number, to: number): PurchaseLog {
  let n = 0;
  for (let k = 0; k < log.day.length; k++) if (log.day[k] >= from && log.day[k] < to) n++;
  const out: PurchaseLog = {
    nUsers: log.nUsers,
    nItems: log.nItems,
    user: new Int32Array(n),
    item: new Int32Array(n),
    day: new Int32Array(n),
    order: new Int32Array(n),
    revenue: new Float64Array(n),
  };
  let j = 0;
  for (let k = 0; k < log.day.length; k++) {
    if (log.day[k] < from || log.day[k] >= to) continue;
    out.user[j] = log.user[k];
    out.item[j] = log.item[k];
    out.day[j] = log.day[k];
    out.order[j] = log.order[k];
    out.revenue[j] = log.revenue[k];
    j++;
  }
  return out;
}

/**
 * Per account, the products it bought (CSR, sorted by product) with the distinct days it ordered each one.
 * Distinct order days, not lines, are the unit of "how often": a product split over two lines of one order
 * was still bought once.
 */
export type UserItems = {
  nUsers: number;
  nItems: number;
  ptr: Int32Array; // nUsers + 1
  items: Int32Array;
  orders: Int32Array; // distinct order days per (user, item)
  firstDay: Int32Array;
  lastDay: Int32Array;
  revenue: Float64Array;
  dayPtr: Int32Array; // entries + 1, into days
  days: Int32Array; // sorted distinct order days per (user, item)
  userOrders: Int32Array; // distinct order days per user
  userLastDay: Int32Array; // -1 when none
  userFirstDay: Int32Array;
  userRevenue: Float64Array;
};

export function buildUserItems(log: PurchaseLog): UserItems {
  const { nUsers, nItems } = log;
  const n = log.user.length;
  // Counting sort by user, then a small sort by (item, day) inside each user: O(n) for long-tail data.
  const start = new Int32Array(nUsers + 1);
  for (let k = 0; k < n; k++) start[log.user[k] + 1]++;
  for (let u = 0; u < nUsers; u++) start[u + 1] += start[u];
  const fill = start.slice(0, nUsers);
  const idx = new Int32Array(n);
  for (let k = 0; k < n; k++) idx[fill[log.user[k]]++] = k;

  const ptr = new Int32Array(nUsers + 1);
  const items: number[] = [];
  const orders: number[] = [];
  const firstDay: number[] = [];
  const lastDay: number[] = [];
  const revenue: number[] = [];
  const dayPtr: number[] = [0];
  const days: number[] = [];
  const userOrders = new Int32Array(nUsers);
  const userLastDay = new Int32Array(nUsers).fill(-1);
  const userFirstDay = new Int32Array(nUsers).fill(-1);
  const userRevenue = new Float64Array(nUsers);
  const cmp = (a: number, b: number): number => log.item[a] - log.item[b] || log.day[a] - log.day[b];
  const userDays = new Set<number>();
  for (let u = 0; u < nUsers; u++) {
    const seg = idx.subarray(start[u], start[u + 1]);
    seg.sort(cmp);
    userDays.clear();
    let k = 0;
    while (k < seg.length) {
      const it = log.item[seg[k]];
      let rev = 0;
      let prevDay = -1;
      let count = 0;
      let first = -1;
      while (k < seg.length && log.item[seg[k]] === it) {
        const line = seg[k];
        const d = log.day[line];
        rev += log.revenue[line];
        userDays.add(d);
        if (d !== prevDay) {
          days.push(d);
          count++;
          if (first < 0) first = d;
          prevDay = d;
        }
        k++;
      }
      items.push(it);
      orders.push(count);
      firstDay.push(first);
      lastDay.push(prevDay);
      revenue.push(rev);
      dayPtr.push(days.length);
      userRevenue[u] += rev;
      if (prevDay > userLastDay[u]) userLastDay[u] = prevDay;
      if (userFirstDay[u] < 0 || first < userFirstDay[u]) userFirstDay[u] = first;
    }
    userOrders[u] = userDays.size;
    ptr[u + 1] = items.length;
  }
  return {
    nUsers,
    nItems,
    ptr,
    items: Int32Array.from(items),
    orders: Int32Array.from(orders),
    firstDay: Int32Array.from(firstDay),
    lastDay: Int32Array.from(lastDay),
    revenue: Float64Array.from(revenue),
    dayPtr: Int32Array.from(dayPtr),
    days: Int32Array.from(days),
    userOrders,
    userLastDay,
    userFirstDay,
    userRevenue,
  };
}

/** Product -> accounts (CSR), the transpose used by item-item similarity. */
export type ItemUsers = { ptr: Int32Array; users: Int32Array };

export function transpose(ui: UserItems): ItemUsers {
  const ptr = new Int32Array(ui.nItems + 1);
  for (let e = 0; e < ui.items.length; e++) ptr[ui.items[e] + 1]++;
  for (let i = 0; i < ui.nItems; i++) ptr[i + 1] += ptr[i];
  const fill = ptr.slice(0, ui.nItems);
  const users = new Int32Array(ui.items.length);
  for (let u = 0; u < ui.nUsers; u++) {
    for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) users[fill[ui.items[e]]++] = u;
  }
  return { ptr, users };
}
