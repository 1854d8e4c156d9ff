// Builds both recommendation lists for one account from a prepared context: candidates from the fitted
// models, business rules, the per-family cap, reasons, confidence and expected revenue.
// Called once per account (a million times on a big org), so the per-run state below is built once and the
// per-account work reuses typed scratch arrays instead of allocating sets, maps and closures.
// Picking (scoring, rules, cap) and building the records (reasons, revenue) are separate steps: on a big org
// list workers pick in parallel and the main thread builds the records (list-workers.ts).
import type { Account, Dataset, Recommendation } from '../domain/types.js';
import type { ItemUsers } from '../recommend/purchase-log.js';
import { rhythm, scoreBuyAgain } from '../recommend/buy-again.js';
import { buyAgainReason, contentReason, crossSellReason, withChance } from '../recommend/reasons.js';
import { accountChance, buyAgainChance, crossSellChance } from '../recommend/next-best.js';
import type { FittedReco } from '../recommend/fit.js';
import type { ModelContext } from './context.js';
import type { ListState } from './list-state.js';

/** What picking needs: no Dataset, so a list worker can hold it without the org's records. */
export type PickContext = Pick<ModelContext, 'ui' | 'opts' | 'lists' | 'newProductsByFamily' | 'families'> & {
  seg: { of: Int32Array };
  fit: Pick<FittedReco, 'cross' | 'buyAgain' | 'params' | 'asOfDay'>;
};

/** A cross-sell pick; anchorItem -1: no neighbour reached it; contentAnchor -1: not a new-product pick. */
export type CrossPick = { item: number; score: number; contentAnchor: number; anchorItem: number; anchorCo: number };
export type BuyAgainPick = { item: number; entry: number; score: number };

/** The business-rule filter for account u (valid until the next call). */
export function allowedFor(ctx: Pick<ModelContext, 'lists'>, u: number): (i: number) => boolean {
  ctx.lists.forAccount(u);
  return ctx.lists.allowed;
}

/** Keeps ranked items in order, skipping any beyond `max` of one family (products without one are never capped). */
function capPerFamily<T extends { item: number }>(s: ListState, ranked: T[], max: number, limit: number): T[] {
  const out: T[] = [];
  for (const r of ranked) {
    if (out.length >= limit) break;
    const f = s.familyIx[r.item];
    if (f >= 0) {
      if (s.familyCount[f] >= max) continue;
      s.familyCount[f]++;
    }
    out.push(r);
  }
  for (const r of out) if (s.familyIx[r.item] >= 0) s.familyCount[s.familyIx[r.item]] = 0;
  return out;
}

/** Average revenue of one order line of the product (the account's own when it has bought it). */
function lineValue(ctx: Pick<RecordContext, 'ui' | 'ds' | 'itemLineValue'>, i: number, entry: number | null): number | null {
  const { ui } = ctx;
  if (entry !== null && ui.orders[entry] > 0) return ui.revenue[entry] / ui.orders[entry];
  return Number.isNaN(ctx.itemLineValue[i]) ? ctx.ds.products[i].listPrice : ctx.itemLineValue[i];
}

