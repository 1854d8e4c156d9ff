// Buy-again ordering chosen from each org's own history: the learned re-order model only where it beats the
// plain own-history orderings on accounts it did not learn from, and a labelled plain ordering elsewhere.
import { expect } from 'chai';
import { syntheticDataset } from '../../sync-server/src/models/synthetic.js';
import { retailDataFromDataset } from '../../sync-server/src/evaluate/from-dataset.js';
import { firstPurchasesOnly } from '../../sync-server/src/evaluate/protocol.js';
import { addMonths } from '../../sync-server/src/recommend/calendar.js';
import { buildUserItems, sliceLog } from '../../sync-server/src/recommend/purchase-log.js';
import { groundTruth } from '../../sync-server/src/recommend/ground-truth.js';
import { DEFAULT_PARAMS, fitReco } from '../../sync-server/src/recommend/fit.js';
import { OWN_HISTORY_ORDERS, buyAgainStats, scoreBuyAgain, type BuyAgainParams } from '../../sync-server/src/recommend/buy-again.js';
import { buyAgainWindows, chooseBuyAgain } from '../../sync-server/src/recommend/buy-again-choice.js';
import { buyAgainReason, withChance } from '../../sync-server/src/recommend/reasons.js';
import { ndcgAt } from '../../sync-server/src/recommend/ranking-metrics.js';
import { explainRecommendation, runModels } from '../../sync-server/src/models/run-models.js';

const base = DEFAULT_PARAMS.buyAgain;

describe('models: buy-again ordering by data sufficiency', function () {
  this.timeout(300_000);

  it('a tiny org keeps a plain own-history ordering, with no model, and says why', () => {
    const d = retailDataFromDataset(syntheticDataset({ accounts: 25, products: 80, linesPerAccount: 10, seed: 5 }));
    const { params, choice } = chooseBuyAgain(buyAgainWindows(d.log, d.lastDay + 1, 2000), base);
    expect(choice.order).to.equal('frequency');
    expect(params.order).to.equal('frequency');
    expect(params.model ?? null).to.equal(null);
    expect(choice.reason).to.match(/too few accounts re-ordered/);
    expect(params.why).to.equal(choice.reason);
  });

  it('a sparse org where nothing is bought twice has nothing to learn from and orders by frequency', () => {
    const d = firstPurchasesOnly(retailDataFromDataset(syntheticDataset({ accounts: 1500, products: 300, linesPerAccount: 10, seed: 13 })));
    const { params, choice } = chooseBuyAgain(buyAgainWindows(d.log, d.lastDay + 1, 2000), base);
    expect(choice.order).to.equal('frequency');
    expect(params.model ?? null).to.equal(null);
    expect(choice.reason).to.contain('no repeat purchases');
  });

  it('a rich org earns the learned model, which beats every plain ordering on the next 3 months it never saw', () => {
    const d = retailDataFromDataset(syntheticDataset({ accounts: 2000, products: 300, linesPerAccount: 15, seed: 7 }));
    const testFrom = addMonths(d.lastDay, -3);
    const train = sliceLog(d.log, -Infinity, testFrom);
    const { params, choice } = chooseBuyAgain(buyAgainWindows(train, testFrom, 2000), base);
    expect(choice.order).to.equal('learned');
    expect(params.model?.weights).to.have.length(9);
    expect(choice.check!.gain).to.be.greaterThan(2 * choice.check!.se);
    expect(choice.reason).to.match(/^learned re-order model: \+0\.\d{4} NDCG@10 over the best plain ordering/);

    const ui = buildUserItems(train);
    const stats = buyAgainStats(ui, testFrom);
    const truth = groundTruth(ui, sliceLog(d.log, testFrom, Infinity)).buyAgain;
    const ndcg = (p: BuyAgainParams): number => {
      let sum = 0;
      for (const [u, rel] of truth) sum += ndcgAt(scoreBuyAgain(ui, stats, p, testFrom, u, 10).map((r) => r.item), rel, 10);
      return sum / truth.size;
    };
    const learned = ndcg(params);
    for (const order of OWN_HISTORY_ORDERS) expect(learned, order).to.be.greaterThan(ndcg({ ...params, order, model: null }));
  });

  it('does not learn from windows with much less history before them than the cutoff has', () => {
    // The whole book is the last 4 months: the 3-month window starts a month in, unlike the cutoff (4 months
    // of history), so only the last month before the cutoff may teach the model.
    const d = retailDataFromDataset(syntheticDataset({ accounts: 2000, products: 300, linesPerAccount: 15, seed: 7 }));
    const asOf = d.lastDay + 1;
    const young = sliceLog(d.log, addMonths(asOf, -4), asOf);
    const windows = buyAgainWindows(young, asOf, 2000);
    const lastMonth = windows.filter((w) => w.historyDays >= 0.5 * w.cutoffHistoryDays);
    expect(windows.length).to.be.greaterThan(lastMonth.length);
    expect(lastMonth.map((w) => w.asOfDay)).to.deep.equal([addMonths(asOf, -1)]);
    const { choice } = chooseBuyAgain(windows, base);
    const judged = lastMonth[0].truth.size;
    if (choice.check) expect(choice.check.accounts).to.equal(judged);
    // With the short window alone there is nothing left to learn from.
    const { choice: onlyShort } = chooseBuyAgain(windows.filter((w) => !lastMonth.includes(w)), base);
    expect(onlyShort.order).to.not.equal('learned');
  });

  it('each re-order says how its list was ordered, and keeps it in the evidence', () => {
    const why = buyAgainReason({ orders: 3, intervalDays: 30, daysSinceLast: 20, due: 0.6 });
    const plain = withChance(why, 0.3, undefined, { order: 'frequency', why: 'the learned re-order model did not beat ...' });
    expect(plain.reason).to.contain('ordered by how often it is ordered: a learned order was not clearly better');
    expect(plain.evidence).to.include({ buyAgainOrder: 'frequency', buyAgainOrderReason: 'the learned re-order model did not beat ...' });
    const learned = withChance(why, 0.3, undefined, { order: 'learned' });
    expect(learned.reason).to.contain('ordered by a re-order model that beat plain order history');
    expect(learned.reason.length).to.be.at.most(255);
  });
});

