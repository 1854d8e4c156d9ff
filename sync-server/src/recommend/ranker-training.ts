// Learns the cross-sell ranker's weights from windows carved from the end of the training period (never from
// anything at or after asOf). Two windows: the 3-month validation window (the horizon the lists are judged
// on) and the last month (what is being adopted right now). The ranker is kept only when each window's
// model beats the first stage on the other window: a cheap cross-check that the learned weights carry over
// across time rather than describing one season. The final weights are learned on both windows together.
import { addMonths } from './calendar.js';
import { buildUserItems, sliceLog, type PurchaseLog } from './purchase-log.js';
import { groundTruth } from './ground-truth.js';
import { fitReco, type FitCache, type FittedReco, type RecoParams } from './fit.js';
import { linearScore, trainRanker, type CandidateList, type RerankModel } from './rerank.js';
import type { TextIndex } from './text-similarity.js';
import { ndcgAt } from './ranking-metrics.js';
import { TopK } from './top-k.js';

export type RankerWindow = { monthsBack: number; months: number };

export const RANKER_WINDOWS: readonly RankerWindow[] = [
  { monthsBack: 3, months: 3 },
  { monthsBack: 1, months: 1 },
];

export type RankerReport = {
  kept: boolean;
  reason: string;
  lists: number;
  /** Per window: first-stage NDCG@10 and the NDCG@10 of the ranker trained on the other window(s). */
  crossCheck: { from: number; to: number; firstStage: number; ranker: number; accounts: number; firstStageCoverage: number; rankerCoverage: number }[];
};

/**
 * The ranker must keep at least this share of the first stage's catalogue coverage (distinct products in the
 * accounts' top 10s): a ranker that wins NDCG by showing everyone the same few products (seen on a sparse
 * household sample: 0.2% of the catalogue against 9%) is not kept.
 */
export const MIN_COVERAGE_RATIO = 0.5;

type WindowData = { from: number; to: number; fit: FittedReco; truth: Map<number, Set<number>>; lists: CandidateList[]; users: number[] };

/** Deterministic stride sample of at most n keys, spread over the sorted index. */
export function sampleKeys(keys: number[], n: number): number[] {
  keys.sort((a, b) => a - b);
  if (keys.length <= n) return keys;
  const stride = keys.length / n;
  return Array.from({ length: n }, (_, s) => keys[Math.floor(s * stride)]);
}

function windowData(
  log: PurchaseLog,
  asOfDay: number,
  w: RankerWindow,
  params: RecoParams,
  opts: { groups?: { of: Int32Array; count: number }; text?: TextIndex | null; maxUsers: number; cache?: FitCache & { from: number } },
): WindowData {
  const from = addMonths(asOfDay, -w.monthsBack);
  const to = Math.min(asOfDay, addMonths(from, w.months));
  const cache = opts.cache && opts.cache.from === from ? opts.cache : undefined;
  const ui = cache?.ui ?? buildUserItems(sliceLog(log, -Infinity, from));
  const truth = groundTruth(ui, sliceLog(log, from, to)).crossSell;
  const fit = fitReco(ui, from, { ...params, cross: { ...params.cross, ranker: null } }, opts.groups, cache, opts.text);
  const users = sampleKeys([...truth.keys()], opts.maxUsers);
  const lists = users.map((u) => {
    const c = fit.cross.candidates(u, opts.groups ? opts.groups.of[u] : -1);
    const rel = truth.get(u)!;
    c.labels = Uint8Array.from(c.items, (i) => (rel.has(i) ? 1 : 0));
    return c;
  });
  return { from, to, fit, truth, lists, users };
}

function rankerNdcg(model: RerankModel, d: WindowData): { ndcg: number; products: number } {
  let sum = 0;
  const seen = new Set<number>();
  d.lists.forEach((l, k) => {
    const heap = new TopK(10);
    for (let r = 0; r < l.n; r++) heap.push(l.items[r], linearScore(model, l.x, r));
    const ids = heap.sorted().ids;
    for (const i of ids) seen.add(i);
    sum += ndcgAt(ids, d.truth.get(d.users[k])!, 10);
  });
  return { ndcg: d.users.length ? sum / d.users.length : 0, products: seen.size };
}

function firstStageNdcg(d: WindowData, groupOf?: Int32Array): { ndcg: number; products: number } {
  let sum = 0;
  const seen = new Set<number>();
  for (const u of d.users) {
    const ids = d.fit.cross.recommend(u, 10, groupOf ? groupOf[u] : -1).map((r) => r.item);
    for (const i of ids) seen.add(i);
    sum += ndcgAt(ids, d.truth.get(u)!, 10);
  }
  return { ndcg: d.users.length ? sum / d.users.length : 0, products: seen.size };
}

/**
 * The ranker for `params` as of asOfDay, or null when the windows hold too little evidence or the cross-check
 * says it would not beat the first stage. `cache` (the tuner's, fitted at the validation cutoff) saves a rebuild.
 */
export function trainCrossSellRanker(
  log: PurchaseLog,
  asOfDay: number,
  params: RecoParams,
  opts: { groups?: { of: Int32Array; count: number }; text?: TextIndex | null; maxUsers?: number; windows?: readonly RankerWindow[]; cache?: FitCache & { from: number } } = {},
): { model: RerankModel | null; report: RankerReport } {
  const maxUsers = opts.maxUsers ?? 2000;
  const windows = (opts.windows ?? RANKER_WINDOWS).map((w) => windowData(log, asOfDay, w, params, { ...opts, maxUsers }));
  const lists = windows.flatMap((w) => w.lists);
  const report: RankerReport = { kept: false, reason: '', lists: lists.length, crossCheck: [] };
  const all = trainRanker(lists, { lambda: 0.01 });
  if (!all) return { model: null, report: { ...report, reason: 'too few accounts adopted a candidate in the tuning windows' } };
  let gain = 0;
  let firstCoverage = 0;
  let rankerCoverage = 0;
  for (const w of windows) {
    const others = trainRanker(windows.filter((o) => o !== w).flatMap((o) => o.lists), { lambda: 0.01 });
    if (!others) continue;
    const first = firstStageNdcg(w, opts.groups?.of);
    const ranked = rankerNdcg(others, w);
    const check = { from: w.from, to: w.to, firstStage: first.ndcg, ranker: ranked.ndcg, accounts: w.users.length, firstStageCoverage: first.products, rankerCoverage: ranked.products };
    report.crossCheck.push(check);
    gain += check.ranker - check.firstStage;
    firstCoverage += first.products;
    rankerCoverage += ranked.products;
  }
  if (report.crossCheck.length > 0 && gain <= 0) {
    return { model: null, report: { ...report, reason: 'the ranker did not beat the first stage across windows' } };
  }
  if (report.crossCheck.length > 0 && rankerCoverage < MIN_COVERAGE_RATIO * firstCoverage) {
    const why = `the ranker's top 10s cover ${rankerCoverage} products against the first stage's ${firstCoverage} (below ${MIN_COVERAGE_RATIO} of it)`;
    return { model: null, report: { ...report, reason: why } };
  }
  return { model: all, report: { ...report, kept: true, reason: report.crossCheck.length ? 'beats the first stage across windows' : 'one usable window' } };
}