export function entryOf(ctx: Pick<ModelContext, 'ui'>, u: number, i: number): number {
  const { ui } = ctx;
  let lo = ui.ptr[u];
  let hi = ui.ptr[u + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ui.items[mid] === i) return mid;
    if (ui.items[mid] < i) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** rank: the product's place in what recommend() proposed (-1 for the new-product candidate, which has none). */
type Cand = { item: number; rank: number; content?: { anchor: number } };
/** The chance shown for a new product that entered through content: nobody has bought it, so no calibration applies. */
const NEW_PRODUCT_CHANCE = 0.05;

export function crossSellList(ctx: ModelContext, u: number): Recommendation[] {
  return crossSellRecords(ctx, u, crossSellPicks(ctx, u));
}

export function crossSellPicks(ctx: PickContext, u: number): CrossPick[] {
  const limit = ctx.opts.limits.crossSell;
  if (limit === 0) return [];
  const g = ctx.seg.of[u];
  const allowed = allowedFor(ctx, u);
  const raw = ctx.fit.cross.recommend(u, limit * 3 + ctx.opts.maxPerFamily, g, allowed);
  const cands: Cand[] = raw.map((r, rank) => ({ item: r.item, rank }));
  // New products nobody bought yet enter through content: same family as the account's most-ordered product.
  const content = newProductCandidate(ctx, u, allowed);
  if (content) cands.splice(Math.min(cands.length, limit - 1), 0, content);
  const kept = capPerFamily(ctx.lists, cands, ctx.opts.maxPerFamily, limit);
  // The score is the calibrated chance of a first order in the next window (next-best.ts). The cap reads only
  // the order, so the chance is taken for the picks kept, a third of what recommend() proposes.
  const fit = { ...ctx.fit, ui: ctx.ui };
  const active = kept.length > 0 ? accountChance(fit, u) : 1;
  // recommend() just found the anchor of each product it returned.
  const cross = ctx.fit.cross;
  return kept.map((c) => {
    const anchored = !c.content && cross.hasAnchor(c.item);
    return {
      item: c.item,
      score: c.content ? NEW_PRODUCT_CHANCE : crossSellChance(fit, u, raw[c.rank], c.rank, active),
      contentAnchor: c.content ? c.content.anchor : -1,
      anchorItem: anchored ? cross.anchorItem[c.item] : -1,
      anchorCo: anchored ? cross.anchorCo[c.item] : 0,
    };
  });
}

/** What turning picks into records needs: the org's names and ids, and the purchase history for the reasons. */
export type RecordContext = Pick<ModelContext, 'ui' | 'seg' | 'itemLineValue'> & {
  // Of an account, its id and creation date only: a partition's input carries no more (scale/artifacts.ts).
  ds: { accounts: readonly Pick<Account, 'id' | 'createdDate'>[]; products: Dataset['products'] };
  iu: Pick<ItemUsers, 'ptr'>; // buyers per product
  fit: Pick<FittedReco, 'asOfDay' | 'params'>;
};

export function crossSellRecords(ctx: RecordContext, u: number, picks: readonly CrossPick[]): Recommendation[] {
  const g = ctx.seg.of[u];
  // Where segment popularity did not beat the whole org's (tune.ts), a popular product is not the segment's.
  const segName = g >= 0 && !ctx.fit.params.cross.wholeOrg ? ctx.seg.segments[g].name : null;
  const account = ctx.ds.accounts[u].id;
  const out: Recommendation[] = new Array(picks.length);
  for (let r = 0; r < picks.length; r++) {
    const c = picks[r];
    const product = ctx.ds.products[c.item];
    let why: { reason: string; evidence: Record<string, unknown>; confidence: Recommendation['confidence'] };
    if (c.contentAnchor >= 0) {
      const e = entryOf(ctx, u, c.contentAnchor);
      const every = e >= 0 && ctx.ui.orders[e] > 1 ? (ctx.ui.lastDay[e] - ctx.ui.firstDay[e]) / (ctx.ui.orders[e] - 1) : null;
      why = { ...contentReason(ctx.ds.products[c.contentAnchor].name, product.family ?? '', every), confidence: 'Low' as const };
    } else {
      const a = c.anchorItem;
      const support = a >= 0 ? { both: c.anchorCo, anchorBuyers: ctx.iu.ptr[a + 1] - ctx.iu.ptr[a] } : null;
      why = crossSellReason(a >= 0 ? ctx.ds.products[a].name : null, support, {
        segment: segName,
        buyers: ctx.iu.ptr[c.item + 1] - ctx.iu.ptr[c.item],
      });
    }
    why = withChance(why, c.score, ctx.fit.params.tier);
    const value = lineValue(ctx, c.item, null);
    out[r] = {
      accountId: account,
      productId: product.id,
      kind: 'Cross-sell',
      rank: r + 1,
      score: round(c.score),
      confidence: why.confidence,
      reason: why.reason,
      evidence: why.evidence,
      expectedRevenue: value === null ? null : round(value * c.score, 2),
      opportunityId: null,
    };
  }
  return out;
}

function newProductCandidate(ctx: PickContext, u: number, allowed: (i: number) => boolean): Cand | null {
  const { ui } = ctx;
  if (ctx.newProductsByFamily.size === 0) return null;
  let best = -1;
  for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) if (best < 0 || ui.orders[e] > ui.orders[best]) best = e;
  if (best < 0) return null;
  const anchor = ui.items[best];
  const family = ctx.families[anchor];
  if (!family) return null;
  const fresh = ctx.newProductsByFamily.get(family);
  // Of the family's new products, the one whose name and description read most like what the account buys.
  const item = fresh ? ctx.fit.cross.contentMatch(u, fresh, allowed) : -1;
  return item < 0 ? null : { item, rank: -1, content: { anchor } };
}

