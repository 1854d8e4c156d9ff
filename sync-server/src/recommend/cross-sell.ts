// Cross-sell scoring: products the account never bought. First stage: item neighbourhoods applied to a
// time-decayed profile (recent orders weigh more: purchase data is strongly seasonal), blended with decayed
// popularity in the account's group so accounts without history still get a list. When a learned ranker is
// fitted (rerank.ts), the first stage only proposes candidates and the ranker orders them.
import { TopK } from './top-k.js';
import type { ItemNeighbours } from './item-similarity.js';
import type { Popularity } from './popularity.js';
import type { UserItems } from './purchase-log.js';
import { ProfileSimilarity, type TextIndex } from './text-similarity.js';
import { N_FEATURES, calibrated, compatibleRanker, type CandidateList, type RerankModel } from './rerank.js';

/**
 * popularityOnly: the segment-popularity tier (tier.ts), where co-purchase patterns were not validated.
 * wholeOrg: popularity over the whole org, not the account's segment (chosen where segments did not help).
 */
export type CrossSellParams = { tau: number; popWeight: number; logProfile?: boolean; ranker?: RerankModel | null; popularityOnly?: boolean; wholeOrg?: boolean };

export type ScoredItem = { item: number; score: number; cf: number; pop: number };

/** Item-level inputs of the ranker, computed once per fit so scoring a candidate is a few lookups. */
export type RankerSignals = {
  /** Per item, ITEM_FEATURES values (row-major): log adopters at 7/30/90 days and all time, log age, repeat rate. */
  item: Float64Array;
  trendingOrder: Int32Array; // items by 7-day adoption, best first
  text: TextIndex | null;
};

export const ITEM_FEATURES = 6;

/** How many candidates each first-stage source proposes to the ranker. */
export const CANDIDATES = { neighbourhood: 40, trending: 15, group: 15 };
const MAX_CANDIDATES = CANDIDATES.neighbourhood + CANDIDATES.trending + CANDIDATES.group;
const RANK_DISCOUNT = Float64Array.from({ length: CANDIDATES.neighbourhood }, (_, r) => 1 / Math.log2(2 + r));
const LOG1P = Float64Array.from({ length: 256 }, (_, v) => Math.log1p(v));

export class CrossSellScorer {
  private readonly acc: Float64Array;
  private readonly touched: Int32Array;
  private readonly own: Uint8Array;
  private readonly mark: Uint8Array;
  private readonly support: Int32Array;
  private readonly want: Uint8Array; // anchorPass's targets (a byte each, so the marks stay in the fastest cache)
  private readonly profile: ProfileSimilarity | null;
  // Per-account scratch, reused so scoring a million accounts allocates almost nothing.
  private readonly entryW: Float64Array;
  private readonly cfHeap = new TopK(CANDIDATES.neighbourhood);
  private readonly candItems = new Int32Array(MAX_CANDIDATES);
  private readonly candX = new Float64Array(MAX_CANDIDATES * N_FEATURES);
  private readonly logPop = new Map<number, Float64Array>(); // per group view, log(1e-3 + popularity)
  private readonly coef: Float64Array | null; // the ranker's weights folded over its standardisation
  private readonly bias: number;
  // The anchor of each product anchorPass looked at: the account's product contributing most to its score (first
  // on ties), kept past release() so a list's reasons need no second pass.
  private readonly anchorStamp: Int32Array;
  private anchorNow = 0;
  public readonly anchorItem: Int32Array;
  public readonly anchorContribution: Float64Array;
  public readonly anchorCo: Int32Array;

  public constructor(
    private readonly ui: UserItems,
    private readonly nb: ItemNeighbours,
    private readonly pop: Popularity,
    private readonly params: CrossSellParams,
    private readonly asOfDay: number,
    private readonly signals?: RankerSignals,
  ) {
    this.acc = new Float64Array(ui.nItems);
    this.touched = new Int32Array(ui.nItems);
    this.own = new Uint8Array(ui.nItems);
    this.mark = new Uint8Array(ui.nItems);
    this.support = new Int32Array(ui.nItems);
    this.want = new Uint8Array(ui.nItems);
    this.anchorStamp = new Int32Array(ui.nItems);
    this.anchorItem = new Int32Array(ui.nItems);
    this.anchorContribution = new Float64Array(ui.nItems);
    this.anchorCo = new Int32Array(ui.nItems);
    this.profile = signals?.text ? new ProfileSimilarity(signals.text) : null;
    let maxBreadth = 0;
    for (let u = 0; u < ui.nUsers; u++) maxBreadth = Math.max(maxBreadth, ui.ptr[u + 1] - ui.ptr[u]);
    this.entryW = new Float64Array(maxBreadth);
    const m = compatibleRanker(params.ranker) ? params.ranker : null;
    this.coef = m ? Float64Array.from(m.weights, (w, k) => w / m.scale[k]) : null;
    this.bias = m ? -m.weights.reduce((b, w, k) => b + (w * m.mean[k]) / m.scale[k], 0) : 0;
  }

