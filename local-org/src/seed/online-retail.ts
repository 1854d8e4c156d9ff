// Seeds an org from the UCI Online Retail file: customers -> Accounts, stock codes -> Product2 with a
// standard PricebookEntry, invoices -> Opportunities (C... cancellations Closed Lost) with line items, plus
// SYNTHETIC Tasks/Events (see activities.ts). Dates move forward by whole weeks so the newest invoice is
// recent (see dates.ts). With asOf, later invoices wait in private pending tables for replay.ts.
//
// Everything is written in one transaction: a failed seed leaves the org as it was. Records are backdated
// with CreatedDate only (the store sets LastModifiedDate to it); SystemModstamp is the seed time, and
// opportunities get LastModifiedDate = seed time from the Amount roll-up, as a real org would stamp them.
import type { OrgStore, SfRecord } from '../types.js';
import { loadRetailData, type CustomerAgg, type Invoice, type Skipped } from './dataset.js';
import { accountName, accountRecord, lineItemRecord, listPrice, opportunityRecord, productRecord } from './records.js';
import { activityRecord, planAccountActivities } from './activities.js';
import { caseRecord, planAccountCases, readCaseQueries } from './cases.js';
import { DAY_MS, dateShiftWeeks, parseDayOption, shiftMs, toSfDate, toSfDateTime } from './dates.js';
import { hasPendingTables, pendingWriter } from './pending.js';
import { BACKDATED, insertAll, standardPricebookId } from './write.js';

/** The currency the UCI Online Retail file's prices are in (a UK retailer). */
export const ONLINE_RETAIL_CURRENCY = 'GBP';

export type SeedProgress = { stage: string; done: number; total?: number };

export type SeedOptions = {
  file: string;
  /** YYYY-MM-DD in the org's (shifted) calendar: load only invoices and activities before this day. */
  asOf?: string;
  onProgress?: (e: SeedProgress) => void;
  /** Seed of the synthetic activity generator (default 1). */
  seed?: number;
  /** A `text,label` CSV of real support queries (banking77-test.csv.gz) to open as Cases on the accounts. */
  cases?: string;
};

export type SeedReport = {
  accounts: number;
  products: number;
  pricebookEntries: number;
  opportunities: { won: number; lost: number };
  lineItems: number;
  tasks: number; // SYNTHETIC
  events: number; // SYNTHETIC
  cases: number; // real text, accounts assigned at random (cases.ts)
  pendingInvoices: number;
  skipped: Skipped;
  dateShiftWeeks: number;
  lastInvoiceDate: string; // shifted, YYYY-MM-DD
  elapsedMs: number;
  notes: string[];
};

// Large DML calls: the store caches the rows it reads (price book entries) and rolls up once per call.
const INVOICE_BATCH = 4000;
const RECORD_BATCH = 5000;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function withoutAudit(rec: SfRecord): SfRecord {
  const { CreatedDate: _c, ...rest } = rec;
  return rest;
}

function assertEmptyOrg(store: OrgStore): void {
  const count = (store.db.prepare(`SELECT COUNT(*) AS n FROM Opportunity WHERE IsDeleted = 0`).get() as { n: number }).n;
  if (hasPendingTables(store.db) || count > 0) {
    throw new Error('the org already has data (opportunities or a previous seed); seed into a new --db file');
  }
}

