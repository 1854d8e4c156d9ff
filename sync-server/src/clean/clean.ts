// Turns mirrored org records into the Dataset the models read, and says what it dropped or repaired and why:
// one rule per kind of problem, each with a count and example record Ids an admin can open in the org.
import type { Account, Activity, ActivityKind, Dataset, Feedback, LineItem, Opportunity, Product, RecommendationKind, RecommendationStatus } from '../domain/types.js';
import { orphanDismissals, repDecisions, type RawReaction } from '../domain/rep-decisions.js';
import { storedOrgCurrency } from '../mirror/org-currency.js';
import { readRecords } from '../mirror/records.js';
import type { Sql } from '../lib/sql.js';
import { DEFAULT_MINIMUMS, DEFAULT_NON_PRODUCT_RULES, isNonProduct, type ModelMinimums, type NonProductRules } from './rules.js';

export type CleanOptions = {
  asOf?: string;
  nonProduct?: NonProductRules;
  minimums?: ModelMinimums;
  /** Corporate currency and conversion rates (1 unit of key = rate corporate units). Absent: single-currency org. */
  currency?: { corporate: string; rates: Record<string, number> };
  examplesPerRule?: number;
};

export type RuleResult = { rule: string; action: 'dropped' | 'repaired' | 'flagged'; object: string; count: number; examples: string[] };
export type Readiness = { model: string; ready: boolean; detail: string };
export type QualityReport = {
  asOf: string;
  input: Record<string, number>;
  output: { accounts: number; products: number; opportunities: number; lines: number; activities: number; feedback: number };
  rules: RuleResult[];
  readiness: Readiness[];
  ready: boolean;
};

type Raw = Record<string, unknown> & { Id: string };

class RuleLog {
  private readonly map = new Map<string, RuleResult>();
  public constructor(private readonly examples: number) {}
  public hit(rule: string, action: RuleResult['action'], object: string, id: string): void {
    let r = this.map.get(rule);
    if (!r) this.map.set(rule, (r = { rule, action, object, count: 0, examples: [] }));
    r.count += 1;
    if (r.examples.length < this.examples) r.examples.push(id);
  }
  public results(): RuleResult[] {
    return [...this.map.values()];
  }
}

const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v));

/** Any Salesforce date or datetime shape to YYYY-MM-DD; null when unparseable. */
export function toIsoDate(v: unknown): string | null {
  const s = str(v);
  if (!s) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return s;
  const t = Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(t) ? null : new Date(t).toISOString().slice(0, 10);
}

