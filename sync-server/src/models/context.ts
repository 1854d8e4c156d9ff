// Everything the lists need, fitted once per run: indices, features, segments, the tuned recommender and the
// business-rule state. runModels and explainRecommendation both start here, so an explanation always
// describes the model that produced the list.
import type { Dataset } from '../domain/types.js';
import { indexDataset, type IndexedDataset } from './dataset-index.js';
import { resolveOptions, type ModelOptions, type ResolvedOptions } from './options.js';
import { orderTable, type OrderTable } from '../features/orders.js';
import { crmFeatures, purchaseFeatures, type CrmFeatures, type OpportunityRow, type PurchaseFeatures } from '../features/features.js';
import { segmentAccounts, type Segmentation } from '../segments/segment.js';
import { buildUserItems, dayNumber, transpose, type ItemUsers, type UserItems } from '../recommend/purchase-log.js';
import { fitReco, similarityInput, simKey, DEFAULT_PARAMS, type FitCache, type FittedReco, type RecoParams } from '../recommend/fit.js';
import { tuneReco, type TuneResult } from '../recommend/tune.js';
import { buildTextIndex, type TextIndex } from '../recommend/text-similarity.js';
import type { ItemNeighbours } from '../recommend/item-similarity.js';
import { neighboursInWorkers } from './similarity-workers.js';
import { productRule, type AccountBlocks, type RuleName } from '../recommend/business-rules.js';
import { fitChurn, type ChurnModel, type ChurnReport, type TextTable } from '../churn/churn.js';
import { listState, type ListState } from './list-state.js';
import { sampleAccounts } from './tune-sample.js';
import { countColumnsInHeapLimit } from '../lib/columns.js';

export type ModelContext = {
  ds: Dataset;
  opts: ResolvedOptions;
  ix: IndexedDataset;
  ui: UserItems;
  iu: ItemUsers;
  features: PurchaseFeatures;
  crm: CrmFeatures;
  breadth: Float64Array;
  seg: Segmentation;
  fit: FittedReco;
  tuning: TuneResult | null;
  productBlock: (RuleName | null)[];
  blocks: AccountBlocks;
  churn: { model: ChurnModel | null; report: ChurnReport };
  timings: Record<string, number>;
  cpuTimings: Record<string, number>;
  newProductsByFamily: Map<string, number[]>;
  families: (string | null)[]; // per product
  itemLineValue: Float64Array; // average revenue per order line, NaN when never bought
  lists: ListState;
};

/**
 * How prepare treats the dataset. `releaseLines`: the caller hands it over, and its order lines (most of a big
 * org's memory as objects, read only to build the purchase log) are emptied once indexed, so they can be
 * collected while the rest is built instead of staying alive through the whole preparation.
 */
export type PrepareOwnership = { releaseLines?: boolean };

export function prepare(ds: Dataset, options?: ModelOptions, own?: PrepareOwnership): ModelContext {
  const logs = indexStage(ds, options, own);
  return fitStage(logs, accountStage(logs));
}

/**
 * prepare() with the item neighbourhoods computed by worker threads while this thread builds the account
 * features, segments, tuning sample and churn model, which do not need them. The neighbourhood settings are
 * known before tuning unless the tune searches them too (`tune: 'full'`); then, or if the tune changed them,
 * the fit computes them here as prepare() does. Same context either way.
 */
export async function prepareInWorkers(ds: Dataset, options: ModelOptions | undefined, workers: number, own?: PrepareOwnership): Promise<ModelContext> {
  const logs = indexStage(ds, options, own);
  const sim = logs.opts.tune === 'full' ? null : (logs.opts.params ?? DEFAULT_PARAMS).sim;
  let pending: Promise<ItemNeighbours> | null = null;
  if (sim) {
    const input = similarityInput(logs.ui, logs.ix.asOfDay, sim);
    pending = neighboursInWorkers(logs.ui, logs.iu, input.params, input.entryWeight, workers);
  }
  let accounts: Accounts;
  try {
    accounts = accountStage(logs);
  } catch (e) {
    pending?.catch(() => undefined); // the run failed here; a late worker error must not also crash the process
    throw e;
  }
  const waitStart = performance.now();
  const neighbours = pending ? await pending : null;
  const waited = performance.now() - waitStart;
  const ctx = fitStage(logs, accounts, neighbours && sim && simKey(sim) === simKey(accounts.params.sim) ? neighbours : undefined);
  ctx.timings.fit += Math.round(waited); // the part of the neighbourhoods this thread waited for
  return ctx;
}