export async function seedOnlineRetail(store: OrgStore, opts: SeedOptions): Promise<SeedReport> {
  const started = Date.now();
  const progress = opts.onProgress ?? (() => undefined);
  const seed = opts.seed ?? 1;
  const asOfMs = opts.asOf === undefined ? Infinity : parseDayOption('asOf', opts.asOf);
  assertEmptyOrg(store);

  progress({ stage: 'read', done: 0 });
  const caseQueries = opts.cases ? readCaseQueries(opts.cases) : undefined;
  const data = await loadRetailData(opts.file);
  progress({ stage: 'read', done: data.rows, total: data.rows });

  const weeks = dateShiftWeeks(toSfDate(data.lastSourceMs), store.now());
  const at = (sourceMs: number): number => shiftMs(sourceMs, weeks);
  const isLoaded = (sourceMs: number): boolean => at(sourceMs) < asOfMs;
  const report: SeedReport = {
    accounts: 0, products: 0, pricebookEntries: 0, opportunities: { won: 0, lost: 0 }, lineItems: 0, tasks: 0, events: 0, cases: 0,
    pendingInvoices: 0, skipped: data.skipped, dateShiftWeeks: weeks, lastInvoiceDate: toSfDate(at(data.lastSourceMs)),
    elapsedMs: 0,
    notes: [
      'Tasks and Events are SYNTHETIC (seeded PRNG shaped by each account\'s buying); the source data has no activities.',
      `All dates moved forward by ${weeks} whole weeks (weekdays preserved); source times are UK local, read as UTC.`,
      ...data.malformed.map((m) => `skipped malformed row: ${m}`),
      ...data.outliers.map((m) => `skipped date outlier: ${m}`),
    ],
  };

  store.transaction(() => {
    const pricebookId = standardPricebookId(store.db);
    const pending = pendingWriter(store.db);
    pending.meta('dateShiftWeeks', String(weeks));
    pending.meta('seed', String(seed));
    if (opts.asOf) pending.meta('asOf', opts.asOf);

    // The catalogue predates the first order, so products are backdated to the day before it.
    const catalogueAt = toSfDateTime(at(data.firstSourceMs) - DAY_MS);
    const products = [...data.products.values()];
    const entryByCode = new Map<string, string>();
    for (const batch of chunks(products, RECORD_BATCH)) {
      const productIds = insertAll(store, 'Product2', batch.map((p) => ({ ...productRecord(p), CreatedDate: catalogueAt })), BACKDATED, (i) => `stock code ${batch[i].code} (first on CSV line ${batch[i].firstLine})`);
      const entries = batch.map((p, i) => ({ Pricebook2Id: pricebookId, Product2Id: productIds[i], UnitPrice: listPrice(p), IsActive: true, CreatedDate: catalogueAt }));
      const entryIds = insertAll(store, 'PricebookEntry', entries, BACKDATED, (i) => `price of stock code ${batch[i].code} (first on CSV line ${batch[i].firstLine})`);
      batch.forEach((p, i) => entryByCode.set(p.code, entryIds[i]));
      report.products += batch.length;
      report.pricebookEntries += batch.length;
      progress({ stage: 'products', done: report.products, total: products.length });
    }

    // Accounts in customer-number order, so names (and their rare collision suffixes) are stable.
    const customers = [...data.customers.values()].sort((a, b) => Number(a.id) - Number(b.id) || (a.id < b.id ? -1 : 1));
    const taken = new Set<string>();
    const accountIds = new Map<string, string>();
    const toLoad: CustomerAgg[] = [];
    const toLoadRecords: SfRecord[] = [];
    for (const c of customers) {
      const rec = accountRecord(c, accountName(c.id, taken), weeks);
      if (isLoaded(c.invoices[0].atMs)) {
        toLoad.push(c);
        toLoadRecords.push(rec);
      } else {
        pending.account(c.id, withoutAudit(rec)); // created by replay, when its first invoice arrives
      }
    }
    for (let i = 0; i < toLoad.length; i += RECORD_BATCH) {
      const batch = toLoad.slice(i, i + RECORD_BATCH);
      const ids = insertAll(store, 'Account', toLoadRecords.slice(i, i + RECORD_BATCH), BACKDATED, (j) => `customer ${batch[j].id}`);
      batch.forEach((c, j) => accountIds.set(c.id, ids[j]));
      report.accounts += batch.length;
      progress({ stage: 'accounts', done: report.accounts, total: toLoad.length });
    }

    // Invoices: an opportunity batch, then all of its line items (backdated to the invoice time).
    const opportunityIds = new Map<string, string>();
    const pendingInvoices = new Set<string>();
    let done = 0;
    for (const batch of chunks(data.invoices, INVOICE_BATCH)) {
      const loaded: Invoice[] = [];
      for (const inv of batch) {
        if (isLoaded(inv.atMs)) {
          loaded.push(inv);
          continue;
        }
        pendingInvoices.add(inv.invoiceNo);
        const when = toSfDateTime(at(inv.atMs));
        for (const l of inv.lines) {
          pending.line({ at: when, invoiceNo: inv.invoiceNo, customerId: inv.customerId, cancelled: inv.cancelled, stockCode: l.stockCode, quantity: l.quantity, unitPrice: l.unitPrice, sourceLine: l.line });
        }
      }
      const opps = loaded.map((inv) => opportunityRecord(inv, at(inv.atMs), accountIds.get(inv.customerId) as string, pricebookId, true));
      const oppIds = insertAll(store, 'Opportunity', opps, BACKDATED, (i) => `invoice ${loaded[i].invoiceNo} (CSV line ${loaded[i].lines[0].line})`);
      const items: SfRecord[] = [];
      const itemLines: number[] = [];
      loaded.forEach((inv, i) => {
        opportunityIds.set(inv.invoiceNo, oppIds[i]);
        if (inv.cancelled) report.opportunities.lost += 1;
        else report.opportunities.won += 1;
        const created = opps[i].CreatedDate as string;
        for (const l of inv.lines) {
          items.push(lineItemRecord(l, oppIds[i], entryByCode.get(l.stockCode) as string, created));
          itemLines.push(l.line);
        }
      });
      insertAll(store, 'OpportunityLineItem', items, BACKDATED, (j) => `CSV line ${itemLines[j]}`);
      report.lineItems += items.length;
      done += batch.length;
      progress({ stage: 'invoices', done, total: data.invoices.length });
    }
    report.pendingInvoices = pendingInvoices.size;

    // SYNTHETIC activities, per account, in time order.
    const tasks: SfRecord[] = [];
    const events: SfRecord[] = [];
    for (const c of customers) {
      for (const a of planAccountActivities(c, data.lastSourceMs, seed)) {
        const shifted = at(a.atMs);
        const whatId = a.invoiceNo ? opportunityIds.get(a.invoiceNo) : accountIds.get(c.id);
        if (shifted < asOfMs && whatId) {
          const { object, record } = activityRecord(a, whatId, shifted, true);
          (object === 'Task' ? tasks : events).push(record);
        } else {
          const { object, record } = activityRecord(a, '', shifted, false);
          const { WhatId: _w, ...fields } = record;
          pending.activity({ at: toSfDateTime(shifted), customerId: c.id, invoiceNo: a.invoiceNo, object, fields });
        }
      }
    }
    for (const [object, records] of [['Task', tasks], ['Event', events]] as const) {
      for (let i = 0; i < records.length; i += RECORD_BATCH) {
        insertAll(store, object, records.slice(i, i + RECORD_BATCH), BACKDATED, (j) => `synthetic ${object} #${i + j + 1}`);
        progress({ stage: 'activities', done: Math.min(i + RECORD_BATCH, records.length), total: records.length });
      }
    }
    report.tasks = tasks.length;
    report.events = events.length;

    // Cases with real support text (cases.ts): on random accounts and days, so they carry no churn signal.
    if (caseQueries) {
      const cases: SfRecord[] = [];
      const nowMs = store.now().getTime();
      for (const c of customers) {
        const accountId = accountIds.get(c.id);
        if (!accountId) continue;
        for (const planned of planAccountCases(c, caseQueries, data.lastSourceMs, seed)) {
          const shifted = at(planned.atMs);
          // Cases after --as-of are not kept for replay: replay adds orders and activities, not service history.
          if (shifted < asOfMs) cases.push(caseRecord(planned, accountId, shifted, Math.min(nowMs, asOfMs), toSfDateTime));
        }
      }
      for (let i = 0; i < cases.length; i += RECORD_BATCH) {
        insertAll(store, 'Case', cases.slice(i, i + RECORD_BATCH), BACKDATED, (j) => `case #${i + j + 1}`);
      }
      report.cases = cases.length;
      report.notes.push(`${cases.length} Cases carry real BANKING77 queries (CC BY 4.0) on accounts and days drawn at random: their text is real, their link to any account's buying or churn is not.`);
    }
  });

  report.elapsedMs = Date.now() - started;
  progress({ stage: 'done', done: 1, total: 1 });
  return report;
}
