// The model step's entry point: Dataset in, ModelOutput out. Deterministic for a given dataset, options and
// seed (k-means seeds, holdout draw and the tuning grid are all fixed), on one thread or with worker threads.
import type { AccountInsight, Dataset, ModelOutput, Recommendation } from '../domain/types.js';
import { engagementScore } from '../features/features.js';
import { lifecycleStage } from '../features/lifecycle.js';
import { predict, textChurnReason } from '../churn/churn.js';
import { dayNumber, dayToIso } from '../recommend/purchase-log.js';
import { accountRule, type RuleName } from '../recommend/business-rules.js';
import { availableParallelism } from 'node:os';
import { entryOf, allowedFor, buyAgainList, buyAgainPicks, buyAgainRecords, crossSellList, crossSellPicks, crossSellRecords, mergeNextBest, type BuyAgainPick, type CrossPick, type RecordContext } from './lists.js';
import { prepare, prepareInWorkers, type ModelContext } from './context.js';
import { pickInWorkers } from './list-workers.js';
import { isHoldout as isHoldoutAccount, type ModelOptions } from './options.js';
import { entryScore, rhythm } from '../recommend/buy-again.js';
import { buyAgainModelParts, compatibleBuyAgainModel } from '../recommend/buy-again-model.js';

export type { ModelOptions };
/**
 * Each account's segment history from the last output. previousSegmentKey carries forward while the segment
 * stays put, so re-running a day (a follow-up after a failed write-back) keeps "moved from X on D" intact.
 */
export type PreviousInsights = { insights: Map<string, { segmentKey: string | null; segmentChangedOn: string | null; previousSegmentKey?: string | null }> };
/**
 * Receives each account's insight and lists as soon as they are built. With a sink, runModels keeps neither in
 * memory (the returned insights and recommendations are empty), so a million-account org streams its ~20M
 * recommendations to their destination instead of holding them all at once.
 */
export type AccountSink = (insight: AccountInsight, recommendations: Recommendation[], shadow: Recommendation[]) => void;

/** Worker threads for the neighbourhoods and lists, when the org is big enough to repay starting them. */
export type ListParallelism = { workers?: number; minAccounts?: number };

const nanToNull = (v: number): number | null => (Number.isNaN(v) ? null : Math.round(v * 100) / 100);

/** The model step with the lists picked on this thread. Synchronous; the same output as runModelsInWorkers. */
export function runModels(dataset: Dataset, options?: ModelOptions, previous?: PreviousInsights, sink?: AccountSink): ModelOutput {
  const started = startClock();
  const run = startRun(dataset, prepare(dataset, options), previous, sink, started);
  const { ctx } = run;
  for (let u = 0; u < dataset.accounts.length; u++) {
    run.emit(u, { cross: crossSellPicks(ctx, u), buy: buyAgainPicks(ctx, u) });
  }
  return run.finish();
}

/**
 * The model step with the item neighbourhoods and the lists computed by worker threads (one per core by
 * default): the neighbourhoods while this thread builds the account features, segments and churn model, the
 * lists while it builds the records in account order. The output is exactly runModels'. Below `minAccounts`
 * (default 50,000) the threads' start-up costs more than they save and runModels runs instead. The event loop is
 * free while this thread waits for the workers, so the service still answers status requests during a big run.
 */
export async function runModelsInWorkers(
  dataset: Dataset,
  options?: ModelOptions,
  previous?: PreviousInsights,
  sink?: AccountSink,
  parallel: ListParallelism = {},
): Promise<ModelOutput> {
  const workers = parallel.workers ?? availableParallelism();
  if (workers < 1 || dataset.accounts.length < (parallel.minAccounts ?? 50_000)) return runModels(dataset, options, previous, sink);
  const started = startClock();
  const run = startRun(dataset, await prepareInWorkers(dataset, options, workers), previous, sink, started);
  // Holdout accounts get lists too (kept as shadow lists, see emit), so no account is skipped by the workers.
  const skip = new Uint8Array(dataset.accounts.length);
  await pickInWorkers(run.ctx, skip, workers, (u, cross, buy) => run.emit(u, { cross, buy }));
  return run.finish();
}

type Run = {
  ctx: ModelContext;
  isHoldout: (u: number) => boolean;
  emit: (u: number, picks: { cross: CrossPick[]; buy: BuyAgainPick[] }) => void;
  finish: () => ModelOutput;
};

const startClock = (): { wall: number; cpu: NodeJS.CpuUsage } => ({ wall: performance.now(), cpu: process.cpuUsage() });

/** What one account's insight and list are built from: its features and the org's segments, models and names. */
export type AccountOutputContext = RecordContext & Pick<ModelContext, 'features' | 'crm' | 'breadth' | 'churn' | 'opts'>;
export type PreviousInsight = PreviousInsights['insights'] extends Map<string, infer V> ? V : never;

/**
 * Account u's insight and its one next-best list (`holdout`: the list is its shadow list, never shown). Shared
 * by this step and the partitioned one (scale/), which calls it on a context holding one range of accounts.
 */
