// The offline evaluation: split, tune on the validation window inside the training period, fit on the whole
// training period, score the test window, and run the baselines on the same split.
import { addMonths } from '../recommend/calendar.js';
import { buildUserItems, dayToIso, sliceLog } from '../recommend/purchase-log.js';
import { groundTruth } from '../recommend/ground-truth.js';
import { fitReco } from '../recommend/fit.js';
import { tuneReco } from '../recommend/tune.js';
import { scoreBuyAgain } from '../recommend/buy-again.js';
import { buildTextIndex } from '../recommend/text-similarity.js';
import type { RankerReport } from '../recommend/ranker-training.js';
import { report, type TopNReport } from './metrics.js';
import { ease, itemKnn, ownHistoryBuyAgain, popularityBuyAgain, popularityCrossSell, type Ranker } from './baselines.js';
import type { RetailData } from './protocol.js';

export type ListReport = { reco: TopNReport; baselines: Record<string, TopNReport> };

export type EvaluationReport = {
  windows: { trainFrom: string; validationFrom: string; testFrom: string; testTo: string };
  data: { accounts: number; products: number; trainLines: number; testLines: number; trainProducts: number };
  crossSell: ListReport;
  buyAgain: ListReport;
  tuning: { params: unknown; validationCrossSellNdcg: number; validationBuyAgainNdcg: number; evaluations: number; ranker: RankerReport | null };
  timings: Record<string, number>;
};

function groupsByCountry(data: RetailData): { of: Int32Array; count: number } {
  const ix = new Map<string, number>();
  const of = Int32Array.from(data.country, (c) => {
    let g = ix.get(c);
    if (g === undefined) ix.set(c, (g = ix.size));
    return g;
  });
  return { of, count: ix.size };
}

function listsFor(users: Iterable<number>, rank: Ranker): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const u of users) m.set(u, rank(u, 10));
  return m;
}

/** withEase adds the EASE (lambda = 300) reference baseline: a dense inverse, slow on big catalogues. */
export function evaluate(data: RetailData, opts: { withEase?: boolean } = {}): EvaluationReport {
  const t: Record<string, number> = {};
  const time = <T>(name: string, f: () => T): T => {
    const s = performance.now();
    const out = f();
    t[name] = Math.round(performance.now() - s);
    return out;
  };
  const testFrom = addMonths(data.lastDay, -3);
  const train = sliceLog(data.log, -Infinity, testFrom);
  const test = sliceLog(data.log, testFrom, Infinity);
  const groups = groupsByCountry(data);
  const ui = time('index', () => buildUserItems(train));
  const truth = groundTruth(ui, test);
  // Descriptions are read once for the whole catalogue: they carry no dates, so nothing leaks from the test window.
  const text = buildTextIndex(data.descriptions);
  const tuned = time('tune', () => tuneReco(train, testFrom, { groups, text }));
  const fit = time('fit', () => fitReco(ui, testFrom, tuned.params, groups, undefined, text));
  let catalogue = 0;
  for (let i = 0, c = new Uint8Array(ui.nItems); i < ui.items.length; i++) {
    if (!c[ui.items[i]]) catalogue++;
    c[ui.items[i]] = 1;
  }
  const recoCross = time('recoCrossSell', () =>
    listsFor(truth.crossSell.keys(), (u, k) => fit.cross.recommend(u, k, groups.of[u]).map((r) => r.item)),
  );
  const recoBuy = time('recoBuyAgain', () =>
    listsFor(truth.buyAgain.keys(), (u, k) =>
      scoreBuyAgain(ui, fit.buyAgain, tuned.params.buyAgain, testFrom, u, k).map((r) => r.item),
    ),
  );
  // The same model without its learned ranker: shows what the second stage adds on this split.
  const firstStage = fitReco(ui, testFrom, { ...tuned.params, cross: { ...tuned.params.cross, ranker: null } }, groups, undefined, text);
  const firstStageCross = listsFor(truth.crossSell.keys(), (u, k) => firstStage.cross.recommend(u, k, groups.of[u]).map((r) => r.item));
  const knn = time('itemKnnFit', () => itemKnn(ui));
  const popCross = popularityCrossSell(ui);
  const cross: ListReport = {
    reco: report(recoCross, truth.crossSell, catalogue),
    baselines: {
      popularity: time('popularityCrossSell', () => report(listsFor(truth.crossSell.keys(), popCross), truth.crossSell, catalogue)),
      itemKnn: report(listsFor(truth.crossSell.keys(), knn.crossSell), truth.crossSell, catalogue),
      recoFirstStage: report(firstStageCross, truth.crossSell, catalogue),
    },
  };
  if (opts.withEase) {
    const rank = time('ease', () => ease(ui, 300));
    cross.baselines.ease = time('easeCrossSell', () => report(listsFor(truth.crossSell.keys(), rank), truth.crossSell, catalogue));
  }
  const buy: ListReport = {
    reco: report(recoBuy, truth.buyAgain, catalogue),
    baselines: {
      popularity: report(listsFor(truth.buyAgain.keys(), popularityBuyAgain(ui)), truth.buyAgain, catalogue),
      itemKnn: report(listsFor(truth.buyAgain.keys(), knn.buyAgain), truth.buyAgain, catalogue),
      ownHistory: report(listsFor(truth.buyAgain.keys(), ownHistoryBuyAgain(ui)), truth.buyAgain, catalogue),
    },
  };
  let minDay = Infinity;
  for (const d of data.log.day) if (d < minDay) minDay = d;
  return {
    windows: {
      trainFrom: dayToIso(minDay),
      validationFrom: dayToIso(tuned.validation.from),
      testFrom: dayToIso(testFrom),
      testTo: dayToIso(data.lastDay),
    },
    data: {
      accounts: data.log.nUsers,
      products: data.log.nItems,
      trainLines: train.user.length,
      testLines: test.user.length,
      trainProducts: catalogue,
    },
    crossSell: cross,
    buyAgain: buy,
    tuning: {
      params: tuned.params,
      validationCrossSellNdcg: tuned.validation.crossSellNdcg,
      validationBuyAgainNdcg: tuned.validation.buyAgainNdcg,
      evaluations: tuned.evaluations,
      ranker: tuned.ranker,
    },
    timings: t,
  };
}
