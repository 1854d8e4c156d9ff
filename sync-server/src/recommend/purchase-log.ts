// The one shape every model reads: won purchase lines as parallel typed arrays over dense account and product
// indices. Both the org pipeline (Dataset) and the offline evaluator (CSV) build it, so the methods are
// evaluated on exactly the code that runs in production.
import { allocateColumns } from '../lib/columns.js';

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
  return selectLines(log, (k) => log.day[k] >= from && log.day[k] < to);
}

/** The lines `keep` accepts, in order; `renumber` (with nUsers) maps account indices to a smaller index space. */
export function selectLines(log: PurchaseLog, keep: (k: number) => boolean, renumber?: { user: Int32Array; nUsers: number }): PurchaseLog {
  let n = 0;
  for (let k = 0; k < log.user.length; k++) if (keep(k)) n++;
  const out: PurchaseLog = {
    nUsers: renumber?.nUsers ?? log.nUsers,
    nItems: log.nItems,
    user: new Int32Array(n),
    item: new Int32Array(n),
    day: new Int32Array(n),
    order: new Int32Array(n),
    revenue: new Float64Array(n),
  };
  let j = 0;
  for (let k = 0; k < log.user.length; k++) {
    if (!keep(k)) continue;
    out.user[j] = renumber ? renumber.user[log.user[k]] : log.user[k];
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

/** Stable counting pass: writes the lines of `from` (identity when null) into `to`, ordered by key. O(n + range). */
function countingPass(from: Int32Array | null, to: Int32Array, key: Int32Array, offset: number, range: number): void {
  const n = to.length;
  const count = new Int32Array(range + 1);
  for (let t = 0; t < n; t++) count[key[from ? from[t] : t] - offset + 1]++;
  for (let v = 0; v < range; v++) count[v + 1] += count[v];
  for (let t = 0; t < n; t++) {
    const k = from ? from[t] : t;
    to[count[key[k] - offset]++] = k;
  }
}

/**
 * Sorts each account's run of `order` by (item, day, line index). After a stable pass by account this is the
 * order of a stable sort by (account, item, day). Runs are an account's lines, so mostly a short insertion sort.
 */
function sortAccountRuns(order: Int32Array, log: PurchaseLog): void {
  const { user, item, day } = log;
  const n = order.length;
  for (let s = 0, e = 0; s < n; s = e) {
    const u = user[order[s]];
    for (e = s + 1; e < n && user[order[e]] === u; e++);
    if (e - s > 32) {
      order.set(Array.from(order.subarray(s, e)).sort((a, b) => item[a] - item[b] || day[a] - day[b] || a - b), s);
      continue;
    }
    for (let t = s + 1; t < e; t++) {
      const k = order[t];
      const ik = item[k];
      const dk = day[k];
      let q = t - 1;
      for (; q >= s; q--) {
        const p = order[q];
        if (item[p] < ik || (item[p] === ik && (day[p] < dk || (day[p] === dk && p < k)))) break;
        order[q + 1] = p;
      }
      order[q + 1] = k;
    }
  }
}

export function buildUserItems(log: PurchaseLog): UserItems {
  const { nUsers, nItems } = log;
  const n = log.user.length;
  // Lines ordered by (user, item, day), ties in log order so sums are reproducible: one stable counting pass by
  // account, then each account's few lines by (item, day, line). Linear in the lines, and when the log already
  // comes grouped by account (as the org's lines do) every pass reads it in order instead of jumping around it.
  // Exactly sized outputs: on a big org every large array is also a garbage-collector trigger.
  let minDay = 0;
  let maxDay = -1;
  for (let k = 0; k < n; k++) {
    const d = log.day[k];
    if (maxDay < minDay) minDay = maxDay = d;
    else if (d < minDay) minDay = d;
    else if (d > maxDay) maxDay = d;
  }
  const order = new Int32Array(n);
  countingPass(null, order, log.user, 0, nUsers);
  sortAccountRuns(order, log);

  // Sizes first: one entry per (user, item) run, one day per distinct (user, item, day).
  let ne = 0;
  let nd = 0;
  for (let t = 0; t < n; t++) {
    const k = order[t];
    const p = t > 0 ? order[t - 1] : -1;
    const sameEntry = p >= 0 && log.user[p] === log.user[k] && log.item[p] === log.item[k];
    if (!sameEntry) ne++;
    if (!sameEntry || log.day[p] !== log.day[k]) nd++;
  }
  const entry = { type: 'i32', length: ne } as const;
  const account = { type: 'i32', length: nUsers } as const;
  // On shared memory: list workers read these columns without a copy of their own.
  const { ptr, items, orders, firstDay, lastDay, revenue, dayPtr, days, userOrders, userLastDay, userFirstDay, userRevenue } = allocateColumns({
    items: entry, orders: entry, firstDay: entry, lastDay: entry, revenue: { type: 'f64', length: ne },
    ptr: { type: 'i32', length: nUsers + 1 }, dayPtr: { type: 'i32', length: ne + 1 }, days: { type: 'i32', length: nd },
    userOrders: account, userLastDay: account, userFirstDay: account, userRevenue: { type: 'f64', length: nUsers },
  }, { shared: true });
  userLastDay.fill(-1);
  userFirstDay.fill(-1);
  const dayStamp = new Int32Array(Math.max(0, maxDay - minDay + 1)); // u + 1 when account u ordered that day
  ne = 0;
  nd = 0;
  let k = 0;
  for (let u = 0; u < nUsers; u++) {
    const end = k + (n === 0 ? 0 : countUser(log.user, order, k, u));
    let distinct = 0;
    while (k < end) {
      const it = log.item[order[k]];
      let rev = 0;
      let prevDay = -1;
      let count = 0;
      let first = -1;
      while (k < end && log.item[order[k]] === it) {
        const line = order[k];
        const d = log.day[line];
        rev += log.revenue[line];
        if (dayStamp[d - minDay] !== u + 1) {
          dayStamp[d - minDay] = u + 1;
          distinct++;
        }
        if (d !== prevDay) {
          days[nd++] = d;
          count++;
          if (first < 0) first = d;
          prevDay = d;
        }
        k++;
      }
      items[ne] = it;
      orders[ne] = count;
      firstDay[ne] = first;
      lastDay[ne] = prevDay;
      revenue[ne] = rev;
      dayPtr[++ne] = nd;
      userRevenue[u] += rev;
      if (prevDay > userLastDay[u]) userLastDay[u] = prevDay;
      if (userFirstDay[u] < 0 || first < userFirstDay[u]) userFirstDay[u] = first;
    }
    userOrders[u] = distinct;
    ptr[u + 1] = ne;
  }
  return {
    nUsers,
    nItems,
    ptr,
    items,
    orders,
    firstDay,
    lastDay,
    revenue,
    dayPtr,
    days,
    userOrders,
    userLastDay,
    userFirstDay,
    userRevenue,
  };
}

/** How many lines of account u start at position k of the (user-ordered) line order. */
function countUser(user: Int32Array, order: Int32Array, k: number, u: number): number {
  let c = 0;
  while (k + c < order.length && user[order[k + c]] === u) c++;
  return c;
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
