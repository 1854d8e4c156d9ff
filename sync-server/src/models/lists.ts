// Builds both recommendation lists for one account from a prepared context: candidates from the fitted
// models, business rules, the per-family cap, reasons, confidence and expected revenue.
import type { Recommendation } from '../domain/types.js';
import { accountRule, capPerFamily } from '../recommend/business-rules.js';
import { scoreBuyAgain } from '../recommend/buy-again.js';
import { buyAgainReason, contentReason, crossSellReason } from '../recommend/reasons.js';
import type { ModelContext } from './context.js';

export function allowedFor(ctx: ModelContext, u: number): (i: number) => boolean {
  return (i) => ctx.productBlock[i] === null && accountRule(ctx.blocks, u, i) === null;
}

function familyOf(ctx: ModelContext): (i: number) => string {
  return (i) => ctx.ds.products[i].family ?? '';
}

/** Average revenue of one order line of the product (the account's own when it has bought it). */
function lineValue(ctx: ModelContext, i: number, entry: number | null): number | null {
  const { ui } = ctx;
  if (entry !== null && ui.orders[entry] > 0) return ui.revenue[entry] / ui.orders[entry];
  return Number.isNaN(ctx.itemLineValue[i]) ? ctx.ds.products[i].listPrice : ctx.itemLineValue[i];
}

export function entryOf(ctx: ModelContext, u: number, i: number): number {
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

/** For each target, the account's product that contributes most to its item-neighbourhood score (one pass). */
export function anchorsFor(ctx: ModelContext, u: number, targets: number[]): Map<number, { item: number; contribution: number; co: number }> {
  const { ui } = ctx;
  const nb = ctx.fit.neighbours;
  const want = new Set(targets);
  const best = new Map<number, { item: number; contribution: number; co: number }>();
  for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) {
    const i = ui.items[e];
    let w = -1;
    for (let p = nb.ptr[i]; p < nb.ptr[i + 1]; p++) {
      const j = nb.ids[p];
      if (!want.has(j)) continue;
      if (w < 0) w = ctx.fit.cross.profileWeight(e);
      const c = w * nb.sims[p];
      const b = best.get(j);
      if (!b || c > b.contribution) best.set(j, { item: i, contribution: c, co: nb.co[p] });
    }
  }
  return best;
}

export function crossSellList(ctx: ModelContext, u: number): Recommendation[] {
  const limit = ctx.opts.limits.crossSell;
  if (limit === 0) return [];
  const g = ctx.seg.of[u];
  const allowed = allowedFor(ctx, u);
  const fam = familyOf(ctx);
  const raw = ctx.fit.cross.recommend(u, limit * 3 + ctx.opts.maxPerFamily, g, allowed);
  const maxScore = 1 + ctx.fit.params.cross.popWeight;
  type Cand = { item: number; score: number; content?: { anchor: number } };
  const cands: Cand[] = raw.map((r) => ({ item: r.item, score: Math.min(1, r.score / maxScore) }));
  // New products nobody bought yet enter through content: same family as the account's most-ordered product.
  const content = newProductCandidate(ctx, u, allowed);
  if (content) cands.splice(Math.min(cands.length, limit - 1), 0, content);
  const kept = capPerFamily(cands, fam, ctx.opts.maxPerFamily, limit);
  const segName = g >= 0 ? ctx.seg.segments[g].name : null;
  const account = ctx.ds.accounts[u].id;
  const anchors = anchorsFor(ctx, u, kept.map((c) => c.item));
  return kept.map((c, r) => {
    const product = ctx.ds.products[c.item];
    let why: { reason: string; evidence: Record<string, unknown>; confidence: Recommendation['confidence'] };
    if (c.content) {
      const e = entryOf(ctx, u, c.content.anchor);
      const every = e >= 0 && ctx.ui.orders[e] > 1 ? (ctx.ui.lastDay[e] - ctx.ui.firstDay[e]) / (ctx.ui.orders[e] - 1) : null;
      why = { ...contentReason(ctx.ds.products[c.content.anchor].name, product.family ?? '', every), confidence: 'Low' };
    } else {
      const anchor = anchors.get(c.item);
      const support = anchor
        ? { both: anchor.co, anchorBuyers: ctx.iu.ptr[anchor.item + 1] - ctx.iu.ptr[anchor.item] }
        : null;
      why = crossSellReason(anchor ? ctx.ds.products[anchor.item].name : null, support, {
        segment: segName,
        buyers: ctx.iu.ptr[c.item + 1] - ctx.iu.ptr[c.item],
      });
    }
    const value = lineValue(ctx, c.item, null);
    return {
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
  });
}

function newProductCandidate(
  ctx: ModelContext,
  u: number,
  allowed: (i: number) => boolean,
): { item: number; score: number; content: { anchor: number } } | null {
  const { ui } = ctx;
  let anchor = -1;
  for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) {
    if (anchor < 0 || ui.orders[e] > ui.orders[entryOf(ctx, u, anchor)]) anchor = ui.items[e];
  }
  if (anchor < 0) return null;
  const family = ctx.ds.products[anchor].family;
  if (!family) return null;
  const fresh = ctx.newProductsByFamily.get(family);
  const item = fresh?.find((i) => allowed(i));
  return item === undefined ? null : { item, score: 0.05, content: { anchor } };
}

export function buyAgainList(ctx: ModelContext, u: number): Recommendation[] {
  const limit = ctx.opts.limits.buyAgain;
  if (limit === 0) return [];
  const { fit } = ctx;
  const raw = scoreBuyAgain(ctx.ui, fit.buyAgain, fit.params.buyAgain, fit.asOfDay, u, limit * 3 + ctx.opts.maxPerFamily, allowedFor(ctx, u));
  const kept = capPerFamily(raw, familyOf(ctx), ctx.opts.maxPerFamily, limit);
  return kept.map((b, r) => {
    const why = buyAgainReason(b.rhythm);
    const score = 1 - Math.exp(-b.score);
    const value = lineValue(ctx, b.item, b.entry);
    return {
      accountId: ctx.ds.accounts[u].id,
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
  });
}

function round(v: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
