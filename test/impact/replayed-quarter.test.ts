// The demo's replayed quarter: models run "on" each of the data's last weeks see only the sales before that
// day, lists are recorded as made that day, and each week's real sales are attributed to them; GET /impact
// then answers from that store, marked as a replay.
import { expect } from 'chai';
import { DatabaseSync } from 'node:sqlite';
import { SqliteSql } from '../../sync-server/src/mirror/sqlite-sql.js';
import type { Dataset, LineItem, Opportunity, Recommendation } from '../../sync-server/src/domain/types.js';
import { readConversions, readExposures } from '../../sync-server/src/impact/index.js';
import { openMirror } from '../../sync-server/src/mirror/db.js';
import { measureQuarter } from '../../sync-server/src/simulate/quarter-from-mirror.js';
import { quarterImpactSource } from '../../sync-server/src/simulate/quarter-source.js';

const line = (id: string, account: string, product: string, day: string, amount = 10): LineItem => ({
  id, opportunityId: `O${id}`, accountId: account, productId: product, quantity: 1, unitPrice: amount, totalPrice: amount, closeDate: day, isWon: true, isClosed: true,
});
const opp = (l: LineItem): Opportunity => ({ id: l.opportunityId, accountId: l.accountId, name: l.id, stageName: 'Closed Won', isWon: true, isClosed: true, closeDate: l.closeDate, amount: l.totalPrice, createdDate: `${l.closeDate}T00:00:00.000Z` });
const rec = (accountId: string, productId: string): Recommendation => ({ accountId, productId, kind: 'Cross-sell', rank: 1, score: 0.5, confidence: 'Medium', reason: 'r', evidence: {}, expectedRevenue: null, opportunityId: null });

describe('impact: the demo’s replayed quarter', () => {
  // Last sale on 2026-03-28 (a Saturday): with 2 weeks the quarter is 2026-03-15 .. 2026-03-28.
  const lines = [
    line('L0', 'A1', 'P0', '2026-01-10'), line('L1', 'A2', 'P0', '2026-01-10'), line('L2', 'H1', 'P0', '2026-01-10'),
    line('L3', 'A1', 'P1', '2026-03-14', 99), // the day before the quarter: history, not a conversion
    line('L4', 'A1', 'P1', '2026-03-16', 20), // week 1: converts A1's P1 from the first list
    line('L5', 'A2', 'P2', '2026-03-23', 30), // week 2: P2 is first listed for A2 on 03-22, converts
    line('L6', 'H1', 'P1', '2026-03-28', 40), // holdout account's shadow list converts alike
  ];
  const ds: Dataset = { asOf: '2026-03-29T00:00:00.000Z', accounts: [], products: [], opportunities: lines.map(opp), lines, activities: [], feedback: [] };
  const seen: Array<{ asOf: string; latest: string; holdoutShare: number | undefined; tune: string | undefined }> = [];
  // A stand-in for the models: records what it was given, lists P1 for everyone, P2 from the second week on.
  const run = (week: Dataset, options: { holdoutShare?: number; tune?: string }) => {
    seen.push({ asOf: week.asOf, latest: week.lines.reduce((m, l) => (l.closeDate > m ? l.closeDate : m), ''), holdoutShare: options.holdoutShare, tune: options.tune });
    const products = week.asOf >= '2026-03-22' ? ['P1', 'P2'] : ['P1'];
    return { recommendations: ['A1', 'A2'].flatMap((a) => products.map((p) => rec(a, p))), shadow: products.map((p) => rec('H1', p)) };
  };

  it('runs the models weekly on earlier sales only, and attributes the sales that followed', async () => {
    const out = new SqliteSql(new DatabaseSync(':memory:'), ':memory:');
    const r = await measureQuarter(ds, out, { weeks: 2, windowDays: 90, modelOptions: { holdoutShare: 0.1, seed: 42 } }, run);
    expect(r).to.deep.include({ from: '2026-03-15', to: '2026-03-28', weeks: 2, exposures: 6, conversions: 3 });
    expect(seen).to.deep.equal([
      { asOf: '2026-03-15T00:00:00.000Z', latest: '2026-03-14', holdoutShare: 0.1, tune: 'off' },
      { asOf: '2026-03-22T00:00:00.000Z', latest: '2026-03-16', holdoutShare: 0.1, tune: 'off' },
    ]);
    expect((await readExposures(out)).map((e) => [e.externalId, e.shown, e.firstOn])).to.deep.equal([
      ['A1-P1-XS', true, '2026-03-15'], ['A1-P2-XS', true, '2026-03-22'], ['A2-P1-XS', true, '2026-03-15'],
      ['A2-P2-XS', true, '2026-03-22'], ['H1-P1-XS', false, '2026-03-15'], ['H1-P2-XS', false, '2026-03-22'],
    ]);
    expect((await readConversions(out)).map((c) => [c.externalId, c.lineId, c.convertedOn])).to.deep.equal([
      ['A1-P1-XS', 'L4', '2026-03-16'], ['A2-P2-XS', 'L5', '2026-03-23'], ['H1-P1-XS', 'L6', '2026-03-28'],
    ]);
    await out.close();
  });

  it('refuses a quarter it cannot replay, naming what is wrong', async () => {
    const out = new SqliteSql(new DatabaseSync(':memory:'), ':memory:');
    const refused = (p: Promise<unknown>) => p.then(() => new Error('accepted'), (e: Error) => e);
    expect((await refused(measureQuarter(ds, out, { weeks: 0, windowDays: 90, modelOptions: {} }, run))).message).to.match(/weeks must be a whole number from 1 to 26, got 0/);
    expect((await refused(measureQuarter({ ...ds, lines: [] }, out, { weeks: 2, windowDays: 90, modelOptions: {} }, run))).message).to.match(/no sales: run a sync first/);
    await out.close();
  });

  it('answers GET /impact from the replay, marked as one, and another window from the live lines of the quarter', async () => {
    const out = new SqliteSql(new DatabaseSync(':memory:'), ':memory:');
    const measured = await measureQuarter(ds, out, { weeks: 2, windowDays: 90, modelOptions: {} }, run);
    const live = openMirror(':memory:');
    const source = quarterImpactSource(out, live.sql, { windowDays: 90, holdoutShare: 0.1 }, measured);
    const r = await source({});
    expect(r.replay).to.deep.equal({ from: '2026-03-15', to: '2026-03-28', weeks: 2 });
    expect([r.treated.converted, r.holdout.converted]).to.deep.equal([2, 1]);
    expect((await source({ windowDays: 30 })).treated.converted, 'no live lines in this mirror: nothing converts in another window').to.equal(0);
    live.close();
    await out.close();
  });
});