describe('models: segment popularity only where segments help', function () {
  this.timeout(60_000);

  it('with wholeOrg the popularity list ignores the account segment, without it the segment shapes it', () => {
    const d = retailDataFromDataset(syntheticDataset({ accounts: 600, products: 200, linesPerAccount: 10, seed: 3 }));
    // Two arbitrary segments: accounts by parity.
    const groups = { of: Int32Array.from({ length: d.log.nUsers }, (_, u) => u % 2), count: 2 };
    const asOf = d.lastDay + 1;
    const params = { ...DEFAULT_PARAMS, cross: { ...DEFAULT_PARAMS.cross, popularityOnly: true } };
    const seg = fitReco(d.log, asOf, params, groups);
    const org = fitReco(d.log, asOf, { ...params, cross: { ...params.cross, wholeOrg: true } }, groups);
    let differ = 0;
    for (let u = 0; u < 100; u++) {
      const whole = org.cross.recommend(u, 10, groups.of[u]).map((r) => r.item);
      expect(whole).to.deep.equal(org.cross.recommend(u, 10, -1).map((r) => r.item));
      if (seg.cross.recommend(u, 10, groups.of[u]).map((r) => r.item).join() !== whole.join()) differ++;
    }
    expect(differ).to.be.greaterThan(0);
  });
});

describe('models: the learned re-order model in the model step', function () {
  this.timeout(120_000);

  it('labels each re-order with the ordering and explains it by the model features', () => {
    const ds = syntheticDataset({ accounts: 2000, products: 300, linesPerAccount: 15, seed: 7 });
    const d = retailDataFromDataset(ds);
    const { params } = chooseBuyAgain(buyAgainWindows(d.log, d.lastDay + 1, 2000), base);
    expect(params.order).to.equal('learned');
    const options = { tune: 'off' as const, seed: 5, params: { ...DEFAULT_PARAMS, buyAgain: params } };
    const rec = runModels(ds, options).recommendations.find((r) => r.kind === 'Buy again')!;
    expect(rec.reason).to.contain('ordered by a re-order model');
    expect(rec.evidence).to.include({ buyAgainOrder: 'learned' });
    const e = explainRecommendation(ds, rec.accountId, rec.productId, options);
    const shares = Object.entries(e.parts).filter(([k]) => k.startsWith('ranker.'));
    expect(shares.map(([k]) => k)).to.include.members(['ranker.logOrders', 'ranker.logSince', 'ranker.trend']);
    expect(shares.reduce((a, [, v]) => a + v, 0)).to.be.closeTo(e.parts.total, 1e-9);
  });
});
