// The impact simulator: Online Retail cut at a date, a sample of its customers as accounts, and Reco run week
// by week through the following quarter. Between runs the customers' real later invoices are replayed, and
// simulated reps act on the shown lists: each shown recommendation of a treated account is bought, on top of
// whatever the customer really did, with probability `effect`. Holdout accounts never get that extra. The
// measurement is the real one (exposures, attribution, report from sync-server/src/impact), so the A/A and
// A/B checks test the code the service runs.
//
// In process on purpose: 20 seeds x 2 effects of 13 weekly syncs must fit a shared 2-core machine; the org
// round trip (local-org, extract, write-back) is covered by the pipeline tests, not repeated here.
import { DatabaseSync } from 'node:sqlite';
import { SqliteSql } from '../mirror/sqlite-sql.js';
import type { Dataset, LineItem, Opportunity } from '../domain/types.js';
import type { RetailData } from '../evaluate/retail-data.js';
import { attribute, buildReport, measureImpact, readConversions, readExposures, recordExposures, type AttributableLine, type ImpactReport } from '../impact/index.js';
import { mulberry32 } from '../lib/random.js';
import { runModels } from '../models/run-models.js';
import { dayNumber, dayToIso } from '../recommend/purchase-log.js';

export type SimOptions = {
  effect: number;
  seed: number;
  accounts: number;
  asOf: string; // cutoff: Reco's first run; everything later is replayed
  weeks: number;
  holdoutShare: number;
  windowDays: number;
};

export type SimResult = {
  effect: number;
  seed: number;
  options: Omit<SimOptions, 'effect' | 'seed'>;
  treated: ImpactReport['treated'];
  holdout: ImpactReport['holdout'];
  lift: { conversion: number | null; ci95: [number, number] | null; trueLift: number; relative: number | null; wonRevenuePerAccount: number | null; wonRevenuePerAccountCi95: [number, number] | null };
  verdict: string;
  injected: number;
  coversZero: boolean;
  coversTrue: boolean;
  method: string;
  ms: number;
};

export function checkSimOptions(o: SimOptions): SimOptions {
  const bad = (what: string, v: unknown): never => { throw new RangeError(`--${what}: ${JSON.stringify(v)} is not valid`); };
  if (!(o.effect >= 0 && o.effect <= 1)) bad('effect (a probability between 0 and 1)', o.effect);
  if (!Number.isInteger(o.seed)) bad('seed (an integer)', o.seed);
  if (!Number.isInteger(o.accounts) || o.accounts < 20) bad('accounts (an integer of at least 20)', o.accounts);
  if (!Number.isInteger(o.weeks) || o.weeks < 1 || o.weeks > 52) bad('weeks (1 to 52)', o.weeks);
  if (!(o.holdoutShare > 0 && o.holdoutShare < 1)) bad('holdout-share (strictly between 0 and 1)', o.holdoutShare);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(o.asOf) || Number.isNaN(Date.parse(o.asOf))) bad('as-of (YYYY-MM-DD)', o.asOf);
  return o;
}

/** Average line revenue per product over the whole file: the price a simulated purchase is booked at. */
function productPrices(d: RetailData): Float64Array {
  const sum = new Float64Array(d.products.length);
  const n = new Float64Array(d.products.length);
  for (let k = 0; k < d.log.item.length; k++) {
    sum[d.log.item[k]] += d.log.revenue[k];
    n[d.log.item[k]]++;
  }
  return sum.map((s, i) => (n[i] ? s / n[i] : 0));
}

