// Which buy-again ordering an org's history supports, decided on that history: the learned re-order model
// (buy-again-model.ts) or the best plain own-history ordering (recency, frequency, recency x frequency).
//
// Windows inside the training period give re-orders to learn and judge on: the validation window, up to five
// earlier 3-month windows (each a month earlier) and the last month before the cutoff. Only windows with at
// least half the cutoff's history before them are used: a window at the start of the book describes a younger
// book (everything bought once or twice, all of it recent), and what wins there need not win at the cutoff.
// The learned model is judged on two folds of accounts: learned on one fold's accounts in every window, it is
// scored against the plain ordering that was best on that fold, per account, on the other fold's. It is kept
// when it wins by more than two standard errors of that paired difference; otherwise (too few re-orders to
// learn or to check, or a win within noise) the best plain ordering is used, and each recommendation says so.
import { addMonths } from './calendar.js';
import { buildUserItems, sliceLog, type PurchaseLog } from './purchase-log.js';
import { groundTruth } from './ground-truth.js';
import { ndcgAt } from './ranking-metrics.js';
import { OWN_HISTORY_ORDERS, buyAgainStats, scoreBuyAgain, type BuyAgainOrder, type BuyAgainParams, type OwnHistoryOrder } from './buy-again.js';
import { buyAgainLists, trainBuyAgainModel, type BuyAgainWindow } from './buy-again-model.js';
import { sampleKeys } from './ranker-training.js';

/** How the buy-again ordering was chosen: NDCG@10 on repeat purchases of each ordering, and why. */
export type BuyAgainChoice = {
  order: BuyAgainOrder;
  /**
   * The plain own-history ordering this org falls back on (the one the learned model had to beat), also when the
   * learned model is kept: the evaluation's first stage, the pipeline with no learned part, orders re-orders by it.
   */
  plain: OwnHistoryOrder;
  reason: string;
  /** Plain orderings: pooled over the windows used; learned: on the accounts it did not learn from. */
  ndcg: Partial<Record<BuyAgainOrder, number>>;
  /** Accounts with a repeat purchase, summed over the windows. */
  accounts: number;
  /** The held-out check: windows used, accounts judged, learned minus best plain (mean per account), its standard error. */
  check: { windows: number; accounts: number; gain: number; se: number } | null;
};

/** A window, how many months before the cutoff it ends (0 = the validation window), and the days of history before it. */
export type ChoiceWindow = BuyAgainWindow & { monthsBack: number; historyDays: number; cutoffHistoryDays: number };

/** How many 3-month windows, each a month earlier than the last, the ordering is learned and chosen on. */
export const BUY_WINDOWS = 6;

/**
 * The validation window ([asOf - 3 months, asOf)), up to BUY_WINDOWS - 1 earlier 3-month ones, and the last
 * month before the cutoff (as for the cross-sell ranker: on a young book it is the only window with a history
 * before it that looks like the cutoff's), each with the repeat purchases in it (at most maxUsers accounts, a
 * deterministic sample). `validation` reuses the tuner's index of the history before the validation window.
 */
export function buyAgainWindows(log: PurchaseLog, asOfDay: number, maxUsers: number, validation?: { ui: BuyAgainWindow['ui']; from: number }): ChoiceWindow[] {
  let firstDay = Infinity;
  for (const d of log.day) if (d < firstDay) firstDay = d;
  const spans = Array.from({ length: BUY_WINDOWS }, (_, k) => ({ from: addMonths(asOfDay, -3 - k), months: 3, monthsBack: k }));
  spans.push({ from: addMonths(asOfDay, -1), months: 1, monthsBack: 0 });
  const out: ChoiceWindow[] = [];
  for (const { from, months, monthsBack } of spans) {
    if (from <= firstDay) continue;
    const ui = validation && validation.from === from ? validation.ui : buildUserItems(sliceLog(log, -Infinity, from));
    const all = groundTruth(ui, sliceLog(log, from, addMonths(from, months))).buyAgain;
    const keep = sampleKeys([...all.keys()], maxUsers);
    const truth = new Map(keep.map((u) => [u, all.get(u)!]));
    if (truth.size) out.push({ ui, stats: buyAgainStats(ui, from), asOfDay: from, truth, monthsBack, historyDays: from - firstDay, cutoffHistoryDays: asOfDay - firstDay });
  }
  return out;
}

const mean = (v: readonly number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);

function perAccount(w: BuyAgainWindow, params: BuyAgainParams): number[] {
  const out: number[] = [];
  for (const [u, rel] of w.truth) out.push(ndcgAt(scoreBuyAgain(w.ui, w.stats, params, w.asOfDay, u, 10).map((r) => r.item), rel, 10));
  return out;
}

/** Two standard errors of the mean of per-account differences (Infinity with fewer than two). */
function twoSe(diff: readonly number[]): number {
  if (diff.length < 2) return Infinity;
  const m = mean(diff);
  return 2 * Math.sqrt(diff.reduce((a, v) => a + (v - m) ** 2, 0) / (diff.length - 1) / diff.length);
}

