// The purchase log every model reads: account x product entries with their distinct order days, built in one
// pass per key. Checked against a plain sort on logs in any line order, with accounts of hundreds of lines.
import { expect } from 'chai';
import { buildUserItems, type PurchaseLog } from '../../sync-server/src/recommend/purchase-log.js';
import { indexDataset } from '../../sync-server/src/models/dataset-index.js';
import { orderTable } from '../../sync-server/src/features/orders.js';
import { syntheticDataset } from '../../sync-server/src/models/synthetic.js';
import { mulberry32 } from '../../sync-server/src/lib/random.js';

function randomLog(seed: number, nUsers: number, nItems: number, n: number): PurchaseLog {
  const rnd = mulberry32(seed);
  const pick = (m: number): number => Math.floor(rnd() * m);
  const log: PurchaseLog = { nUsers, nItems, user: new Int32Array(n), item: new Int32Array(n), day: new Int32Array(n), order: new Int32Array(n), revenue: new Float64Array(n) };
  for (let k = 0; k < n; k++) {
    log.user[k] = rnd() < 0.3 ? 0 : pick(nUsers); // account 0 has hundreds of lines: the long-run path
    log.item[k] = pick(nItems);
    log.day[k] = 20000 + pick(40);
    log.order[k] = k;
    log.revenue[k] = 1 + pick(1000) / 8;
  }
  return log;
}

/** The reference: lines sorted by (account, product, day, line), then rolled up. */
function expected(log: PurchaseLog): { user: number; item: number; days: number[]; revenue: number }[] {
  const lines = Array.from(log.user, (_u, k) => k).sort((a, b) => log.user[a] - log.user[b] || log.item[a] - log.item[b] || log.day[a] - log.day[b] || a - b);
  const out: { user: number; item: number; days: number[]; revenue: number }[] = [];
  for (const k of lines) {
    const last = out.at(-1);
    if (last && last.user === log.user[k] && last.item === log.item[k]) {
      if (last.days.at(-1) !== log.day[k]) last.days.push(log.day[k]);
      last.revenue += log.revenue[k];
    } else out.push({ user: log.user[k], item: log.item[k], days: [log.day[k]], revenue: log.revenue[k] });
  }
  return out;
}

describe('models: purchase log', () => {
  for (const [seed, users, items, lines] of [[1, 50, 30, 2000], [2, 400, 8, 3000], [3, 5, 500, 1500]] as const) {
    it(`rolls up ${lines} shuffled lines of ${users} accounts exactly as a sort by (account, product, day) does`, () => {
      const log = randomLog(seed, users, items, lines);
      const ui = buildUserItems(log);
      const want = expected(log);
      expect(ui.items.length).to.equal(want.length);
      want.forEach((w, e) => {
        expect(e >= ui.ptr[w.user] && e < ui.ptr[w.user + 1], `entry ${e} belongs to account ${w.user}`).to.equal(true);
        expect(ui.items[e]).to.equal(w.item);
        expect(Array.from(ui.days.subarray(ui.dayPtr[e], ui.dayPtr[e + 1]))).to.deep.equal(w.days);
        expect(ui.orders[e]).to.equal(w.days.length);
        expect(ui.revenue[e]).to.equal(w.revenue); // same additions in the same order: bit-identical
      });
      expect(ui.ptr[users]).to.equal(want.length);
    });
  }

  it('numbers orders the same whether an account\'s lines come together or are split up', () => {
    const ds = syntheticDataset({ accounts: 60, products: 40, linesPerAccount: 6, seed: 4 });
    const grouped = indexDataset(ds);
    // Move every third line to the end: accounts' lines now come back after other accounts'.
    const split = { ...ds, lines: [...ds.lines.filter((_l, k) => k % 3 !== 0), ...ds.lines.filter((_l, k) => k % 3 === 0)] };
    const other = indexDataset(split);
    const perAccount = (ix: ReturnType<typeof indexDataset>): string[] => {
      const t = orderTable(ix.log);
      return Array.from(t.user, (u, o) => `${u}:${t.day[o]}:${t.revenue[o].toFixed(2)}`).sort();
    };
    expect(perAccount(other)).to.deep.equal(perAccount(grouped));
    expect(new Set(grouped.log.order).size).to.equal(new Set(ds.lines.map((l) => l.opportunityId)).size);
  });
});
