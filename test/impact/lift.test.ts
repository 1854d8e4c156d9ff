// Lift and its uncertainty: the interval methods against published values and their own definitions, and the
// report's groups, periods and verdicts.
import { expect } from 'chai';
import { accountsNeeded, bootstrapMeanDifference, buildReport, clusteredRate, newcombeDifference, periodOf, rateDifference, type Conversion, type Exposure } from '../../sync-server/src/impact/index.js';
import { mulberry32 } from '../../sync-server/src/lib/random.js';

describe('impact: intervals', () => {
  it("Newcombe's hybrid score interval matches his published example (56/70 vs 48/80)", () => {
    const r = newcombeDifference(56, 70, 48, 80);
    expect(r.diff).to.be.closeTo(0.2, 1e-12);
    expect(r.ci95[0]).to.be.closeTo(0.0524, 5e-4);
    expect(r.ci95[1]).to.be.closeTo(0.3339, 5e-4);
  });

  it('the clustered rate is Σy/Σn and its variance grows when conversions clump in few accounts', () => {
    const spread = Array.from({ length: 40 }, () => ({ n: 10, y: 1, w: 0 }));
    const clumped = Array.from({ length: 40 }, (_v, k) => ({ n: 10, y: k < 4 ? 10 : 0, w: 0 }));
    expect(clusteredRate(spread).rate).to.equal(0.1);
    expect(clusteredRate(clumped).rate).to.equal(0.1);
    expect(clusteredRate(spread).variance).to.equal(0);
    expect(clusteredRate(clumped).variance).to.be.above(0.002);
  });

  it('the clustered Wald interval covers the true difference about 95% of the time', () => {
    // 400 simulated experiments: 150 accounts a group, 5-25 recommendations each, per-account rates that vary.
    const rnd = mulberry32(99);
    const groupOf = (base: number): Array<{ n: number; y: number; w: number }> => Array.from({ length: 150 }, () => {
      const n = 5 + Math.floor(rnd() * 21);
      const p = Math.min(1, base * 2 * rnd());
      let y = 0;
      for (let k = 0; k < n; k++) if (rnd() < p) y++;
      return { n, y, w: 0 };
    });
    let covered = 0;
    for (let t = 0; t < 400; t++) {
      const { ci95 } = rateDifference(groupOf(0.12), groupOf(0.08));
      if (ci95[0] <= 0.04 && ci95[1] >= 0.04) covered++;
    }
    expect(covered / 400).to.be.within(0.92, 0.98);
  });

  it('the bootstrap is deterministic for a seed and brackets the observed difference', () => {
    const a = [0, 0, 10, 500, 20, 0, 35];
    const b = [0, 5, 0, 0, 12];
    const one = bootstrapMeanDifference(a, b, 7);
    expect(bootstrapMeanDifference(a, b, 7)).to.deep.equal(one);
    expect(one.diff).to.be.closeTo(a.reduce((s, x) => s + x, 0) / 7 - 17 / 5, 1e-9);
    expect(one.ci95[0]).to.be.below(one.diff);
    expect(one.ci95[1]).to.be.above(one.diff);
    expect(bootstrapMeanDifference(a, b, 8)).to.not.deep.equal(one);
  });

  it('sizes a test: a smaller lift or a smaller holdout needs more accounts', () => {
    const n = accountsNeeded(0.02, 0.01, 0.01, 0.5);
    // (1.96 + 0.84)² × (0.01/0.5 + 0.01/0.5) / 0.02² ≈ 785
    expect(n).to.be.within(780, 790);
    expect(accountsNeeded(0.01, 0.01, 0.01, 0.5)).to.be.within(4 * n - 4, 4 * n + 4);
    expect(accountsNeeded(0.02, 0.01, 0.01, 0.1)).to.be.above(n);
    expect(Number.isNaN(accountsNeeded(0.02, 0.01, 0.01, 0))).to.equal(true);
  });
});