export async function simulate(d: RetailData, options: SimOptions): Promise<SimResult> {
  const o = checkSimOptions(options);
  const t0 = performance.now();
  const cut = dayNumber(o.asOf);
  const end = cut + 7 * o.weeks;
  const rnd = mulberry32(o.seed * 2_654_435_761);
  const price = productPrices(d);

  // Accounts: a seeded sample of the customers who bought before the cutoff.
  const active = new Set<number>();
  for (let k = 0; k < d.log.user.length; k++) if (d.log.day[k] < cut) active.add(d.log.user[k]);
  const pool = [...active].sort((a, b) => a - b);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  const users = new Set(pool.slice(0, Math.min(o.accounts, pool.length)));
  const accountId = (u: number): string => `C${d.accounts[u]}`;
  const productId = (i: number): string => `P${d.products[i]}`;

  // Every real line of the sample up to the end of the quarter, as the org would hold them once replayed.
  const real: LineItem[] = [];
  const opps = new Map<string, Opportunity>();
  for (let k = 0; k < d.log.user.length; k++) {
    const u = d.log.user[k];
    if (!users.has(u) || d.log.day[k] >= end) continue;
    const closeDate = dayToIso(d.log.day[k]);
    const oid = `O${d.log.order[k]}`;
    if (!opps.has(oid)) opps.set(oid, { id: oid, accountId: accountId(u), name: oid, stageName: 'Closed Won', isWon: true, isClosed: true, closeDate, amount: null, createdDate: `${closeDate}T00:00:00.000Z` });
    real.push({ id: `L${k}`, opportunityId: oid, accountId: accountId(u), productId: productId(d.log.item[k]), quantity: 1, unitPrice: d.log.revenue[k], totalPrice: d.log.revenue[k], closeDate, isWon: true, isClosed: true });
  }
  const injected: LineItem[] = [];
  const accounts = [...users].sort((a, b) => a - b).map((u) => ({ id: accountId(u), name: `Customer ${d.accounts[u]}`, country: d.country[u], industry: null, createdDate: '2010-12-01T00:00:00.000Z' }));
  const products = d.products.map((p, i) => ({ id: productId(i), code: p, name: d.descriptions[i] || p, family: null, description: null, isActive: true, listPrice: null }));
  const asLine = (l: LineItem): AttributableLine => ({ id: l.id, opportunityId: l.opportunityId, accountId: l.accountId, productId: l.productId, on: l.closeDate, amount: l.totalPrice, won: l.isWon });

  const db = new SqliteSql(new DatabaseSync(':memory:'), ':memory:');
  for (let w = 0; w < o.weeks; w++) {
    const day = cut + 7 * w;
    const asOfIso = dayToIso(day);
    const before = (l: LineItem): boolean => dayNumber(l.closeDate) < day;
    const lines = real.filter(before).concat(injected.filter(before));
    const oppIds = new Set(lines.map((l) => l.opportunityId));
    const ds: Dataset = {
      asOf: `${asOfIso}T00:00:00.000Z`,
      accounts,
      products,
      opportunities: [...opps.values()].filter((x) => oppIds.has(x.id)).concat(injected.filter(before).map((l) => simOpp(l))),
      lines,
      activities: [],
      feedback: [],
    };
    const out = runModels(ds, { seed: o.seed, holdoutShare: o.holdoutShare, tune: 'off' });
    const known = new Set((await readExposures(db)).map((e) => e.externalId));
    await recordExposures(db, out, asOfIso);
    // Reps act on what is new on the shown lists this week; the holdout's shadow lists reach no rep.
    for (const e of await readExposures(db)) {
      if (!e.shown || known.has(e.externalId)) continue;
      if (rnd() >= o.effect) continue;
      const on = dayToIso(day + Math.floor(rnd() * 7));
      const i = d.products.indexOf(e.productId.slice(1));
      const amount = Math.round((price[i] || 10) * 100) / 100;
      injected.push({ id: `SIM-${injected.length}`, opportunityId: `SIMO-${injected.length}`, accountId: e.accountId, productId: e.productId, quantity: 1, unitPrice: amount, totalPrice: amount, closeDate: on, isWon: true, isClosed: true });
    }
    // The sync at the end of the week sees what was sold up to then.
    const seen = real.concat(injected).filter((l) => dayNumber(l.closeDate) >= cut && dayNumber(l.closeDate) < day + 7).map(asLine);
    await measureImpact(db, seen, o.windowDays);
  }
  const exposures = await readExposures(db);
  const report = buildReport(exposures, await readConversions(db), { windowDays: o.windowDays, holdoutShare: o.holdoutShare, seed: o.seed });

  // The injected lift: a shown recommendation converts naturally with rate p0 (real lines only) and otherwise
  // with the reps' extra probability, so the expected difference over the holdout is effect x (1 - p0).
  const treated = exposures.filter((e) => e.shown);
  const naturalLines = real.filter((l) => dayNumber(l.closeDate) >= cut).map(asLine);
  const p0 = treated.length ? attribute(treated, naturalLines, o.windowDays).filter((c) => dayNumber(c.convertedOn) < end).length / treated.length : 0;
  const trueLift = o.effect * (1 - p0);
  const ci = report.lift.ci95;
  await db.close();
  return {
    effect: o.effect,
    seed: o.seed,
    options: { accounts: accounts.length, asOf: o.asOf, weeks: o.weeks, holdoutShare: o.holdoutShare, windowDays: o.windowDays },
    treated: report.treated,
    holdout: report.holdout,
    lift: {
      conversion: report.lift.conversion,
      ci95: ci,
      trueLift,
      relative: report.lift.relative,
      wonRevenuePerAccount: report.lift.wonRevenuePerAccount,
      wonRevenuePerAccountCi95: report.lift.wonRevenuePerAccountCi95,
    },
    verdict: report.verdict.text,
    injected: injected.length,
    coversZero: ci !== null && ci[0] <= 0 && ci[1] >= 0,
    coversTrue: ci !== null && ci[0] <= trueLift && ci[1] >= trueLift,
    method: report.methods.conversion,
    ms: Math.round(performance.now() - t0),
  };
}

function simOpp(l: LineItem): Opportunity {
  return { id: l.opportunityId, accountId: l.accountId, name: 'Simulated rep sale', stageName: 'Closed Won', isWon: true, isClosed: true, closeDate: l.closeDate, amount: l.totalPrice, createdDate: `${l.closeDate}T00:00:00.000Z` };
}
