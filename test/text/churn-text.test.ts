import { expect } from 'chai';
import { fitChurn, predict, textChurnReason, textFeaturesAt, type TextTable } from '../../sync-server/src/churn/churn.js';
import { purchaseFeatures } from '../../sync-server/src/features/features.js';
import type { OrderTable } from '../../sync-server/src/features/orders.js';
import { mulberry32 as rng } from '../../sync-server/src/lib/random.js';

/**
 * 1,200 accounts over 2 years. Every account has the same buying rhythm up to each 90-day window; whether it
 * stops ordering in a window is random, but (when `informative`) accounts that stop complained in negative
 * cases during the 90 days before.
 */
function org(informative: boolean): { orders: OrderTable; text: TextTable; n: number; asOf: number } {
  const random = rng(informative ? 11 : 12);
  const n = 1200;
  const asOf = 720;
  const ou: number[] = [];
  const od: number[] = [];
  const tu: number[] = [];
  const td: number[] = [];
  const ts: number[] = [];
  const tn: number[] = [];
  for (let u = 0; u < n; u++) {
    let active = true;
    for (let w = 0; w < asOf; w += 90) {
      const stops = active && w > 90 && random() < 0.25;
      if (stops) active = false;
      if (active) for (let d = w + 5; d < Math.min(w + 90, asOf); d += 30) { ou.push(u); od.push(d); }
      const complains = informative ? stops : random() < 0.25;
      if (complains || random() < 0.15) {
        // Written in the 90 days before the window whose orders stop.
        tu.push(u); td.push(Math.max(0, w - 40)); ts.push(complains ? -0.7 : 0.3); tn.push(complains ? 1 : 0);
      }
      if (!active) break;
    }
  }
  return {
    orders: { user: Int32Array.from(ou), day: Int32Array.from(od), revenue: new Float64Array(ou.length).fill(100) },
    text: { user: Int32Array.from(tu), day: Int32Array.from(td), score: Float64Array.from(ts), negativeCase: Uint8Array.from(tn) },
    n,
    asOf,
  };
}

describe('churn: customer-text features', () => {
  it('uses them when they raise the validation AUC, and the model then reads them', () => {
    const o = org(true);
    const { model, report } = fitChurn(o.orders, o.n, o.asOf, { text: o.text });
    expect(report.textFeatures, JSON.stringify(report)).to.include({ available: true, used: true });
    expect(report.textFeatures!.auc!).to.be.greaterThan(report.textFeatures!.aucWithout! + 0.005);
    expect(model!.text).to.equal(true);
    const f = purchaseFeatures(o.orders, o.n, o.asOf);
    for (let u = 0; u < o.n; u++) expect(predict(model!, f, u)).to.be.within(0, 1);
    // Account 0 complained three times in the last 90 days: its reason cites that; account 1 wrote nothing.
    const recent: TextTable = { user: Int32Array.from([0, 0, 0]), day: Int32Array.from([690, 700, 710]), score: Float64Array.from([-0.8, -0.6, -0.7]), negativeCase: Uint8Array.from([1, 1, 1]) };
    const now = { ...model!, textNow: textFeaturesAt(recent, o.n, o.asOf) };
    expect(textChurnReason(now, f, 0)).to.equal('Customer text: 3 negative cases in 90 days, sentiment -0.70');
    expect(textChurnReason(now, f, 1)).to.equal(null);
  });

  it('leaves them out when they carry no signal, and says so', () => {
    const o = org(false);
    const { model, report } = fitChurn(o.orders, o.n, o.asOf, { text: o.text });
    expect(report.textFeatures).to.include({ available: true, used: false });
    expect(report.textFeatures!.reason).to.match(/no gain/);
    expect(model?.text).to.not.equal(true);
    const f = purchaseFeatures(o.orders, o.n, o.asOf);
    expect(textChurnReason(model!, f, 0)).to.equal(null);
  });

  it('reports them unavailable without texts', () => {
    const o = org(true);
    expect(fitChurn(o.orders, o.n, o.asOf).report.textFeatures).to.include({ available: false, used: false, reason: 'no customer texts in the data' });
  });
});