describe('impact: report', () => {
  // n accounts per group, each with 10 exposures on `day`; `conv(k)` of them converted for account k.
  function world(opts: { treated: number; holdout: number; convT: (k: number) => number; convH: (k: number) => number; day?: string }): { exposures: Exposure[]; conversions: Conversion[] } {
    const exposures: Exposure[] = [];
    const conversions: Conversion[] = [];
    const add = (prefix: string, shown: boolean, n: number, conv: (k: number) => number): void => {
      for (let k = 0; k < n; k++) {
        for (let j = 0; j < 10; j++) {
          const e: Exposure = { externalId: `${prefix}${k}-P${j}-XS`, accountId: `${prefix}${k}`, productId: `P${j}`, kind: 'Cross-sell', shown, firstOn: opts.day ?? '2026-01-07' };
          exposures.push(e);
          if (j < conv(k)) conversions.push({ externalId: e.externalId, lineId: `L${e.externalId}`, opportunityId: 'O', convertedOn: '2026-01-20', amount: 100, won: j % 2 === 0 });
        }
      }
    };
    add('T', true, opts.treated, opts.convT);
    add('H', false, opts.holdout, opts.convH);
    return { exposures, conversions };
  }

  it('counts each group, and detects a clear lift', () => {
    const w = world({ treated: 90, holdout: 30, convT: (k) => (k % 2 ? 3 : 2), convH: (k) => (k % 3 === 0 ? 1 : 0) });
    const r = buildReport(w.exposures, w.conversions, { windowDays: 90 });
    expect(r.treated).to.deep.include({ accounts: 90, recommendations: 900, converted: 225, accountsConverted: 90 });
    expect(r.treated.conversionRate).to.equal(0.25);
    expect(r.holdout).to.deep.include({ accounts: 30, recommendations: 300, converted: 10 });
    expect(r.lift.conversion).to.be.closeTo(0.25 - 10 / 300, 1e-12);
    expect(r.verdict.detected).to.equal('positive');
    // Won revenue: conversions on even products are won (100 each): two for the 45 odd accounts, one for the even.
    expect(r.treated.wonRevenue).to.equal(45 * 200 + 45 * 100);
    expect(r.treated.won).to.equal(135);
    expect(r.lift.wonRevenuePerAccountCi95![0]).to.be.above(0);
  });

  it('says there is no detectable effect yet, and how many more accounts it needs, when the interval covers 0', () => {
    const w = world({ treated: 40, holdout: 10, convT: (k) => k % 4, convH: (k) => (k + 1) % 4 });
    const r = buildReport(w.exposures, w.conversions, { windowDays: 90, holdoutShare: 0.2 });
    expect(r.lift.ci95![0]).to.be.below(0);
    expect(r.lift.ci95![1]).to.be.above(0);
    expect(r.verdict.detected).to.equal('none');
    expect(r.verdict.moreAccounts).to.be.a('number').and.above(0);
    expect(r.verdict.text).to.match(/^No detectable effect yet: .* includes 0; need about \d+ more accounts/);
  });

  it('says any effect is likely smaller than the detectable lift when there are already enough accounts', () => {
    const w = world({ treated: 400, holdout: 400, convT: (k) => k % 3, convH: (k) => (k + 1) % 3 });
    const r = buildReport(w.exposures, w.conversions, { windowDays: 90, holdoutShare: 0.5 });
    expect(r.verdict.detected).to.equal('none');
    expect(r.verdict.moreAccounts).to.equal(0);
    expect(r.verdict.text).to.match(/^No detectable effect: .* includes 0; with 800 accounts a lift of .* would have shown 80% of the time/);
  });

  it('is not measurable without a holdout, and splits by week and month', () => {
    const w = world({ treated: 10, holdout: 0, convT: () => 1, convH: () => 0 });
    expect(buildReport(w.exposures, w.conversions, { windowDays: 90 }).verdict.detected).to.equal('not-measurable');
    const a = world({ treated: 5, holdout: 5, convT: () => 2, convH: () => 1, day: '2026-01-05' });
    const b = world({ treated: 5, holdout: 5, convT: () => 1, convH: () => 1, day: '2026-02-11' });
    const both = { exposures: [...a.exposures, ...b.exposures.map((e) => ({ ...e, externalId: `b${e.externalId}`, accountId: `b${e.accountId}` }))], conversions: [...a.conversions, ...b.conversions.map((c) => ({ ...c, externalId: `b${c.externalId}` }))] };
    const weekly = buildReport(both.exposures, both.conversions, { windowDays: 90 });
    expect(weekly.periods.map((p) => p.period)).to.deep.equal(['2026-01-05', '2026-02-09']);
    expect(weekly.periods[0].treated.conversionRate).to.equal(0.2);
    expect(weekly.periods[1].lift.conversion).to.equal(0);
    expect(buildReport(both.exposures, both.conversions, { windowDays: 90, by: 'month' }).periods.map((p) => p.period)).to.deep.equal(['2026-01', '2026-02']);
    expect(buildReport(both.exposures, both.conversions, { windowDays: 90, since: '2026-02-01' }).treated.accounts).to.equal(5);
    expect(periodOf('2026-01-11', 'week')).to.equal('2026-01-05'); // a Sunday belongs to the week that began on Monday
  });
});