export function toIsoDateTime(v: unknown): string | null {
  const s = str(v);
  if (!s) return null;
  const t = Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function activityKind(subtype: string | null, type: string | null, source: 'Task' | 'Event'): ActivityKind {
  const k = `${subtype ?? ''} ${type ?? ''}`.toLowerCase();
  if (k.includes('call')) return 'call';
  if (k.includes('email')) return 'email';
  if (source === 'Event' || k.includes('meeting')) return 'meeting';
  return 'other';
}

const CLEANED_OBJECTS = ['Account', 'Product2', 'PricebookEntry', 'Opportunity', 'OpportunityLineItem', 'Task', 'Event', 'Product_Recommendation__c', 'Recommendation_Reaction__c'];

type Cleaned = { dataset: Dataset; report: QualityReport };

/** The mirror as the models' Dataset, in the org's currency as the extract stored it (unless given). */
export async function cleanMirror(sql: Sql, opts: CleanOptions = {}): Promise<Cleaned> {
  const raw: Record<string, Raw[]> = {};
  for (const object of CLEANED_OBJECTS) raw[object] = await readRecords<Raw>(sql, object);
  return cleanRecords(raw, { ...opts, currency: opts.currency ?? (await storedOrgCurrency(sql)) });
}

export function cleanRecords(raw: Record<string, Raw[]>, opts: CleanOptions = {}): { dataset: Dataset; report: QualityReport } {
  const asOf = opts.asOf ?? new Date().toISOString();
  const log = new RuleLog(opts.examplesPerRule ?? 5);
  const toCorporate = corporateConverter(opts.currency, log);
  // The steps run in this order because each keeps only what the one before it kept (lines need kept
  // opportunities and products, accounts need a kept opportunity), and the report lists rules as first hit.
  const catalogue = cleanProducts(raw, opts.nonProduct ?? DEFAULT_NON_PRODUCT_RULES, standardListPrices(raw, toCorporate), log);
  const opportunities = cleanOpportunities(raw, toCorporate, log);
  const lines = cleanLines(raw, opportunities, catalogue, toCorporate, log);
  const accounts = cleanAccounts(raw, opportunities, asOf, log);
  const activities = cleanActivities(raw, new Set(accounts.map((a) => a.id)), log);
  const feedback = cleanFeedback(raw, catalogue.canonical, log);

  const dataset: Dataset = { asOf, accounts, products: catalogue.products, opportunities: [...opportunities.values()], lines, activities, feedback };
  // Amounts are in the corporate currency from here on, so that is the currency the words use.
  if (opts.currency) dataset.currency = opts.currency.corporate;
  return { dataset, report: qualityReport(raw, dataset, log, opts.minimums ?? DEFAULT_MINIMUMS) };
}

type ToCorporate = (amount: number, currency: unknown, object: string, id: string) => number | null;

/** Converts an amount to the corporate currency; null (and a dropped record) for a currency without a rate. */
function corporateConverter(currency: CleanOptions['currency'], log: RuleLog): ToCorporate {
  return (amount, code, object, id) => {
    if (!currency) return amount;
    const from = str(code) ?? currency.corporate;
    if (from === currency.corporate) return amount;
    const rate = currency.rates[from];
    if (rate === undefined) {
      log.hit('unknown-currency', 'dropped', object, id);
      return null;
    }
    log.hit('converted-currency', 'repaired', object, id);
    return amount * rate;
  };
}

const sortedById = <T extends Raw>(rows: T[] | undefined): T[] => [...(rows ?? [])].sort((a, b) => (a.Id < b.Id ? -1 : a.Id > b.Id ? 1 : 0));

/** List prices from the standard price book: the one most products have an entry in (Pricebook2 itself isn't extracted). */
function standardListPrices(raw: Record<string, Raw[]>, toCorporate: ToCorporate): Map<string, number> {
  const pbCount = new Map<string, number>();
  for (const e of raw.PricebookEntry ?? []) pbCount.set(String(e.Pricebook2Id), (pbCount.get(String(e.Pricebook2Id)) ?? 0) + 1);
  const standardPb = [...pbCount.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const listPrice = new Map<string, number>();
  for (const e of raw.PricebookEntry ?? []) {
    const p = num(e.UnitPrice);
    if (String(e.Pricebook2Id) === standardPb && p !== null) listPrice.set(String(e.Product2Id), toCorporate(p, e.CurrencyIsoCode, 'PricebookEntry', e.Id) ?? p);
  }
  return listPrice;
}

type Catalogue = {
  products: Product[];
  /** Product id -> the product it counts as (itself, or the lowest Id sharing its ProductCode). */
  canonical: Map<string, string>;
  /** Fee and postage products: their lines are dropped too. */
  nonProduct: Set<string>;
};

/** One product per ProductCode (duplicates are repaired to the lowest Id); fee/postage codes excluded. */
function cleanProducts(raw: Record<string, Raw[]>, rules: NonProductRules, listPrice: Map<string, number>, log: RuleLog): Catalogue {
  const catalogue: Catalogue = { products: [], canonical: new Map(), nonProduct: new Set() };
  const byCode = new Map<string, string>();
  for (const p of sortedById(raw.Product2)) {
    const code = str(p.ProductCode);
    const family = str(p.Family);
    if (isNonProduct(rules, code, family)) {
      catalogue.nonProduct.add(p.Id);
      log.hit('non-product', 'dropped', 'Product2', p.Id);
      continue;
    }
    const key = code?.trim().toLowerCase();
    if (key && byCode.has(key)) {
      catalogue.canonical.set(p.Id, byCode.get(key) as string);
      log.hit('duplicate-product-code', 'repaired', 'Product2', p.Id);
      continue;
    }
    if (key) byCode.set(key, p.Id);
    catalogue.canonical.set(p.Id, p.Id);
    catalogue.products.push({
      id: p.Id,
      code,
      name: str(p.Name) ?? code ?? p.Id,
      family,
      description: str(p.Description),
      isActive: p.IsActive === true,
      listPrice: listPrice.get(p.Id) ?? null,
    });
  }
  return catalogue;
}

/** Opportunities of a mirrored account with a readable close date, amounts in the corporate currency. */
function cleanOpportunities(raw: Record<string, Raw[]>, toCorporate: ToCorporate, log: RuleLog): Map<string, Opportunity> {
  const accountIds = new Set((raw.Account ?? []).map((a) => a.Id));
  const opportunities = new Map<string, Opportunity>();
  for (const o of sortedById(raw.Opportunity)) {
    const accountId = str(o.AccountId);
    if (!accountId || !accountIds.has(accountId)) {
      log.hit('orphan-opportunity', 'dropped', 'Opportunity', o.Id);
      continue;
    }
    const closeDate = toIsoDate(o.CloseDate);
    if (!closeDate) {
      log.hit('bad-close-date', 'dropped', 'Opportunity', o.Id);
      continue;
    }
    const amount = num(o.Amount);
    opportunities.set(o.Id, {
      id: o.Id,
      accountId,
      name: str(o.Name) ?? o.Id,
      stageName: str(o.StageName) ?? '',
      isWon: o.IsWon === true,
      isClosed: o.IsClosed === true,
      closeDate,
      amount: amount === null ? null : toCorporate(amount, o.CurrencyIsoCode, 'Opportunity', o.Id),
      createdDate: toIsoDateTime(o.CreatedDate) ?? `${closeDate}T00:00:00.000Z`,
    });
  }
  return opportunities;
}

/** Lines of kept opportunities and real products, on the canonical product, without exact duplicates. */
function cleanLines(raw: Record<string, Raw[]>, opportunities: Map<string, Opportunity>, catalogue: Catalogue, toCorporate: ToCorporate, log: RuleLog): LineItem[] {
  const lines: LineItem[] = [];
  const seenLine = new Set<string>();
  for (const l of sortedById(raw.OpportunityLineItem)) {
    const opp = opportunities.get(String(l.OpportunityId));
    const productId = str(l.Product2Id);
    if (productId && catalogue.nonProduct.has(productId)) {
      log.hit('non-product-line', 'dropped', 'OpportunityLineItem', l.Id);
      continue;
    }
    const canon = productId ? catalogue.canonical.get(productId) : undefined;
    if (!opp || !canon) {
      log.hit('orphan-line', 'dropped', 'OpportunityLineItem', l.Id);
      continue;
    }
    const quantity = num(l.Quantity);
    const unitPriceRaw = num(l.UnitPrice);
    if (quantity === null || unitPriceRaw === null || quantity <= 0 || unitPriceRaw <= 0) {
      log.hit('non-positive-quantity-or-price', 'dropped', 'OpportunityLineItem', l.Id);
      continue;
    }
    const unitPrice = toCorporate(unitPriceRaw, l.CurrencyIsoCode, 'OpportunityLineItem', l.Id);
    if (unitPrice === null) continue;
    const dupKey = `${opp.id}|${canon}|${quantity}|${unitPrice}`;
    if (seenLine.has(dupKey)) {
      log.hit('duplicate-line', 'dropped', 'OpportunityLineItem', l.Id);
      continue;
    }
    seenLine.add(dupKey);
    if (canon !== productId) log.hit('line-to-canonical-product', 'repaired', 'OpportunityLineItem', l.Id);
    lines.push({
      id: l.Id,
      opportunityId: opp.id,
      accountId: opp.accountId,
      productId: canon,
      quantity,
      unitPrice,
      totalPrice: Math.round(quantity * unitPrice * 100) / 100,
      closeDate: opp.closeDate,
      isWon: opp.isWon,
      isClosed: opp.isClosed,
    });
  }
  return lines;
}

/** Accounts with a kept opportunity (the others carry nothing to learn from); duplicate names are flagged. */
function cleanAccounts(raw: Record<string, Raw[]>, opportunities: Map<string, Opportunity>, asOf: string, log: RuleLog): Account[] {
  const withHistory = new Set([...opportunities.values()].map((o) => o.accountId));
  const accounts: Account[] = [];
  const names = new Map<string, string>();
  for (const a of sortedById(raw.Account)) {
    if (!withHistory.has(a.Id)) {
      log.hit('account-without-history', 'dropped', 'Account', a.Id);
      continue;
    }
    const name = str(a.Name) ?? a.Id;
    const nk = name.trim().toLowerCase();
    if (names.has(nk)) log.hit('duplicate-account-name', 'flagged', 'Account', a.Id);
    else names.set(nk, a.Id);
    accounts.push({
      id: a.Id,
      name,
      country: str(a.BillingCountry),
      industry: str(a.Industry),
      createdDate: toIsoDateTime(a.CreatedDate) ?? asOf,
    });
  }
  return accounts;
}

/** Tasks and events of kept accounts that have a date. */
function cleanActivities(raw: Record<string, Raw[]>, keptAccounts: Set<string>, log: RuleLog): Activity[] {
  const activities: Activity[] = [];
  for (const source of ['Task', 'Event'] as const) {
    for (const t of sortedById(raw[source])) {
      const accountId = str(t.AccountId);
      const date = toIsoDate(t.ActivityDate) ?? toIsoDate(t.StartDateTime) ?? toIsoDate(t.CreatedDate);
      if (!accountId || !keptAccounts.has(accountId)) {
        log.hit('activity-without-account', 'dropped', source, t.Id);
        continue;
      }
      if (!date) {
        log.hit('bad-activity-date', 'dropped', source, t.Id);
        continue;
      }
      activities.push({ id: t.Id, accountId, kind: activityKind(str(t.TaskSubtype ?? t.EventSubtype), str(t.Type), source), date, source });
    }
  }
  return activities;
}

/** Reps' decisions: their reactions (newest wins), else a status a rep set on the recommendation itself. */
function cleanFeedback(raw: Record<string, Raw[]>, canonical: Map<string, string>, log: RuleLog): Feedback[] {
  const recommendations = sortedById(raw.Product_Recommendation__c);
  const reactions = sortedById(raw.Recommendation_Reaction__c) as RawReaction[];
  const decisions = repDecisions(recommendations, reactions);
  const feedback: Feedback[] = [];
  for (const r of recommendations) {
    const kind = str(r.Kind__c) as RecommendationKind | null;
    const decision = decisions.get(r.Id);
    const status = (decision?.status ?? str(r.Status__c) ?? 'New') as RecommendationStatus;
    if (!kind || !str(r.Account__c) || !str(r.Product__c)) {
      log.hit('incomplete-recommendation', 'flagged', 'Product_Recommendation__c', r.Id);
      continue;
    }
    feedback.push({
      recommendationId: r.Id,
      externalId: str(r.External_Id__c) ?? '',
      accountId: String(r.Account__c),
      productId: canonical.get(String(r.Product__c)) ?? String(r.Product__c),
      kind,
      status,
      dismissReason: decision ? decision.dismissReason : str(r.Dismiss_Reason__c),
    });
  }
  // A dismissal outlives its recommendation record: the reaction names the account and product itself.
  for (const d of orphanDismissals(reactions, new Set(recommendations.map((r) => r.Id)))) {
    feedback.push({
      recommendationId: d.reactionId,
      externalId: '',
      accountId: d.accountId,
      productId: canonical.get(d.productId) ?? d.productId,
      kind: null,
      status: 'Dismissed',
      dismissReason: d.reason,
    });
  }
  return feedback;
}

function qualityReport(raw: Record<string, Raw[]>, d: Dataset, log: RuleLog, minimums: ModelMinimums): QualityReport {
  const input: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw)) input[k] = v.length;
  const readiness = assessReadiness(d, minimums);
  return {
    asOf: d.asOf,
    input,
    output: { accounts: d.accounts.length, products: d.products.length, opportunities: d.opportunities.length, lines: d.lines.length, activities: d.activities.length, feedback: d.feedback.length },
    rules: log.results(),
    readiness,
    ready: readiness.every((r) => r.ready),
  };
}