/**
 * The plain ordering to fall back on: frequency (the classic "what it orders most"), unless recency or
 * recency x frequency beats it on the windows by more than two standard errors of the per-account
 * difference. The three are usually within a fraction of a point of each other, and picking the best by a
 * hair on a small book picks noise.
 */
function bestPlain(windows: readonly ChoiceWindow[], base: BuyAgainParams): { order: OwnHistoryOrder; ndcg: Partial<Record<BuyAgainOrder, number>>; accounts: number } {
  const ndcg: Partial<Record<BuyAgainOrder, number>> = {};
  const per = new Map(OWN_HISTORY_ORDERS.map((o) => [o, windows.flatMap((w) => perAccount(w, { ...base, order: o, model: null }))]));
  for (const [o, v] of per) ndcg[o] = mean(v);
  const frequency = per.get('frequency')!;
  let order: OwnHistoryOrder = 'frequency';
  for (const o of OWN_HISTORY_ORDERS) {
    const diff = per.get(o)!.map((v, k) => v - frequency[k]);
    if (o !== 'frequency' && mean(diff) > twoSe(diff) && ndcg[o]! > ndcg[order]!) order = o;
  }
  return { order, ndcg, accounts: frequency.length };
}

export function chooseBuyAgain(windows: readonly ChoiceWindow[], base: BuyAgainParams, opts: { minHistoryShare?: number } = {}): { params: BuyAgainParams; choice: BuyAgainChoice } {
  // Windows with much less history before them than the cutoff has describe a younger book (every product
  // bought once or twice, all of it recent): what wins there need not win at the cutoff. Both the model and
  // the plain ordering are chosen on the windows that look like the cutoff; all windows when none does.
  const share = opts.minHistoryShare ?? 0.5;
  const usable = windows.filter((w) => w.historyDays >= share * w.cutoffHistoryDays);
  const plain = bestPlain(usable.some((w) => w.truth.size) ? usable : windows, base);
  const fallback = (reason: string, check: BuyAgainChoice['check'] = null, learned?: number) => ({
    params: { ...base, order: plain.order, model: null, why: reason },
    choice: { order: plain.order, plain: plain.order, reason, ndcg: learned === undefined ? plain.ndcg : { ...plain.ndcg, learned }, accounts: plain.accounts, check },
  });
  if (plain.accounts === 0) return fallback(`no repeat purchases to learn or choose from: plain order ${plain.order}`);
  const lists = usable.map((w) => buyAgainLists(w));
  const all = trainBuyAgainModel(lists.flat());
  if (!all) return fallback(`too few accounts re-ordered over a long enough history to learn a re-order model (${plain.accounts} over ${windows.length} windows): best plain ordering ${plain.order}`);
  const diffs: number[] = [];
  const learnedPer: number[] = [];
  let judged = 0;
  // Two folds of accounts: the model learned on one fold's accounts (every usable window) is judged on the
  // other fold's, against the plain ordering that was best on the learning fold.
  const inFold = (w: ChoiceWindow, fold: number, held: boolean): ChoiceWindow => ({ ...w, truth: new Map([...w.truth].filter(([u]) => (u % 2 === fold) === held)) });
  for (const fold of [0, 1]) {
    const model = trainBuyAgainModel(lists.flatMap((l) => l.filter((x) => x.account % 2 !== fold)));
    if (!model) continue;
    const against = bestPlain(usable.map((w) => inFold(w, fold, false)), base).order;
    for (const w of usable) {
      const held = inFold(w, fold, true);
      const m = perAccount(held, { ...base, order: 'learned', model });
      const p = perAccount(held, { ...base, order: against, model: null });
      for (let k = 0; k < m.length; k++) diffs.push(m[k] - p[k]);
      learnedPer.push(...m);
    }
    judged++;
  }
  if (judged === 0) return fallback(`too few accounts re-ordered to check a learned re-order model on accounts it did not learn from: best plain ordering ${plain.order}`);
  const gain = mean(diffs);
  const se = twoSe(diffs) / 2;
  const check = { windows: usable.length, accounts: diffs.length, gain, se };
  const words = `${gain >= 0 ? '+' : ''}${gain.toFixed(4)} NDCG@10 over the best plain ordering (2 SE ${(2 * se).toFixed(4)}) on ${diffs.length} accounts of ${usable.length} windows it did not learn from`;
  if (gain > 2 * se) {
    return {
      params: { ...base, order: 'learned', model: all, why: `learned re-order model: ${words}` },
      choice: { order: 'learned', plain: plain.order, reason: `learned re-order model: ${words}`, ndcg: { ...plain.ndcg, learned: mean(learnedPer) }, accounts: plain.accounts, check },
    };
  }
  return fallback(`the learned re-order model did not beat the plain orderings beyond noise (${words}): best plain ordering ${plain.order}`, check, mean(learnedPer));
}
