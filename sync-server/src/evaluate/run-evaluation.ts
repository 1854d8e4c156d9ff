// The offline evaluation: split, tune on the validation window inside the training period, fit on the whole
// training period, score the test window, and run the baselines on the same split.
import { addMonths } from '../recommend/calendar.js';
import { buildUserItems, dayToIso, sliceLog } from '../recommend/purchase-log.js';
import { groundTruth } from '../recommend/ground-truth.js';
import { fitReco, type FitCache, type RecoParams } from '../recommend/fit.js';
import { calibrateAt, tuneReco, type BuyAgainChoice } from '../recommend/tune.js';
import { OWN_HISTORY_ORDERS, scoreBuyAgain } from '../recommend/buy-again.js';
import { nextBest, reliabilityTable, type NextBestCalibration, type ReliabilityRow } from '../recommend/next-best.js';
import type { FittedReco } from '../recommend/fit.js';
import { buildTextIndex } from '../recommend/text-similarity.js';
import type { RankerReport } from '../recommend/ranker-training.js';
import { report, type TopNReport } from '../recommend/ranking-metrics.js';
import { ease, itemKnn, ownHistoryBuyAgain, ownHistoryOrder, popularityBuyAgain, popularityCrossSell, popularityNextBest, type Ranker } from './baselines.js';
import type { RetailData } from './retail-data.js';

export type ListReport = { reco: TopNReport; baselines: Record<string, TopNReport> };

