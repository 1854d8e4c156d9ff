// The impact report: per group (treated = accounts whose lists reps saw, holdout = shadow lists only) the
// accounts, recommendations, conversion rate and won revenue per account, the lift of treated over holdout
// with 95% intervals, a plain verdict, and the same by week or month of the recommendations' first day.
import type { IsoDate } from '../domain/types.js';
import { acceptedWon, type AcceptedWon, type ReactionEvent } from './acceptances.js';
import { accountsNeeded, bootstrapMeanDifference, clusteredRate, newcombeDifference, rateDifference, type AccountOutcome, type Interval } from './intervals.js';
import type { Conversion, Exposure } from './store.js';

export type GroupStats = {
  accounts: number;
  recommendations: number;
  converted: number;
  conversionRate: number | null; // converted / recommendations
  won: number;
  wonRevenue: number;
  wonRevenuePerAccount: number | null;
  accountsConverted: number;
  accountConversionRate: number | null; // accounts with at least one conversion / accounts
};

export type Lift = {
  conversion: number | null; // treated − holdout conversion rate, in rate units (0.01 = one point)
  ci95: [number, number] | null;
  relative: number | null; // conversion lift / holdout rate
  accountConversion: number | null;
  accountConversionCi95: [number, number] | null;
  wonRevenuePerAccount: number | null;
  wonRevenuePerAccountCi95: [number, number] | null;
};

export type PeriodRow = { period: string; treated: GroupStats; holdout: GroupStats; lift: Pick<Lift, 'conversion' | 'ci95'> };

export type ImpactReport = {
  windowDays: number;
  since: IsoDate | null;
  by: 'week' | 'month';
  methods: { conversion: string; accountConversion: string; wonRevenuePerAccount: string };
  treated: GroupStats;
  holdout: GroupStats;
  lift: Lift;
  verdict: { detected: 'positive' | 'negative' | 'none' | 'not-measurable'; text: string; accountsNeeded: number | null; moreAccounts: number | null; moreWeeks: number | null };
  periods: PeriodRow[];
  /** Treated recommendations reps accepted, and how many were followed by a won sale (observational). */
  acceptedWon: AcceptedWon;
  /** Set when the figures come from a replayed quarter (the demo), not from the live syncs. */
  replay?: { from: IsoDate; to: IsoDate; weeks: number };
};

/** `reactions`: reps' reactions (reactionsFromMirror), for the accepted → won figures; none means none accepted. */
export type ReportOptions = { windowDays: number; since?: IsoDate; by?: 'week' | 'month'; seed?: number; holdoutShare?: number; reactions?: ReactionEvent[] };

export const METHODS = {
  conversion: 'difference of conversion rates (converted / recommended); 95% Wald interval with an account-clustered (delta-method) variance, since accounts are what the holdout randomises',
  accountConversion: "difference of the share of accounts with a conversion; Newcombe's hybrid score interval (method 10)",
  wonRevenuePerAccount: 'difference of mean won revenue per account; 95% percentile bootstrap over accounts, 2000 resamples, seeded',
} as const;

const num = (v: number): number | null => (Number.isFinite(v) ? v : null);
const interval = (i: Interval): [number, number] | null => (Number.isFinite(i[0]) && Number.isFinite(i[1]) ? [i[0], i[1]] : null);

function outcomes(exposures: Exposure[], conv: Map<string, Conversion>): Map<string, AccountOutcome> {
  const by = new Map<string, AccountOutcome>();
  for (const e of exposures) {
    const o = by.get(e.accountId) ?? { n: 0, y: 0, w: 0 };
    o.n += 1;
    const c = conv.get(e.externalId);
    if (c) {
      o.y += 1;
      if (c.won) o.w += c.amount;
    }
    by.set(e.accountId, o);
  }
  return by;
}

function stats(accounts: AccountOutcome[], conv: number, won: number): GroupStats {
  const m = accounts.length;
  const n = accounts.reduce((s, a) => s + a.n, 0);
  const revenue = accounts.reduce((s, a) => s + a.w, 0);
  const withConv = accounts.filter((a) => a.y > 0).length;
  return {
    accounts: m,
    recommendations: n,
    converted: conv,
    conversionRate: n ? conv / n : null,
    won,
    wonRevenue: Math.round(revenue * 100) / 100,
    wonRevenuePerAccount: m ? revenue / m : null,
    accountsConverted: withConv,
    accountConversionRate: m ? withConv / m : null,
  };
}

function group(exposures: Exposure[], conv: Map<string, Conversion>): { stats: GroupStats; accounts: AccountOutcome[] } {
  const accounts = [...outcomes(exposures, conv).values()];
  const converted = exposures.filter((e) => conv.has(e.externalId));
  return { stats: stats(accounts, converted.length, converted.filter((e) => conv.get(e.externalId)?.won).length), accounts };
}

const DAY_MS = 86_400_000;
export function periodOf(day: IsoDate, by: 'week' | 'month'): string {
  if (by === 'month') return day.slice(0, 7);
  const t = Date.parse(`${day.slice(0, 10)}T00:00:00Z`);
  const monday = t - ((new Date(t).getUTCDay() + 6) % 7) * DAY_MS; // ISO weeks start on Monday
  return new Date(monday).toISOString().slice(0, 10);
}

