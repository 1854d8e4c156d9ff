// Plays invoices that a seed with asOf held back, in date order, through the NORMAL write path: plain
// store.insert without audit-field overrides, so CreatedDate, LastModifiedDate and SystemModstamp are the
// store's now(), Amount rolls up as for any new line item, and an incremental sync watermarking on
// SystemModstamp finds exactly the replayed records. The opportunity's CloseDate keeps the invoice date.
// Accounts whose first invoice is replayed are created then; synthetic activities dated up to the last
// replayed invoice go in too. Each call is one transaction that also removes what it played from the
// pending tables, so a replay is never applied twice, even from another process on the same --db file.
//
// Housekeeping (off by default, `housekeeping: true` turns it on): a replay that plays at least one invoice
// also deletes the oldest Closed Lost opportunity (a cancellation) that the seed loaded, as a user tidying
// up would. Its line items go with it. That gives an incremental sync a real deletion to pick up
// (IsDeleted / queryAll / getDeleted), next to the inserts. The source data is not changed by it.
import type { OrgStore, SfRecord } from '../types.js';
import { ensurePendingTables, hasPendingTables } from './pending.js';
import { parseDayOption, toSfDateTime } from './dates.js';
import { lineItemRecord, opportunityRecord } from './records.js';
import { LIVE, accountsByNumber, entriesByProductCode, insertAll, standardPricebookId } from './write.js';

export type ReplayOptions = {
  /** YYYY-MM-DD (shifted calendar), exclusive: replay everything dated before this day. */
  until?: string;
  /** Replay at most this many invoices. Without until and count, everything pending is replayed. */
  count?: number;
  /** Also delete one old cancelled opportunity per replay (default false); see the note above. */
  housekeeping?: boolean;
};

export type ReplayReport = {
  invoices: number;
  opportunities: number;
  lineItems: number;
  accounts: number;
  tasks: number;
  events: number;
  deleted: string[]; // names of opportunities housekeeping deleted
  remaining: number; // invoices still pending
  until?: string;
};

type LineRow = { seq: number; at: string; invoice_no: string; customer_id: string; cancelled: number; stock_code: string; quantity: number; unit_price: number; source_line: number };
type ActivityRow = { seq: number; at: string; customer_id: string; invoice_no: string | null; object: 'Task' | 'Event'; fields: string };