export type EvaluationReport = {
  windows: { trainFrom: string; validationFrom: string; testFrom: string; testTo: string };
  data: { accounts: number; products: number; trainLines: number; testLines: number; trainProducts: number };
  crossSell: ListReport;
  buyAgain: ListReport;
  nextBest: ListReport;
  /** Per next-best variant (reco and the two built from its parts): how its lists were made and filled. */
  nextBestMix: Record<'reco' | 'recoFirstStage' | 'recoWithoutRanker', NextBestMix>;
  /** The next-best top 10 of every account with history, predicted chance vs bought in the test window. */
  reliability: { accounts: number; items: number; maxGap: number; meanGap: number; rows: ReliabilityRow[] };
  tuning: {
    params: unknown;
    validationCrossSellNdcg: number;
    validationBuyAgainNdcg: number;
    evaluations: number;
    ranker: RankerReport | null;
    buyAgain: BuyAgainChoice | null;
  };
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

/**
 * How a next-best variant filled its top 10s on the evaluated accounts: its merge rule (chosen on the
 * validation window), its re-order ordering, and how many of the slots went to cross-sell.
 */
export type NextBestMix = { merge: 'probability' | 'buyAgainFirst'; buyAgainOrder: string; slots: number; crossSellSlots: number; accountsWithCrossSell: number };

function nextBestLists(users: Iterable<number>, f: FittedReco, c: NextBestCalibration, groupOf: Int32Array): { lists: Map<number, number[]>; mix: NextBestMix } {
  const lists = new Map<number, number[]>();
  const mix: NextBestMix = { merge: c.merge ?? 'probability', buyAgainOrder: f.params.buyAgain.order ?? 'learned', slots: 0, crossSellSlots: 0, accountsWithCrossSell: 0 };
  for (const u of users) {
    const l = nextBest(f, c, u, groupOf[u], 10);
    const cross = l.filter((r) => r.kind === 'Cross-sell').length;
    mix.slots += l.length;
    mix.crossSellSlots += cross;
    if (cross) mix.accountsWithCrossSell++;
    lists.set(u, l.map((r) => r.item));
  }
  return { lists, mix };
}

/**
 * Reco's first stage, with no learned part: the tuned candidate scorer without the cross-sell ranker, and
 * re-orders in the plain own-history ordering the org falls back on (the one the learned re-order model had to
 * beat). The next-best calibration and its merge rule are then learned for these parts, as the pipeline does
 * for an org where nothing learned is kept.
 */
export function firstStageParams(params: RecoParams, choice: BuyAgainChoice | null): RecoParams {
  const order = params.buyAgain.order && params.buyAgain.order !== 'learned' ? params.buyAgain.order : (choice?.plain ?? 'frequency');
  return { ...params, cross: { ...params.cross, ranker: null }, buyAgain: { ...params.buyAgain, order, model: null }, nextBest: null };
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
  // Shared by the fits below: they differ in settings the item similarities do not depend on.
  const cache: FitCache = { ui, sims: new Map() };
  const fit = time('fit', () => fitReco(ui, testFrom, tuned.params, groups, cache, text));
  let catalogue = 0;
  for (let i = 0, c = new Uint8Array(ui.nItems); i < ui.items.length; i++) {
    if (!c[ui.items[i]]) catalogue++;
    c[ui.items[i]] = 1;
  }
  const recoCross = time('recoCrossSell', () =>
    listsFor(truth.crossSell.keys(), (u, k) => fit.cross.recommend(u, k, groups.of[u]).map((r) => r.item)),
  );
  const cal = tuned.params.nextBest as NextBestCalibration;
  const recoNext = time('recoNextBest', () => nextBestLists(truth.all.keys(), fit, cal, groups.of));
  const recoBuy = time('recoBuyAgain', () =>
    listsFor(truth.buyAgain.keys(), (u, k) =>
      scoreBuyAgain(ui, fit.buyAgain, tuned.params.buyAgain, testFrom, u, k).map((r) => r.item),
    ),
  );
  // Two next-best references built from Reco's own parts, each fitted and calibrated as the pipeline would:
  // the first stage (no learned part: cross-sell without its ranker, re-orders in the plain own-history
  // ordering the learned model had to beat), and the whole model without only the cross-sell ranker (an
  // ablation of one part; it keeps the learned re-order model).
  const variantOf = (params: RecoParams): { fit: FittedReco; cal: NextBestCalibration } => ({
    fit: fitReco(ui, testFrom, params, groups, cache, text),
    cal: calibrateAt(train, testFrom, params, { groups, text }).nextBest!,
  });
  const withoutRanker = time('withoutRankerFit', () => variantOf({ ...tuned.params, cross: { ...tuned.params.cross, ranker: null } }));
  const firstStage = time('firstStageFit', () => variantOf(firstStageParams(tuned.params, tuned.buyAgain)));
  const firstStageCross = listsFor(truth.crossSell.keys(), (u, k) => firstStage.fit.cross.recommend(u, k, groups.of[u]).map((r) => r.item));
  const firstStageNext = nextBestLists(truth.all.keys(), firstStage.fit, firstStage.cal, groups.of);
  const withoutRankerNext = nextBestLists(truth.all.keys(), withoutRanker.fit, withoutRanker.cal, groups.of);
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
  const next: ListReport = {
    reco: report(recoNext.lists, truth.all, catalogue),
    baselines: {
      popularity: report(listsFor(truth.all.keys(), popularityNextBest(ui)), truth.all, catalogue),
      ownHistory: report(listsFor(truth.all.keys(), ownHistoryBuyAgain(ui, testFrom)), truth.all, catalogue),
      itemKnn: report(listsFor(truth.all.keys(), knn.nextBest), truth.all, catalogue),
      recoFirstStage: report(firstStageNext.lists, truth.all, catalogue),
      recoWithoutRanker: report(withoutRankerNext.lists, truth.all, catalogue),
    },
  };
  if (opts.withEase) {
    const rank = time('ease', () => ease(ui, 300));
    cross.baselines.ease = time('easeCrossSell', () => report(listsFor(truth.crossSell.keys(), rank.crossSell), truth.crossSell, catalogue));
    next.baselines.ease = report(listsFor(truth.all.keys(), rank.nextBest), truth.all, catalogue);
  }
  const buy: ListReport = {
    reco: report(recoBuy, truth.buyAgain, catalogue),
    baselines: {
      popularity: report(listsFor(truth.buyAgain.keys(), popularityBuyAgain(ui)), truth.buyAgain, catalogue),
      itemKnn: report(listsFor(truth.buyAgain.keys(), knn.buyAgain), truth.buyAgain, catalogue),
      ownHistory: report(listsFor(truth.buyAgain.keys(), ownHistoryBuyAgain(ui, testFrom)), truth.buyAgain, catalogue),
      ownHistoryRecency: report(listsFor(truth.buyAgain.keys(), ownHistoryOrder(ui, OWN_HISTORY_ORDERS[0], testFrom)), truth.buyAgain, catalogue),
      ownHistoryRecencyFrequency: report(listsFor(truth.buyAgain.keys(), ownHistoryOrder(ui, OWN_HISTORY_ORDERS[2], testFrom)), truth.buyAgain, catalogue),
    },
  };
  const reliability = time('reliability', () => reliabilityOf(fit, cal, truth.all, groups.of));
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
    nextBest: next,
    nextBestMix: { reco: recoNext.mix, recoFirstStage: firstStageNext.mix, recoWithoutRanker: withoutRankerNext.mix },
    reliability,
    tuning: {
      params: tuned.params,
      validationCrossSellNdcg: tuned.validation.crossSellNdcg,
      validationBuyAgainNdcg: tuned.validation.buyAgainNdcg,
      evaluations: tuned.evaluations,
      ranker: tuned.ranker,
      buyAgain: tuned.buyAgain,
    },
    timings: t,
  };
}

/** Every account with history: its next-best top 10's predicted chances against what it bought in the window. */
function reliabilityOf(fit: FittedReco, cal: NextBestCalibration, bought: Map<number, Set<number>>, groupOf: Int32Array): EvaluationReport['reliability'] {
  const predicted: number[] = [];
  const observed: number[] = [];
  let accounts = 0;
  for (let u = 0; u < fit.ui.nUsers; u++) {
    if (fit.ui.ptr[u + 1] === fit.ui.ptr[u]) continue;
    accounts++;
    const rel = bought.get(u);
    for (const r of nextBest(fit, cal, u, groupOf[u], 10)) {
      predicted.push(r.probability);
      observed.push(rel?.has(r.item) ? 1 : 0);
    }
  }
  const rows = reliabilityTable(predicted, observed);
  const gaps = rows.map((r) => Math.abs(r.meanPredicted - r.observed));
  // maxGap: the per-decile bar; meanGap: whether a change moved the error around rather than removing it.
  return { accounts, items: predicted.length, maxGap: Math.max(0, ...gaps), meanGap: gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : 0, rows };
}
