// Cross-sell scoring: products the account never bought, from item neighbourhoods applied to a time-decayed
// profile (recent orders weigh more: purchase data is strongly seasonal), blended with decayed popularity in
// the account's group so accounts without history still get a list.
import { TopK } from './top-k.js';
import type { ItemNeighbours } from './item-similarity.js';
import type { Popularity } from './popularity.js';
import type { UserItems } from './purchase-log.js';

export type CrossSellParams = { tau: number; popWeight: number; logProfile?: boolean };

export type ScoredItem = { item: number; score: number; cf: number; pop: number };

export class CrossSellScorer {
  private readonly acc: Float64Array;
  private readonly touched: Int32Array;
  private readonly own: Uint8Array;

  public constructor(
    private readonly ui: UserItems,
    private readonly nb: ItemNeighbours,
    private readonly pop: Popularity,
    private readonly params: CrossSellParams,
    private readonly asOfDay: number,
  ) {
    this.acc = new Float64Array(ui.nItems);
    this.touched = new Int32Array(ui.nItems);
    this.own = new Uint8Array(ui.nItems);
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

  /**
   * The best `limit` candidates for account u. `allowed` filters products (business rules); own purchases
   * are never candidates. group < 0 uses overall popularity.
   */
  public recommend(u: number, limit: number, group: number, allowed?: (item: number) => boolean): ScoredItem[] {
    const { ui, nb, acc, touched, own } = this;
    let nt = 0;
    for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) own[ui.items[e]] = 1;
    for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) {
      const w = this.profileWeight(e);
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
    const popVec = group >= 0 && group < this.pop.byGroup.length ? this.pop.byGroup[group] : this.pop.global;
    const popOrder = this.pop.order[group >= 0 && group < this.pop.byGroup.length ? group : this.pop.order.length - 1];
    const pw = maxCf > 0 ? this.params.popWeight : 1;
    const heap = new TopK(limit);
    for (let t = 0; t < nt; t++) {
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
        if (own[j] || acc[j] !== 0 || (allowed && !allowed(j))) continue;
        heap.push(j, pw * popVec[j]);
        added++;
      }
    }
    const best = heap.sorted();
    const out = best.ids.map((item, r) => ({
      item,
      score: best.scores[r],
      cf: maxCf > 0 ? acc[item] / maxCf : 0,
      pop: popVec[item],
    }));
    for (let t = 0; t < nt; t++) acc[touched[t]] = 0;
    for (let e = ui.ptr[u]; e < ui.ptr[u + 1]; e++) own[ui.items[e]] = 0;
    return out;
  }
}