export function replayInvoices(store: OrgStore, opts: ReplayOptions = {}): ReplayReport {
  if (opts.count !== undefined && (!Number.isInteger(opts.count) || opts.count < 0)) {
    throw new RangeError(`count must be a non-negative integer, got ${opts.count}`);
  }
  const untilText = opts.until === undefined ? undefined : toSfDateTime(parseDayOption('until', opts.until));
  const report: ReplayReport = { invoices: 0, opportunities: 0, lineItems: 0, accounts: 0, tasks: 0, events: 0, deleted: [], remaining: 0 };
  if (opts.until !== undefined) report.until = opts.until;
  const db = store.db;
  if (!hasPendingTables(db)) return report; // nothing was ever held back
  ensurePendingTables(db); // adds indexes a file seeded by an older version may lack

  return store.transaction(() => {
    // Which invoices: date order, then invoice number; optionally before `until`, at most `count`.
    // One extra row tells whether `count` cut the list short (then activities stop at the last invoice played).
    const found = db
      .prepare(
        `SELECT invoice_no, MIN(at) AS at FROM _pending_invoice_lines ${untilText ? 'WHERE at < ?' : ''}
         GROUP BY invoice_no ORDER BY at, invoice_no ${opts.count !== undefined ? 'LIMIT ?' : ''}`,
      )
      .all(...([untilText, opts.count === undefined ? undefined : opts.count + 1].filter((v) => v !== undefined) as Array<string | number>)) as Array<{ invoice_no: string; at: string }>;
    const limited = opts.count !== undefined && found.length > opts.count;
    const invoices = limited ? found.slice(0, opts.count) : found;
    const totalPending = (db.prepare(`SELECT COUNT(DISTINCT invoice_no) AS n FROM _pending_invoice_lines`).get() as { n: number }).n;

    // Activities up to the last replayed invoice (all before `until`; everything when nothing limits it).
    const activityCutoff = limited ? (invoices.length > 0 ? invoices[invoices.length - 1].at : '') : (untilText ?? '\uffff');
    const activities = db
      .prepare(`SELECT * FROM _pending_activities WHERE at ${limited ? '<=' : '<'} ? ORDER BY at, seq`)
      .all(activityCutoff) as ActivityRow[];

    const pricebookId = standardPricebookId(db);
    const entries = entriesByProductCode(db, pricebookId);
    const accounts = accountsByNumber(db);
    const linesOf = db.prepare(`SELECT * FROM _pending_invoice_lines WHERE invoice_no = ? ORDER BY seq`);
    const pendingAccount = db.prepare(`SELECT fields FROM _pending_accounts WHERE customer_id = ?`);
    const dropLines = db.prepare(`DELETE FROM _pending_invoice_lines WHERE invoice_no = ?`);
    const dropAccount = db.prepare(`DELETE FROM _pending_accounts WHERE customer_id = ?`);
    const dropActivity = db.prepare(`DELETE FROM _pending_activities WHERE seq = ?`);
    const oppByName = db.prepare(`SELECT Id FROM Opportunity WHERE Name = ? AND IsDeleted = 0 LIMIT 1`);
    const replayedOpps = new Map<string, string>(); // Opportunity.Name has no index; most follow-ups are for these

    const ensureAccount = (customerId: string, why: string): string => {
      const existing = accounts.get(customerId);
      if (existing) return existing;
      const row = pendingAccount.get(customerId) as { fields: string } | undefined;
      if (!row) throw new Error(`replay: no account for customer ${customerId} (${why})`);
      const [id] = insertAll(store, 'Account', [JSON.parse(row.fields) as SfRecord], LIVE, () => `customer ${customerId}`);
      dropAccount.run(customerId);
      accounts.set(customerId, id);
      report.accounts += 1;
      return id;
    };

    const playInvoice = (invoiceNo: string): void => {
      const lines = linesOf.all(invoiceNo) as LineRow[];
      const first = lines[0];
      const acct = ensureAccount(first.customer_id, `invoice ${invoiceNo}`);
      const opp = opportunityRecord({ invoiceNo, cancelled: first.cancelled === 1 }, Date.parse(first.at), acct, pricebookId, false);
      const [oppId] = insertAll(store, 'Opportunity', [opp], LIVE, () => `invoice ${invoiceNo} (CSV line ${first.source_line})`);
      const items = lines.map((l) => {
        const entry = entries.get(l.stock_code);
        if (!entry) throw new Error(`replay: no price book entry for stock code ${l.stock_code} (CSV line ${l.source_line})`);
        return lineItemRecord({ quantity: l.quantity, unitPrice: l.unit_price }, oppId, entry, null);
      });
      insertAll(store, 'OpportunityLineItem', items, LIVE, (i) => `CSV line ${lines[i].source_line}`);
      replayedOpps.set(invoiceNo, oppId);
      dropLines.run(invoiceNo);
      report.invoices += 1;
      report.opportunities += 1;
      report.lineItems += items.length;
    };

    const playActivity = (a: ActivityRow): void => {
      const opp = a.invoice_no
        ? (replayedOpps.get(a.invoice_no) ?? (oppByName.get(`Invoice ${a.invoice_no}`) as { Id: string } | undefined)?.Id)
        : undefined;
      const whatId = opp ?? ensureAccount(a.customer_id, `synthetic ${a.object}`);
      insertAll(store, a.object, [{ ...(JSON.parse(a.fields) as SfRecord), WhatId: whatId }], LIVE, () => `synthetic ${a.object} ${a.seq}`);
      dropActivity.run(a.seq);
      if (a.object === 'Task') report.tasks += 1;
      else report.events += 1;
    };

    // Merge both streams by time; an invoice goes before an activity at the same instant.
    let ai = 0;
    for (const inv of invoices) {
      while (ai < activities.length && activities[ai].at < inv.at) playActivity(activities[ai++]);
      playInvoice(inv.invoice_no);
    }
    while (ai < activities.length) playActivity(activities[ai++]);

    if (report.invoices > 0 && opts.housekeeping === true) {
      // Seeded records were backdated; replayed ones carry the store's now, so CreatedDate tells them apart.
      const stale = db
        .prepare(`SELECT Id, Name FROM Opportunity WHERE StageName = 'Closed Lost' AND IsDeleted = 0 ORDER BY CreatedDate, Id LIMIT 1`)
        .get() as { Id: string; Name: string } | undefined;
      if (stale) {
        const [result] = store.delete([stale.Id], LIVE);
        if (!result.success) throw new Error(`replay housekeeping: delete ${stale.Name} failed: ${result.errors.map((e) => e.message).join('; ')}`);
        report.deleted.push(stale.Name);
      }
    }

    report.remaining = totalPending - report.invoices;
    return report;
  });
}
