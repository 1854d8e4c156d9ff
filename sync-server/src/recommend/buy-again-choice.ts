// Which buy-again ordering an org's history supports, decided on that history: the learned re-order model
// (buy-again-model.ts) or the best plain own-history ordering (recency, frequency, recency x frequency).
//
// Several 3-month windows inside the training period (the validation window and up to five more, each a
// month earlier) give re-orders to learn and judge on. The learned model is judged time-split: for each
// window, a model learned only on windows whose 3 months do not overlap it, against the plain ordering that
// was best on those same windows; both are then scored on the window, per account. It is kept when it wins
// by more than two standard errors of that paired difference pooled over every judged window. Where no
// window can be judged (a history too short for two non-overlapping windows), too few accounts re-ordered
// to learn from, or the win is within noise, the best plain ordering over all windows is used, and each
// recommendation says so.
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
  reason: string;
  /** Plain orderings: pooled over every window; learned: over the judged windows (models never saw them). */
  ndcg: Partial<Record<BuyAgainOrder, number>>;
  /** Accounts with a repeat purchase, summed over the windows. */
  accounts: number;
  /** The time-split check: windows judged, accounts in them, learned minus best plain, and its standard error. */
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

/** The plain ordering with the best NDCG@10 pooled over the windows' accounts (frequency when none has any). */
function bestPlain(windows: readonly ChoiceWindow[], base: BuyAgainParams): { order: OwnHistoryOrder; ndcg: Partial<Record<BuyAgainOrder, number>>; accounts: number } {
  const ndcg: Partial<Record<BuyAgainOrder, number>> = {};
  let order: OwnHistoryOrder = 'frequency';
  let accounts = 0;
  for (const o of OWN_HISTORY_ORDERS) {
    const per = windows.flatMap((w) => perAccount(w, { ...base, order: o, model: null }));
    accounts = per.length;
    ndcg[o] = mean(per);
    if (per.length > 0 && ndcg[o]! > (ndcg[order] ?? -1) + 1e-12) order = o;
  }
  return { order, ndcg, accounts };
}


export function chooseBuyAgain(windows: readonly ChoiceWindow[], base: BuyAgainParams, opts: { minHistoryShare?: number } = {}): { params: BuyAgainParams; choice: BuyAgainChoice } {
  // Windows with much less history before them than the cutoff has describe a younger book (every product
  // bought once or twice, all of it recent): what wins there need not win at the cutoff. Both the model and
  // the plain ordering are chosen on the windows that look like the cutoff; all windows when none does.
  const share = opts.minHistoryShare ?? 0.5;
  const usable = windows.filter((w) => w.historyDays >= share * w.cutoffHistoryDays);
  const plain = bestPlain(usable.some((w) => w.truth.size) ? usable : windows, base);
  const fallback = (reason: string, check: BuyAgainChoice['check'] = null, learned?: number) => ({
    params: { ...base, order: plain.order, model: null },
    choice: { order: plain.order, reason, ndcg: learned === undefined ? plain.ndcg : { ...plain.ndcg, learned }, accounts: plain.accounts, check },
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
    judged += usable.length;
  }
  if (judged === 0) return fallback(`the history is too short to check a learned re-order model on a window it did not learn from: best plain ordering ${plain.order}`);
  const gain = mean(diffs);
  const se = diffs.length > 1 ? Math.sqrt(diffs.reduce((a, v) => a + (v - gain) ** 2, 0) / (diffs.length - 1) / diffs.length) : Infinity;
  const check = { windows: judged, accounts: diffs.length, gain, se };
  const words = `${gain >= 0 ? '+' : ''}${gain.toFixed(4)} NDCG@10 over ${plain.order === 'recencyFrequency' ? 'recency x frequency' : plain.order} (2 SE ${(2 * se).toFixed(4)}) on ${judged} windows it did not learn from`;
  if (gain > 2 * se) {
    return {
      params: { ...base, order: 'learned', model: all },
      choice: { order: 'learned', reason: `learned re-order model: ${words}`, ndcg: { ...plain.ndcg, learned: mean(learnedPer) }, accounts: plain.accounts, check },
    };
  }
  return fallback(`the learned re-order model did not beat the plain orderings beyond noise (${words}): best plain ordering ${plain.order}`, check, mean(learnedPer));
}
