// What the coordinator publishes for the partitioned model step, and how a worker rebuilds a context from it.
// Shared: everything fitted on the whole org that the per-account work reads by product or by segment (item
// neighbourhoods, popularity, ranker signals, buy-again stats, calibration and tuned settings, segments, the
// churn model, products and rule state), a few tens of MB whatever the number of accounts. Per partition: its
// accounts' own rows (purchase history, features, segment, blocks, previous insight), renumbered from 0 so the
// unchanged list code runs on them; a worker holds the shared part and one partition, never the whole org.
import { createRequire } from 'node:module';
import type { Account, Product, Segment } from '../domain/types.js';
import type { ModelContext } from '../models/context.js';
import type { PreviousInsight, PreviousInsights } from '../models/run-models.js';
import type { ResolvedOptions } from '../models/options.js';
import type { CrmFeatures, PurchaseFeatures } from '../features/features.js';
import type { UserItems } from '../recommend/purchase-log.js';
import type { ItemNeighbours } from '../recommend/item-similarity.js';
import type { Popularity } from '../recommend/popularity.js';
import type { RankerSignals } from '../recommend/cross-sell.js';
import type { BuyAgainStats } from '../recommend/buy-again.js';
import type { RecoParams } from '../recommend/fit.js';
import type { AccountBlocks, RuleName } from '../recommend/business-rules.js';
import type { ChurnModel, ChurnReport, TextFeatures } from '../churn/churn.js';
import type { Segmentation } from '../segments/segment.js';

export type SharedArtifact = {
  /** Reco's version: a run's results are reused by a later run only when made by the same code (queue.ts). */
  reco: string;
  asOf: string;
  asOfDay: number;
  opts: ResolvedOptions;
  params: RecoParams;
  neighbours: ItemNeighbours;
  pop: Popularity;
  signals: RankerSignals;
  buyAgain: BuyAgainStats;
  products: Product[];
  families: (string | null)[];
  productBlock: (RuleName | null)[];
  newProductsByFamily: Map<string, number[]>;
  iuPtr: Int32Array; // buyers per product: iuPtr[i + 1] - iuPtr[i]
  itemLineValue: Float64Array;
  segments: Segment[];
  segmentMetrics: Segmentation['metrics'];
  churn: { model: Omit<ChurnModel, 'textNow'> | null; report: ChurnReport };
};

export type PartitionInput = {
  first: number;
  end: number;
  /** What the per-account part reads of an account: the whole record was twice these bytes, and half the input's packing time. */
  accounts: Pick<Account, 'id' | 'createdDate'>[];
  ui: UserItems;
  segOf: Int32Array;
  features: PurchaseFeatures;
  crm: CrmFeatures;
  breadth: Float64Array;
  textNow: TextFeatures | null; // the churn model's per-account text features, when it reads texts
  blocks: AccountBlocks;
  previous: (PreviousInsight | null)[] | null;
};

const RECO_VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

export function sharedArtifact(ctx: ModelContext): SharedArtifact {
  const { fit } = ctx;
  const model = ctx.churn.model;
  let churnModel: Omit<ChurnModel, 'textNow'> | null = null;
  if (model) {
    const { textNow: _perAccount, ...whole } = model;
    churnModel = whole;
  }
  return {
    reco: RECO_VERSION,
    asOf: ctx.ds.asOf,
    asOfDay: fit.asOfDay,
    opts: ctx.opts,
    params: fit.params,
    neighbours: fit.neighbours,
    pop: fit.pop,
    signals: fit.signals,
    buyAgain: fit.buyAgain,
    products: ctx.ds.products,
    families: ctx.families,
    productBlock: ctx.productBlock,
    newProductsByFamily: ctx.newProductsByFamily,
    iuPtr: ctx.iu.ptr,
    itemLineValue: ctx.itemLineValue,
    segments: ctx.seg.segments,
    segmentMetrics: ctx.seg.metrics,
    churn: { model: churnModel, report: ctx.churn.report },
  };
}

/**
 * Accounts [first, end) of the context, renumbered from 0. `take: 'copy'` copies the columns, so the input may
 * outlive the context (a subarray would keep the whole org alive); `'view'` shares them where no renumbering is
 * needed, for an input that is packed at once and dropped: the coordinator then copies each column once, into
 * the blob, instead of twice.
 */
export function partitionInput(ctx: ModelContext, first: number, end: number, previous?: PreviousInsights, take: Take = 'copy'): PartitionInput {
  const cut = cutter(take);
  const cutAll = <T extends object>(cols: T): T => Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, cut(v as Float64Array, first, end)])) as T;
  const accounts: PartitionInput['accounts'] = new Array(end - first);
  for (let u = first; u < end; u++) accounts[u - first] = { id: ctx.ds.accounts[u].id, createdDate: ctx.ds.accounts[u].createdDate };
  const textNow = ctx.churn.model?.textNow ? cutAll(ctx.churn.model.textNow) : null;
  const blocks: AccountBlocks = { openOpportunity: new Map(), dismissed: new Map() };
  for (const key of ['openOpportunity', 'dismissed'] as const) {
    for (const [u, items] of ctx.blocks[key]) if (u >= first && u < end) blocks[key].set(u - first, items);
  }
  return {
    first,
    end,
    accounts,
    ui: sliceUserItems(ctx.ui, first, end, take),
    segOf: cut(ctx.seg.of, first, end),
    features: cutAll(ctx.features),
    crm: cutAll(ctx.crm),
    breadth: cut(ctx.breadth, first, end),
    textNow,
    blocks,
    previous: previous ? accounts.map((a) => previous.insights.get(a.id) ?? null) : null,
  };
}

type Take = 'copy' | 'view';
type Column = Int32Array | Float64Array;

function cutter(take: Take): <T extends Column>(a: T, first: number, end: number) => T {
  return take === 'view' ? (a, first, end) => a.subarray(first, end) as typeof a : (a, first, end) => a.slice(first, end) as typeof a;
}

/** Users [first, end) of a purchase history, with their entries and days renumbered to start at 0 (those two always copied). */
export function sliceUserItems(ui: UserItems, first: number, end: number, take: Take = 'copy'): UserItems {
  const cut = cutter(take);
  const e0 = ui.ptr[first];
  const e1 = ui.ptr[end];
  const d0 = ui.dayPtr[e0];
  const d1 = ui.dayPtr[e1];
  const ptr = ui.ptr.slice(first, end + 1);
  for (let k = 0; k < ptr.length; k++) ptr[k] -= e0;
  const dayPtr = ui.dayPtr.slice(e0, e1 + 1);
  for (let k = 0; k < dayPtr.length; k++) dayPtr[k] -= d0;
  return {
    nUsers: end - first,
    nItems: ui.nItems,
    ptr,
    items: cut(ui.items, e0, e1),
    orders: cut(ui.orders, e0, e1),
    firstDay: cut(ui.firstDay, e0, e1),
    lastDay: cut(ui.lastDay, e0, e1),
    revenue: cut(ui.revenue, e0, e1),
    dayPtr,
    days: cut(ui.days, d0, d1),
    userOrders: cut(ui.userOrders, first, end),
    userLastDay: cut(ui.userLastDay, first, end),
    userFirstDay: cut(ui.userFirstDay, first, end),
    userRevenue: cut(ui.userRevenue, first, end),
  };
}