export function assessReadiness(d: Dataset, min: ModelMinimums): Readiness[] {
  const wonLines = d.lines.filter((l) => l.isWon);
  const wonOrdersByAccount = new Map<string, Set<string>>();
  const productsByOrder = new Map<string, Set<string>>();
  for (const l of wonLines) {
    let s = wonOrdersByAccount.get(l.accountId);
    if (!s) wonOrdersByAccount.set(l.accountId, (s = new Set()));
    s.add(l.opportunityId);
    let p = productsByOrder.get(l.opportunityId);
    if (!p) productsByOrder.set(l.opportunityId, (p = new Set()));
    p.add(l.productId);
  }
  const accountsWithWon = wonOrdersByAccount.size;
  const repeat = [...wonOrdersByAccount.values()].filter((s) => s.size >= 2).length;
  const multi = [...productsByOrder.values()].filter((s) => s.size >= 2).length;
  const soldProducts = new Set(wonLines.map((l) => l.productId)).size;
  const dates = wonLines.map((l) => l.closeDate).sort();
  const historyDays = dates.length ? Math.round((Date.parse(dates[dates.length - 1]) - Date.parse(dates[0])) / 86_400_000) : 0;
  const check = (model: string, parts: Array<[string, number, number]>): Readiness => {
    const missing = parts.filter(([, have, need]) => have < need);
    return {
      model,
      ready: missing.length === 0,
      detail: parts.map(([what, have, need]) => `${what} ${have}/${need}`).join(', '),
    };
  };
  return [
    check('segmentation', [['accounts with won orders', accountsWithWon, min.segmentation.accountsWithWonOrders]]),
    check('cross-sell', [
      ['won orders with 2+ products', multi, min.crossSell.multiProductOrders],
      ['products sold', soldProducts, min.crossSell.products],
    ]),
    check('buy-again', [['accounts with 2+ won orders', repeat, min.buyAgain.repeatAccounts]]),
    check('churn', [
      ['days of history', historyDays, min.churn.historyDays],
      ['accounts with won orders', accountsWithWon, min.churn.accountsWithWonOrders],
    ]),
  ];
}