export function accountOutput(
  ctx: AccountOutputContext,
  u: number,
  picks: { cross: CrossPick[]; buy: BuyAgainPick[] } | null,
  prev: PreviousInsight | undefined,
  day: { asOfDay: number; today: string },
): { insight: AccountInsight; list: Recommendation[]; holdout: boolean } {
  const { features: f, crm, seg } = ctx;
  const a = ctx.ds.accounts[u];
  const holdout = isHoldoutAccount(a.id, ctx.opts);
  const g = seg.of[u];
  const segmentKey = g >= 0 ? seg.segments[g].key : null;
  const moved = prev !== undefined && prev.segmentKey !== segmentKey;
  const ageDays = day.asOfDay - dayNumber(a.createdDate);
  const insight: AccountInsight = {
    accountId: a.id,
    segmentKey,
    previousSegmentKey: moved ? prev.segmentKey : (prev?.previousSegmentKey ?? null),
    segmentChangedOn: moved ? day.today : (prev?.segmentChangedOn ?? null),
    lifecycleStage: lifecycleStage(f.recencyDays[u], f.tenureDays[u], f.gapBeforeLastDays[u], ageDays),
    recencyDays: nanToNull(f.recencyDays[u]),
    frequency: f.frequency[u],
    monetary: Math.round(f.monetary[u] * 100) / 100,
    averageOrderValue: nanToNull(f.averageOrderValue[u]),
    engagementScore: engagementScore(crm, u),
    churnRisk: ctx.churn.model && !Number.isNaN(f.recencyDays[u]) ? Math.round(predict(ctx.churn.model, f, u) * 1e4) / 1e4 : null,
    holdout,
    signals: {
      tenureDays: nanToNull(f.tenureDays[u]),
      productBreadth: ctx.breadth[u],
      orders90: f.orders90[u],
      revenue90: Math.round(f.revenue90[u] * 100) / 100,
      winRate: nanToNull(crm.winRate[u]),
      openPipeline: crm.openPipeline[u],
      touches30: crm.touches30[u],
      touches90: crm.touches90[u],
      daysSinceLastTouch: nanToNull(crm.daysSinceLastTouch[u]),
      calls90: crm.calls90[u],
      emails90: crm.emails90[u],
      meetings90: crm.meetings90[u],
    },
  };
  // Present only when the churn model reads customer text and the text drives this account's risk.
  const churnWhy = ctx.churn.model && !Number.isNaN(f.recencyDays[u]) ? textChurnReason(ctx.churn.model, f, u) : null;
  if (churnWhy) insight.signals.churnReason = churnWhy;
  // A holdout account's list is computed exactly like a shown one and kept apart as its shadow list: never
  // in `recommendations` (what reps see), but measured the same way so lift compares like with like.
  const list = picks === null ? [] : mergeNextBest(crossSellRecords(ctx, u, picks.cross), buyAgainRecords(ctx, u, picks.buy), ctx.fit.params.nextBest?.merge);
  return { insight, list, holdout };
}

/** Returns how to turn each account's picks (in account order) into the output. */
function startRun(
  dataset: Dataset,
  ctx: ModelContext,
  previous: PreviousInsights | undefined,
  sink: AccountSink | undefined,
  started: { wall: number; cpu: NodeJS.CpuUsage },
): Run {
  const { seg, opts } = ctx;
  const day = { asOfDay: ctx.ix.asOfDay, today: dayToIso(ctx.ix.asOfDay) };
  const insights: AccountInsight[] = [];
  const recommendations: Recommendation[] = [];
  const listsStart = performance.now();
  const listsCpuStart = process.cpuUsage();
  let nInsights = 0;
  let nRecommendations = 0;
  const shadow: Recommendation[] = [];
  let nShadow = 0;
  const isHoldout = (u: number): boolean => isHoldoutAccount(dataset.accounts[u].id, opts);
  const emit: Run['emit'] = (u, picks) => {
    const { insight, list, holdout } = accountOutput(ctx, u, picks, previous?.insights.get(dataset.accounts[u].id), day);
    const recs = holdout ? [] : list;
    const hidden = holdout ? list : [];
    nInsights++;
    nRecommendations += recs.length;
    nShadow += hidden.length;
    if (sink) return sink(insight, recs, hidden);
    insights.push(insight);
    for (const r of recs) recommendations.push(r);
    for (const r of hidden) shadow.push(r);
  };
  const finish = (): ModelOutput => {
    const listsCpu = process.cpuUsage(listsCpuStart);
    const timings = { ...ctx.timings, lists: Math.round(performance.now() - listsStart), total: Math.round(performance.now() - started.wall) };
    const cpu = process.cpuUsage(started.cpu);
    const cpuTimings = { ...ctx.cpuTimings, lists: Math.round((listsCpu.user + listsCpu.system) / 1000), total: Math.round((cpu.user + cpu.system) / 1000) };
    return {
      asOf: dataset.asOf,
      segments: seg.segments,
      insights,
      recommendations,
      shadow,
      metrics: {
        segments: seg.metrics,
        churn: ctx.churn.report,
        tuning: ctx.tuning
          ? { params: ctx.tuning.params, tunedOn: dataset.asOf, validation: ctx.tuning.validation, evaluations: ctx.tuning.evaluations }
          : opts.params && opts.paramsTunedOn
            ? { params: opts.params, tunedOn: opts.paramsTunedOn, reused: true } // carried forward so the next run can reuse them too
            : null,
        timings,
        cpuTimings,
        counts: { insights: nInsights, recommendations: nRecommendations, shadow: nShadow },
      },
    };
  };
  return { ctx, isHoldout, emit, finish };
}

