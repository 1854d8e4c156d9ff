// Turns mirrored org records into the Dataset the models read, and says what it dropped or repaired and why:
// one rule per kind of problem, each with a count and example record Ids an admin can open in the org.
import type { DatabaseSync } from 'node:sqlite';
import type { Account, Activity, ActivityKind, Dataset, Feedback, LineItem, Opportunity, Product, RecommendationKind, RecommendationStatus } from '../domain/types.js';
import { orphanDismissals, repDecisions, type RawReaction } from '../domain/rep-decisions.js';
import { storedOrgCurrency } from '../mirror/org-currency.js';
import { readRecords } from '../mirror/records.js';
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

export function cleanMirror(db: DatabaseSync, opts: CleanOptions = {}): { dataset: Dataset; report: QualityReport } {
  const read = (o: string): Raw[] => readRecords<Raw>(db, o);
  return cleanRecords(
    {
      Account: read('Account'),
      Product2: read('Product2'),
      PricebookEntry: read('PricebookEntry'),
      Opportunity: read('Opportunity'),
      OpportunityLineItem: read('OpportunityLineItem'),
      Task: read('Task'),
      Event: read('Event'),
      Product_Recommendation__c: read('Product_Recommendation__c'),
      Recommendation_Reaction__c: read('Recommendation_Reaction__c'),
    },
    // The currency the extract read from the org, unless the caller says otherwise.
    { ...opts, currency: opts.currency ?? storedOrgCurrency(db) },
  );
}

export function cleanRecords(raw: Record<string, Raw[]>, opts: CleanOptions = {}): { dataset: Dataset; report: QualityReport } {
  const asOf = opts.asOf ?? new Date().toISOString();
  const rules = opts.nonProduct ?? DEFAULT_NON_PRODUCT_RULES;
  const log = new RuleLog(opts.examplesPerRule ?? 5);
  const input: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw)) input[k] = v.length;
  const byId = <T extends Raw>(rows: T[]): T[] => [...rows].sort((a, b) => (a.Id < b.Id ? -1 : a.Id > b.Id ? 1 : 0));

  const toCorporate = (amount: number, currency: unknown, object: string, id: string): number | null => {
    if (!opts.currency) return amount;
    const code = str(currency) ?? opts.currency.corporate;
    if (code === opts.currency.corporate) return amount;
    const rate = opts.currency.rates[code];
    if (rate === undefined) {
      log.hit('unknown-currency', 'dropped', object, id);
      return null;
    }
    log.hit('converted-currency', 'repaired', object, id);
    return amount * rate;
  };

  // Standard price book = the one most products have an entry in (Pricebook2 itself isn't extracted).
  const pbCount = new Map<string, number>();
  for (const e of raw.PricebookEntry ?? []) pbCount.set(String(e.Pricebook2Id), (pbCount.get(String(e.Pricebook2Id)) ?? 0) + 1);
  const standardPb = [...pbCount.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const listPrice = new Map<string, number>();
  for (const e of raw.PricebookEntry ?? []) {
    const p = num(e.UnitPrice);
    if (String(e.Pricebook2Id) === standardPb && p !== null) listPrice.set(String(e.Product2Id), toCorporate(p, e.CurrencyIsoCode, 'PricebookEntry', e.Id) ?? p);
  }

  // Products: one per ProductCode (duplicates are repaired to the lowest Id); fee/postage codes excluded.
  const products: Product[] = [];
  const canonical = new Map<string, string>(); // product id -> canonical product id
  const byCode = new Map<string, string>();
  const nonProduct = new Set<string>();
  for (const p of byId(raw.Product2 ?? [])) {
    const code = str(p.ProductCode);
    const family = str(p.Family);
    if (isNonProduct(rules, code, family)) {
      nonProduct.add(p.Id);
      log.hit('non-product', 'dropped', 'Product2', p.Id);
      continue;
    }
    const key = code?.trim().toLowerCase();
    if (key && byCode.has(key)) {
      canonical.set(p.Id, byCode.get(key) as string);
      log.hit('duplicate-product-code', 'repaired', 'Product2', p.Id);
      continue;
    }
    if (key) byCode.set(key, p.Id);
    canonical.set(p.Id, p.Id);
    products.push({
      id: p.Id,
      code,
      name: str(p.Name) ?? code ?? p.Id,
      family,
      description: str(p.Description),
      isActive: p.IsActive === true,
      listPrice: listPrice.get(p.Id) ?? null,
    });
  }

  const accountIds = new Set((raw.Account ?? []).map((a) => a.Id));
  const opportunities = new Map<string, Opportunity>();
  for (const o of byId(raw.Opportunity ?? [])) {
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

  const lines: LineItem[] = [];
  const seenLine = new Set<string>();
  for (const l of byId(raw.OpportunityLineItem ?? [])) {
    const opp = opportunities.get(String(l.OpportunityId));
    const productId = str(l.Product2Id);
    if (productId && nonProduct.has(productId)) {
      log.hit('non-product-line', 'dropped', 'OpportunityLineItem', l.Id);
      continue;
    }
    const canon = productId ? canonical.get(productId) : undefined;
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

  // Accounts with no (remaining) opportunity carry nothing to learn from.
  const withHistory = new Set([...opportunities.values()].map((o) => o.accountId));
  const accounts: Account[] = [];
  const names = new Map<string, string>();
  for (const a of byId(raw.Account ?? [])) {
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
  const keptAccounts = new Set(accounts.map((a) => a.id));

  const activities: Activity[] = [];
  for (const source of ['Task', 'Event'] as const) {
    for (const t of byId(raw[source] ?? [])) {
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

  // Reps' decisions: their reactions (newest wins), else a status a rep set on the recommendation itself.
  const recommendations = byId(raw.Product_Recommendation__c ?? []);
  const reactions = byId(raw.Recommendation_Reaction__c ?? []) as RawReaction[];
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

  const dataset: Dataset = { asOf, accounts, products, opportunities: [...opportunities.values()], lines, activities, feedback };
  // Amounts are in the corporate currency from here on, so that is the currency the words use.
  if (opts.currency) dataset.currency = opts.currency.corporate;
  const readiness = assessReadiness(dataset, opts.minimums ?? DEFAULT_MINIMUMS);
  return {
    dataset,
    report: {
      asOf,
      input,
      output: { accounts: accounts.length, products: products.length, opportunities: opportunities.size, lines: lines.length, activities: activities.length, feedback: feedback.length },
      rules: log.results(),
      readiness,
      ready: readiness.every((r) => r.ready),
    },
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