type Timer = <T>(name: string, f: () => T) => T;
type Logs = { ds: Dataset; opts: ResolvedOptions; timings: Record<string, number>; cpuTimings: Record<string, number>; time: Timer; ix: IndexedDataset; ui: UserItems; iu: ItemUsers; orders: OrderTable };

/** Dense indices and the purchase log. */
function indexStage(ds: Dataset, options?: ModelOptions, own?: PrepareOwnership): Logs {
  countColumnsInHeapLimit();
  const opts = resolveOptions(options);
  const timings: Record<string, number> = {};
  const cpuTimings: Record<string, number> = {}; // process CPU (all threads, GC included): comparable under load
  const time: Timer = (name, f) => {
    const s = performance.now();
    const c = process.cpuUsage();
    const out = f();
    timings[name] = Math.round(performance.now() - s);
    const d = process.cpuUsage(c);
    cpuTimings[name] = Math.round((d.user + d.system) / 1000);
    return out;
  };
  const ix = time('index', () => indexDataset(ds));
  if (own?.releaseLines) ds.lines = [];
  const ui = time('userItems', () => buildUserItems(ix.log));
  const iu = transpose(ui);
  const orders = orderTable(ix.log);
  return { ds, opts, timings, cpuTimings, time, ix, ui, iu, orders };
}

type Accounts = { features: PurchaseFeatures; crm: CrmFeatures; breadth: Float64Array; seg: Segmentation; text: TextIndex; tuning: TuneResult | null; params: RecoParams; churn: ModelContext['churn'] };

/** Everything per account that the item neighbourhoods do not feed: features, segments, the tune and churn. */
function accountStage({ ds, opts, time, ix, ui, orders }: Logs): Accounts {
  const { asOfDay } = ix;
  const nUsers = ds.accounts.length;
  const features = time('features', () => purchaseFeatures(orders, nUsers, asOfDay));
  const crm = time('crmFeatures', () =>
    crmFeatures(
      nUsers,
      asOfDay,
      opportunityRows(ds, ix.accountIx),
      (function* activityRows() {
        for (const a of ds.activities) yield { user: ix.accountIx.get(a.accountId) ?? -1, kind: a.kind, day: dayNumber(a.date) };
      })(),
    ),
  );
  const breadth = new Float64Array(nUsers);
  for (let u = 0; u < nUsers; u++) breadth[u] = ui.ptr[u + 1] - ui.ptr[u];
  const seg = time('segments', () =>
    segmentAccounts(features, breadth, nUsers, {
      seed: opts.seed,
      currency: opts.currency ?? ds.currency ?? null,
      minK: opts.segmentK.min,
      maxK: opts.segmentK.max,
    }),
  );
  const groups = { of: seg.of, count: seg.segments.length };
  // Name, description and family: the cross-sell ranker's content signal (and its only one for unsold products).
  const text = time('text', () => buildTextIndex(ds.products.map((p) => `${p.name} ${p.description ?? ''}`), ds.products.map((p) => p.family)));
  const tuning = time('tune', () => {
    if (opts.tune === 'off') return null;
    const sample = sampleAccounts(ix.log, seg.of, opts.tuneSampleAccounts);
    return tuneReco(sample?.log ?? ix.log, asOfDay, {
      groups: sample ? { of: sample.groupOf, count: groups.count } : groups,
      start: opts.params,
      text,
      maxUsers: opts.tune === 'full' ? 5000 : 300,
      passes: opts.tune === 'full' ? 2 : 1,
      similarity: opts.tune === 'full', // 'fast' keeps the neighbourhood settings and tunes only the blend
    });
  });
  const params = tuning?.params ?? opts.params ?? DEFAULT_PARAMS;
  const churn = time('churn', () => fitChurn(orders, nUsers, asOfDay, { text: textTable(ds) }));
  return { features, crm, breadth, seg, text, tuning, params, churn };
}