export function buyAgainList(ctx: ModelContext, u: number): Recommendation[] {
  return buyAgainRecords(ctx, u, buyAgainPicks(ctx, u));
}

export function buyAgainPicks(ctx: PickContext, u: number): BuyAgainPick[] {
  const limit = ctx.opts.limits.buyAgain;
  if (limit === 0 || ctx.ui.ptr[u + 1] === ctx.ui.ptr[u]) return [];
  const { fit } = ctx;
  const raw = scoreBuyAgain(ctx.ui, fit.buyAgain, fit.params.buyAgain, fit.asOfDay, u, limit * 3 + ctx.opts.maxPerFamily, allowedFor(ctx, u));
  const kept = capPerFamily(ctx.lists, raw.map((b, rank) => ({ item: b.item, rank })), ctx.opts.maxPerFamily, limit);
  // The score is the calibrated chance of a re-order in the next window (next-best.ts), taken for the kept picks.
  const withUi = { ...fit, ui: ctx.ui };
  const active = kept.length > 0 ? accountChance(withUi, u) : 1;
  return kept.map(({ item, rank }) => ({ item, entry: raw[rank].entry, score: buyAgainChance(withUi, u, raw[rank], rank, active) }));
}

export function buyAgainRecords(ctx: RecordContext, u: number, picks: readonly BuyAgainPick[]): Recommendation[] {
  const account = ctx.ds.accounts[u].id;
  const out: Recommendation[] = new Array(picks.length);
  for (let r = 0; r < picks.length; r++) {
    const b = picks[r];
    const why = withChance(buyAgainReason(rhythm(ctx.ui, b.entry, ctx.fit.asOfDay)), b.score, ctx.fit.params.tier, ctx.fit.params.buyAgain);
    const score = b.score;
    const value = lineValue(ctx, b.item, b.entry);
    out[r] = {
      accountId: account,
      productId: ctx.ds.products[b.item].id,
      kind: 'Buy again',
      rank: r + 1,
      score: round(score),
      confidence: why.confidence,
      reason: why.reason,
      evidence: why.evidence,
      expectedRevenue: value === null ? null : round(value * score, 2),
      opportunityId: null,
    };
  }
  return out;
}

/**
 * The account's one next-best list: both kinds' records given their place in it (`nextBestRank`), merged the
 * way the calibration chose on its window (next-best.ts): re-orders first, or interleaved by the calibrated
 * chance with each kind keeping its own order (a tie goes to the re-order, the surer kind of evidence).
 * Without a calibration the two kinds' scores are not comparable, so re-orders come first.
 */
export function mergeNextBest(cross: Recommendation[], buy: Recommendation[], merge: 'probability' | 'buyAgainFirst' | undefined): Recommendation[] {
  const out: Recommendation[] = [];
  let i = 0;
  let j = 0;
  while (i < buy.length || j < cross.length) {
    const takeBuy = j >= cross.length || (i < buy.length && (merge !== 'probability' || buy[i].score >= cross[j].score));
    const r = takeBuy ? buy[i++] : cross[j++];
    r.nextBestRank = out.length + 1;
    out.push(r);
  }
  return out;
}

function round(v: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