export type Explanation = {
  accountId: string;
  productId: string;
  kind: 'Cross-sell' | 'Buy again';
  parts: Record<string, number>;
  removedBy: RuleName | 'already-bought' | 'holdout' | null;
  recommended: Recommendation | null;
};

/** Score parts of one (account, product) and the business rule that removed it, if one did. */
export function explainRecommendation(dataset: Dataset, accountId: string, productId: string, options?: ModelOptions): Explanation {
  const ctx = prepare(dataset, options);
  const u = ctx.ix.accountIx.get(accountId);
  if (u === undefined) throw new Error(`explain: account "${accountId}" is not in the dataset`);
  const i = ctx.ix.productIx.get(productId);
  if (i === undefined) throw new Error(`explain: product "${productId}" is not in the dataset`);
  const e = entryOf(ctx, u, i);
  const kind = e >= 0 ? 'Buy again' : 'Cross-sell';
  const { fit } = ctx;
  let parts: Record<string, number>;
  if (e >= 0) {
    const r = rhythm(ctx.ui, e, fit.asOfDay);
    const model = fit.params.buyAgain.order === 'learned' && compatibleBuyAgainModel(fit.params.buyAgain.model) ? fit.params.buyAgain.model : null;
    // With the learned re-order model the parts are its features' shares of the score (named like the ranker's).
    parts = model ? {
      total: entryScore(ctx.ui, fit.buyAgain, fit.params.buyAgain, fit.asOfDay, e),
      orders: r.orders,
      ...Object.fromEntries(Object.entries(buyAgainModelParts(model, ctx.ui, fit.buyAgain, fit.asOfDay, e)).map(([k, v]) => [`ranker.${k}`, v])),
    } : {
      total: entryScore(ctx.ui, fit.buyAgain, fit.params.buyAgain, fit.asOfDay, e),
      due: r.due * fit.params.buyAgain.dueWeight,
      repeatRate: fit.buyAgain.repeatRate[i] * fit.params.buyAgain.repeatWeight,
      trend: fit.buyAgain.trend[i] * fit.params.buyAgain.trendWeight,
      orders: r.orders,
    };
  } else {
    const g = ctx.seg.of[u];
    // With a learned ranker the list is ordered by its score, so the parts are the ranker's: each signal's
    // share of the linear score, and the probability shown as the score. A product a rule removed is scored
    // without the rules, so the admin still sees how it would have ranked.
    const allowed = allowedFor(ctx, u);
    const ranker = fit.cross.rankerParts(u, g, i, allowed(i) ? allowed : undefined);
    if (ranker) {
      // score: filled in below with the chance shown on the record when the product made the list.
      parts = {
        score: ranker.probability,
        rankerProbability: ranker.probability,
        rankerTotal: ranker.linear,
        ...Object.fromEntries(Object.entries(ranker.parts).map(([k, v]) => [`ranker.${k}`, v])),
      };
    } else {
      const anchor = fit.cross.anchorsFor(u, [i]).get(i);
      const pop = g >= 0 && g < fit.pop.byGroup.length ? fit.pop.byGroup[g][i] : fit.pop.global[i];
      parts = { neighbourhood: anchor?.contribution ?? 0, popularity: pop * fit.params.cross.popWeight };
    }
  }
  // For a holdout account the admin still sees what its shadow list holds; `removedBy: 'holdout'` says reps do not.
  const holdout = isHoldoutAccount(accountId, ctx.opts);
  const list = kind === 'Buy again' ? buyAgainList(ctx, u) : crossSellList(ctx, u);
  const recommended = list.find((r) => r.productId === productId) ?? null;
  // The score a rep sees is the calibrated chance (next-best.ts), not the ranker's own probability.
  if (recommended && 'score' in parts) parts.score = recommended.score;
  const removedBy = ctx.productBlock[i] ?? accountRule(ctx.blocks, u, i) ?? (holdout ? 'holdout' : null);
  const capped = !recommended && removedBy === null && list.length > 0 && familyFull(ctx.ds, list, productId, ctx.opts.maxPerFamily);
  return { accountId, productId, kind, parts, removedBy: capped ? 'family-cap' : removedBy, recommended };
}

function familyFull(ds: Dataset, list: Recommendation[], productId: string, max: number): boolean {
  const fam = ds.products.find((p) => p.id === productId)?.family;
  if (!fam) return false;
  const byId = new Map(ds.products.map((p) => [p.id, p.family]));
  return list.filter((r) => byId.get(r.productId) === fam).length >= max;
}