/** The recommenders fitted with the chosen settings, and the business-rule state the lists read. */
function fitStage(logs: Logs, accounts: Accounts, neighbours?: ItemNeighbours): ModelContext {
  const { ds, opts, timings, cpuTimings, time, ix, ui, iu } = logs;
  const { features, crm, breadth, seg, text, tuning, params, churn } = accounts;
  const { asOfDay } = ix;
  const groups = { of: seg.of, count: seg.segments.length };
  const cache: FitCache | undefined = neighbours ? { sims: new Map([[simKey(params.sim), neighbours]]) } : undefined;
  const fit = time('fit', () => fitReco(ui, asOfDay, params, groups, cache, text));
  const productBlock = ds.products.map((p) => productRule(p, opts));
  const blocks: AccountBlocks = { openOpportunity: new Map(), dismissed: new Map() };
  const add = (m: Map<number, Set<number>>, u: number | undefined, i: number | undefined): void => {
    if (u === undefined || i === undefined) return;
    let s = m.get(u);
    if (!s) m.set(u, (s = new Set()));
    s.add(i);
  };
  for (const l of ix.openLines) add(blocks.openOpportunity, l.user, l.item);
  for (const f of ds.feedback) {
    if (f.status === 'Dismissed') add(blocks.dismissed, ix.accountIx.get(f.accountId), ix.productIx.get(f.productId));
  }
  const newProductsByFamily = new Map<string, number[]>();
  ds.products.forEach((p, i) => {
    if (!p.family || iu.ptr[i + 1] > iu.ptr[i] || productBlock[i] !== null) return;
    const list = newProductsByFamily.get(p.family) ?? [];
    list.push(i);
    newProductsByFamily.set(p.family, list);
  });
  const itemRevenue = new Float64Array(ui.nItems);
  const itemOrders = new Float64Array(ui.nItems);
  for (let e = 0; e < ui.items.length; e++) {
    itemRevenue[ui.items[e]] += ui.revenue[e];
    itemOrders[ui.items[e]] += ui.orders[e];
  }
  const itemLineValue = itemRevenue.map((r, i) => (itemOrders[i] > 0 ? r / itemOrders[i] : NaN));
  const families = ds.products.map((p) => p.family ?? null);
  const lists = listState({ families, productBlock, blocks });
  return { lists, itemLineValue, newProductsByFamily, families, ds, opts, ix, ui, iu, features, crm, breadth, seg, fit, tuning, productBlock, blocks, churn, timings, cpuTimings };
}

/** Opportunities as feature rows, one at a time (millions on a big org), parsing each distinct close date once. */
function* opportunityRows(ds: Dataset, accountIx: Map<string, number>): Generator<OpportunityRow> {
  const days = new Map<string, number>();
  for (const o of ds.opportunities) {
    let day = days.get(o.closeDate);
    if (day === undefined) days.set(o.closeDate, (day = dayNumber(o.closeDate)));
    yield { user: accountIx.get(o.accountId) ?? -1, isClosed: o.isClosed, isWon: o.isWon, amount: o.amount, day };
  }
}

/** The dataset's scored texts by account index and day, for the churn model; undefined without texts. */
function textTable(ds: Dataset): TextTable | undefined {
  if (!ds.texts?.length) return undefined;
  const index = new Map(ds.accounts.map((a, u) => [a.id, u]));
  const n = ds.texts.length;
  const t: TextTable = { user: new Int32Array(n), day: new Int32Array(n), score: new Float64Array(n), negativeCase: new Uint8Array(n) };
  ds.texts.forEach((e, i) => {
    t.user[i] = index.get(e.accountId) ?? -1;
    t.day[i] = dayNumber(e.date);
    t.score[i] = e.score;
    t.negativeCase[i] = e.negativeCase ? 1 : 0;
  });
  return t;
}