const pct = (v: number): string => `${(v * 100).toFixed(1)} pts`;

export function buildReport(allExposures: Exposure[], conversions: Conversion[], opts: ReportOptions): ImpactReport {
  const by = opts.by ?? 'week';
  const since = opts.since ?? null;
  const exposures = since ? allExposures.filter((e) => e.firstOn >= since) : allExposures;
  const conv = new Map(conversions.map((c) => [c.externalId, c]));
  const t = group(exposures.filter((e) => e.shown), conv);
  const h = group(exposures.filter((e) => !e.shown), conv);
  const rate = rateDifference(t.accounts, h.accounts);
  const acc = newcombeDifference(t.stats.accountsConverted, t.stats.accounts, h.stats.accountsConverted, h.stats.accounts);
  const rev = bootstrapMeanDifference(t.accounts.map((a) => a.w), h.accounts.map((a) => a.w), opts.seed ?? 42);
  const holdoutRate = h.stats.conversionRate;
  const lift: Lift = {
    conversion: num(rate.diff),
    ci95: interval(rate.ci95),
    relative: holdoutRate ? num(rate.diff / holdoutRate) : null,
    accountConversion: num(acc.diff),
    accountConversionCi95: interval(acc.ci95),
    wonRevenuePerAccount: num(rev.diff),
    wonRevenuePerAccountCi95: interval(rev.ci95),
  };

  const periods = [...new Set(exposures.map((e) => periodOf(e.firstOn, by)))].sort().map((period) => {
    const inP = exposures.filter((e) => periodOf(e.firstOn, by) === period);
    const pt = group(inP.filter((e) => e.shown), conv);
    const ph = group(inP.filter((e) => !e.shown), conv);
    const d = rateDifference(pt.accounts, ph.accounts);
    return { period, treated: pt.stats, holdout: ph.stats, lift: { conversion: num(d.diff), ci95: interval(d.ci95) } };
  });

  const accepted = acceptedWon(exposures.filter((e) => e.shown), conv, opts.reactions ?? []);
  return { windowDays: opts.windowDays, since, by, methods: { ...METHODS }, treated: t.stats, holdout: h.stats, lift, verdict: verdict(), periods, acceptedWon: accepted };

  function verdict(): ImpactReport['verdict'] {
    const none = { accountsNeeded: null, moreAccounts: null, moreWeeks: null };
    if (h.stats.accounts < 2 || t.stats.accounts < 2 || !lift.ci95 || lift.conversion === null) {
      const which = h.stats.accounts < 2 ? 'holdout' : 'treated';
      return { detected: 'not-measurable', text: `Not measurable yet: the ${which} group has ${which === 'holdout' ? h.stats.accounts : t.stats.accounts} account(s) with recommendations; a lift needs at least 2 in each (check the holdout share).`, ...none };
    }
    const [lo, hi] = lift.ci95;
    const range = `${pct(lift.conversion)} (95% CI ${pct(lo)} to ${pct(hi)})`;
    if (lo > 0) return { detected: 'positive', text: `Accounts shown Reco's lists convert more: ${range} over the holdout.`, ...none };
    if (hi < 0) return { detected: 'negative', text: `Accounts shown Reco's lists convert less than the holdout: ${range}.`, ...none };
    // Power: the lift worth detecting is the one observed, or a fifth of the holdout's rate when that is bigger.
    const share = opts.holdoutShare ?? h.stats.accounts / (h.stats.accounts + t.stats.accounts);
    const delta = Math.max(Math.abs(lift.conversion), 0.2 * (holdoutRate ?? 0));
    const need = accountsNeeded(delta, clusteredRate(t.accounts).unitVariance, clusteredRate(h.accounts).unitVariance, share);
    const have = t.stats.accounts + h.stats.accounts;
    const more = Number.isFinite(need) ? Math.max(0, need - have) : null;
    const weeks = new Set(exposures.map((e) => periodOf(e.firstOn, 'week'))).size;
    const moreWeeks = more !== null && weeks > 0 ? Math.ceil((more / have) * weeks) : null;
    // Enough accounts already: then the interval itself bounds the effect, and more data would not change the answer.
    if (more === 0) {
      return { detected: 'none', text: `No detectable effect: ${range} includes 0; with ${have} accounts a lift of ${pct(delta)} would have shown 80% of the time, so any effect is likely smaller.`, accountsNeeded: need, moreAccounts: 0, moreWeeks: 0 };
    }
    const needText = more === null
      ? 'too little variation to size the test yet'
      : `need about ${more} more accounts with recommendations${moreWeeks !== null ? ` (about ${moreWeeks} more weeks if new accounts keep getting recommendations at the pace so far)` : ''} to detect a lift of ${pct(delta)} with 80% power`;
    return { detected: 'none', text: `No detectable effect yet: ${range} includes 0; ${needText}.`, accountsNeeded: Number.isFinite(need) ? need : null, moreAccounts: more, moreWeeks };
  }
}