  /** Upper bound of `score` in recommend(): 1 for the ranker's probabilities, 1 + popWeight for the blend. */
  public get maxScore(): number {
    return this.ranked ? 1 : 1 + this.params.popWeight;
  }

  public get ranked(): boolean {
    return this.coef !== null && !!this.signals;
  }

  /** Profile weight of one bought product: decayed count of the days it was ordered. */
  public profileWeight(e: number): number {
    const { tau } = this.params;
    let w = 0;
    for (let p = this.ui.dayPtr[e]; p < this.ui.dayPtr[e + 1]; p++) {
      w += Number.isFinite(tau) ? Math.exp(-(this.asOfDay - this.ui.days[p]) / tau) : 1;
    }
    return this.params.logProfile ? Math.log1p(w) : w;
  }

  /** Fills acc for every product a neighbour reaches; returns how many were touched and the best score. */
  private neighbourhood(u: number): { nt: number; maxCf: number } {
    const { ui, nb, acc, touched, own } = this;
    let nt = 0;
    for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) own[ui.items[e]] = 1;
    for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) {
      const w = this.profileWeight(e);
      this.entryW[e - ui.ptr[u]] = w;
      const i = ui.items[e];
      for (let p = nb.ptr[i]; p < nb.ptr[i + 1]; p++) {
        const j = nb.ids[p];
        if (own[j]) continue;
        if (acc[j] === 0) touched[nt++] = j;
        acc[j] += w * nb.sims[p];
      }
    }
    let maxCf = 0;
    for (let t = 0; t < nt; t++) if (acc[touched[t]] > maxCf) maxCf = acc[touched[t]];
    return { nt, maxCf };
  }

  /**
   * For the first n of `targets` (after neighbourhood(u), before release): how many of the account's products
   * reach each one (support) and which contributes most (its anchor, first on ties). A second walk that only
   * reads the targets' marks costs less than keeping both for every product the first walk reaches (~1,000 per
   * account, of which a list shows ten).
   */
  private anchorPass(u: number, targets: Int32Array | readonly number[], n: number): void {
    const { ui, nb, support, want, anchorStamp, anchorContribution, anchorItem, anchorCo } = this;
    const stamp = ++this.anchorNow;
    for (let r = 0; r < n; r++) {
      want[targets[r]] = 1;
      support[targets[r]] = 0;
    }
    for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) {
      const w = this.entryW[e - ui.ptr[u]];
      const i = ui.items[e];
      for (let p = nb.ptr[i]; p < nb.ptr[i + 1]; p++) {
        const j = nb.ids[p];
        if (want[j] === 0) continue;
        const c = w * nb.sims[p];
        const sj = support[j]++;
        if (sj === 0 || c > anchorContribution[j]) {
          if (sj === 0) anchorStamp[j] = stamp;
          anchorContribution[j] = c;
          anchorItem[j] = i;
          anchorCo[j] = nb.co[p];
        }
      }
    }
    for (let r = 0; r < n; r++) want[targets[r]] = 0;
  }

  /**
   * For each target, the account's product that contributes most to its neighbourhood score, and that score's
   * share and co-buyers (explain, for a product the blend ranked). Not valid during a recommend call.
   */
  public anchorsFor(u: number, targets: readonly number[]): Map<number, { item: number; contribution: number; co: number }> {
    const { ui } = this;
    for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) this.entryW[e - ui.ptr[u]] = this.profileWeight(e);
    this.anchorPass(u, targets, targets.length);
    const out = new Map<number, { item: number; contribution: number; co: number }>();
    for (const j of targets) if (this.hasAnchor(j)) out.set(j, { item: this.anchorItem[j], contribution: this.anchorContribution[j], co: this.anchorCo[j] });
    return out;
  }

  /** Whether the last recommend / candidates call's products reach product j (one of its results). */
  public hasAnchor(j: number): boolean {
    return this.anchorStamp[j] === this.anchorNow;
  }

  private release(u: number, nt: number): void {
    for (let t = 0; t < nt; t++) this.acc[this.touched[t]] = 0;
    for (let e = this.ui.ptr[u]; e < this.ui.ptr[u + 1]; e++) this.own[this.ui.items[e]] = 0;
  }

  private groupView(group: number): { popVec: Float64Array; popOrder: Int32Array; g: number } {
    const g = !this.params.wholeOrg && group >= 0 && group < this.pop.byGroup.length ? group : -1;
    return { popVec: g >= 0 ? this.pop.byGroup[g] : this.pop.global, popOrder: this.pop.order[g >= 0 ? g : this.pop.order.length - 1], g };
  }

  private logPopOf(g: number, popVec: Float64Array): Float64Array {
    let v = this.logPop.get(g);
    if (!v) this.logPop.set(g, (v = popVec.map((p) => Math.log(1e-3 + p))));
    return v;
  }

  /**
   * The best `limit` candidates for account u. `allowed` filters products (business rules); own purchases
   * are never candidates. group < 0 uses overall popularity.
   */
  public recommend(u: number, limit: number, group: number, allowed?: (item: number) => boolean): ScoredItem[] {
    if (this.ranked) return this.rerank(u, limit, group, allowed);
    const { acc, touched, own } = this;
    // The neighbourhood walk also marks the account's own products, which popularity-only lists skip too.
    const walked = this.neighbourhood(u);
    const nt = walked.nt;
    const maxCf = this.params.popularityOnly ? 0 : walked.maxCf;
    const { popVec, popOrder } = this.groupView(group);
    const pw = maxCf > 0 ? this.params.popWeight : 1;
    const heap = new TopK(limit);
    for (let t = 0; t < nt && maxCf > 0; t++) {
      const j = touched[t];
      const score = acc[j] / maxCf + pw * popVec[j];
      // Rules are checked only for candidates that could enter the list: most never do.
      if (score < heap.threshold() || (allowed && !allowed(j))) continue;
      heap.push(j, score);
    }
    // Candidates no neighbour reached score on popularity alone; walking the popularity order stops as soon
    // as nothing further down could enter the list.
    if (pw > 0) {
      for (let p = 0, added = 0; p < popOrder.length && added < limit; p++) {
        const j = popOrder[p];
        if (own[j] || (maxCf > 0 && acc[j] !== 0) || (allowed && !allowed(j))) continue;
        heap.push(j, pw * popVec[j]);
        added++;
      }
    }
    const best = heap.sorted();
    this.anchorPass(u, best.ids, best.ids.length);
    const out = best.ids.map((item, r) => ({
      item,
      score: best.scores[r],
      cf: maxCf > 0 ? acc[item] / maxCf : 0,
      pop: popVec[item],
    }));
    this.release(u, nt);
    return out;
  }

  /**
   * Of `pool` (e.g. products nobody has bought yet), the allowed product whose name and description are
   * closest to the account's own (TF-IDF cosine against its time-weighted profile); the first allowed one
   * when there is no text to compare, -1 when none is allowed. Scans at most `maxScan` of the pool.
   */
  public contentMatch(u: number, pool: readonly number[], allowed?: (item: number) => boolean, maxScan = 200): number {
    const { ui, profile } = this;
    let best = -1;
    let bestSim = -1;
    if (profile) {
      profile.begin();
      for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) profile.add(ui.items[e], this.profileWeight(e));
      profile.finish();
    }
    for (let p = 0; p < Math.min(pool.length, maxScan); p++) {
      const j = pool[p];
      if (allowed && !allowed(j)) continue;
      const sim = profile ? profile.similarity(j) : 0;
      if (sim > bestSim) {
        best = j;
        bestSim = sim;
      }
    }
    return best;
  }

  /**
   * The ranker's view of account u: candidates from the neighbourhood, from what is being adopted right now
   * and from the group's popularity, each with its feature row (RERANK_FEATURES order).
   */
  public candidates(u: number, group: number, allowed?: (item: number) => boolean): CandidateList {
    const { nt, maxCf } = this.neighbourhood(u);
    const n = this.featureRows(u, group, nt, maxCf, allowed);
    this.release(u, nt);
    return { items: this.candItems.slice(0, n), x: this.candX.slice(0, n * N_FEATURES), n };
  }

  /** Fills candItems / candX (RERANK_FEATURES order) for account u; returns how many candidates. */
  private featureRows(u: number, group: number, nt: number, maxCf: number, allowed?: (item: number) => boolean): number {
    const { acc, touched, own, mark, ui, candItems: items, candX: x } = this;
    const sig = this.signals!;
    const { popVec, popOrder, g } = this.groupView(group);
    const logPop = this.logPopOf(g, popVec);
    let n = 0;
    const take = (j: number): void => {
      if (mark[j] || own[j] || (allowed && !allowed(j))) return;
      mark[j] = 1;
      items[n++] = j;
    };
    const byCf = this.cfHeap;
    byCf.clear();
    for (let t = 0; t < nt; t++) {
      const j = touched[t];
      if (acc[j] >= byCf.threshold() && (!allowed || allowed(j))) byCf.push(j, acc[j]);
    }
    for (const j of byCf.sorted().ids) take(j);
    const nCf = n;
    for (let p = 0; p < sig.trendingOrder.length && n - nCf < CANDIDATES.trending; p++) take(sig.trendingOrder[p]);
    for (let p = 0, before = n; p < popOrder.length && n - before < CANDIDATES.group; p++) take(popOrder[p]);
    for (let r = 0; r < n; r++) mark[items[r]] = 0;
    this.anchorPass(u, items, n);

    const profile = this.profile;
    if (profile) {
      profile.begin();
      for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) profile.add(ui.items[e], this.entryW[e - ui.ptr[u]]);
      profile.finish();
    }
    const breadth = Math.log1p(ui.ptr[u + 1] - ui.ptr[u]);
    const recency = Math.log1p(ui.userLastDay[u] >= 0 ? Math.max(0, this.asOfDay - ui.userLastDay[u]) : 365);
    for (let r = 0; r < n; r++) {
      const j = items[r];
      const cf = maxCf > 0 ? acc[j] / maxCf : 0;
      const it = j * ITEM_FEATURES;
      const a7 = sig.item[it];
      const o = r * N_FEATURES;
      x[o] = cf;
      x[o + 1] = r < nCf ? RANK_DISCOUNT[r] : 0;
      x[o + 2] = Math.log(1e-3 + cf);
      x[o + 3] = a7;
      x[o + 4] = sig.item[it + 1];
      x[o + 5] = sig.item[it + 2];
      x[o + 6] = sig.item[it + 3];
      x[o + 7] = logPop[j];
      x[o + 8] = profile ? profile.similarity(j) : 0;
      x[o + 9] = sig.item[it + 4];
      x[o + 10] = cf * breadth;
      x[o + 11] = a7 * breadth;
      x[o + 12] = this.support[j] < LOG1P.length ? LOG1P[this.support[j]] : Math.log1p(this.support[j]);
      x[o + 13] = a7 * recency;
      x[o + 14] = sig.item[it + 5];
    }
    return n;
  }

  /**
   * Why the ranker scores product j as it does for account u: each feature's share of the linear score (its
   * standardised value times its weight, so the shares add up to the score), and the calibrated probability.
   * Null when no ranker is fitted or the first stage did not propose j (the ranker never saw it).
   */
  public rankerParts(u: number, group: number, j: number, allowed?: (item: number) => boolean): { parts: Record<string, number>; linear: number; probability: number } | null {
    if (!this.ranked) return null;
    const model = this.params.ranker!;
    const { nt, maxCf } = this.neighbourhood(u);
    const n = this.featureRows(u, group, nt, maxCf, allowed);
    this.release(u, nt);
    const r = this.candItems.subarray(0, n).indexOf(j);
    if (r < 0) return null;
    const parts: Record<string, number> = {};
    let linear = 0;
    model.features.forEach((name, k) => {
      const share = (model.weights[k] * (this.candX[r * N_FEATURES + k] - model.mean[k])) / model.scale[k];
      parts[name] = share;
      linear += share;
    });
    return { parts, linear, probability: calibrated(model, linear) };
  }

  private rerank(u: number, limit: number, group: number, allowed?: (item: number) => boolean): ScoredItem[] {
    const model = this.params.ranker!;
    const { nt, maxCf } = this.neighbourhood(u);
    const n = this.featureRows(u, group, nt, maxCf, allowed);
    const { popVec } = this.groupView(group);
    const heap = new TopK(limit);
    const { candX: x, coef } = this;
    for (let r = 0; r < n; r++) {
      let score = this.bias;
      for (let k = 0, o = r * N_FEATURES; k < N_FEATURES; k++) score += coef![k] * x[o + k];
      heap.push(this.candItems[r], score);
    }
    const best = heap.sorted();
    const out = best.ids.map((item, r) => ({
      item,
      score: calibrated(model, best.scores[r]),
      cf: maxCf > 0 ? this.acc[item] / maxCf : 0,
      pop: popVec[item],
    }));
    this.release(u, nt);
    return out;
  }
}
