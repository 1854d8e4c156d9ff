// Cases with REAL customer-service text: the BANKING77 test queries (CC BY 4.0, PolyAI; see
// ../shared/data/text/banking77-test.md), attached to accounts so the record page has words to read.
// The assignment is deliberately uninformative: each account draws its number of cases, which queries and
// when, from its own seeded stream, independent of how it buys or whether it churns. The text and its
// intent are real; which account wrote it is not, and no link to churn is invented (a demo model that
// found text predicts churn here would be fitting noise, and evaluate would show it).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { SfRecord } from '../types.js';
import type { CustomerAgg } from './dataset.js';
import { hashSeed, rng } from './prng.js';
import { DAY_MS } from './dates.js';

export type CaseQuery = { text: string; intent: string };

/** Intent → Case Reason, by the product area each BANKING77 intent is about. */
export function caseReason(intent: string): string {
  const i = intent.toLowerCase();
  if (/refund|reverted/.test(i)) return 'Refund';
  if (/exchange|currenc|fiat/.test(i)) return 'Exchange rate';
  if (/charge|fee/.test(i)) return 'Fees and charges';
  if (/top_up|topping_up/.test(i)) return 'Top-up';
  if (/transfer|receiving_money|beneficiary/.test(i)) return 'Transfer';
  if (/cash|atm/.test(i)) return 'Cash withdrawal';
  if (/verify|identity|source_of_funds/.test(i)) return 'Identity verification';
  if (/pin|passcode|compromised|lost_or_stolen|swallowed/.test(i)) return 'Card security';
  if (/terminate|edit_personal|age_limit/.test(i)) return 'Account';
  if (/card|apple_pay|contactless|visa|payment/.test(i)) return 'Card';
  return 'Other';
}

/** Reads a `text,label` CSV (.csv or .csv.gz): the shape of banking77-test.csv.gz. */
export function readCaseQueries(file: string): CaseQuery[] {
  const raw = readFileSync(file);
  const body = file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  const rows: CaseQuery[] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      record.push(field);
      field = '';
      if (record.length === 2 && record[0] !== '') rows.push({ text: record[0], intent: record[1] });
      else if (record.length !== 1 || record[0] !== '') throw new Error(`${file}: record ${rows.length + 2} has ${record.length} fields, expected text,label`);
      record = [];
    } else field += c;
  }
  if (field || record.length) {
    record.push(field);
    if (record.length === 2) rows.push({ text: record[0], intent: record[1] });
  }
  if (rows[0]?.text === 'text' && rows[0].intent === 'label') rows.shift();
  if (rows.length === 0) throw new Error(`${file}: no cases in it`);
  return rows;
}

export type PlannedCase = { atMs: number; query: CaseQuery; origin: string };

/** 0-3 cases per account (mean about 1), dated between its first order and the end of the data. */
export function planAccountCases(customer: CustomerAgg, queries: readonly CaseQuery[], dataEndMs: number, seed: number): PlannedCase[] {
  const r = rng(hashSeed(seed ^ 0x5ca5e, customer.id));
  const first = customer.invoices[0]?.atMs;
  if (first === undefined || dataEndMs <= first) return [];
  const n = r.pick([0, 0, 1, 1, 1, 2, 2, 3]);
  const out: PlannedCase[] = [];
  for (let k = 0; k < n; k++) {
    const atMs = first + Math.floor(r.next() * (dataEndMs - first));
    out.push({ atMs, query: r.pick(queries), origin: r.pick(['Email', 'Web', 'Phone']) });
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

/** The Case record: closed a few days after it was opened unless it is still recent. */
export function caseRecord(c: PlannedCase, accountId: string, shiftedMs: number, nowMs: number, toDateTime: (ms: number) => string): SfRecord {
  const ageDays = (nowMs - shiftedMs) / DAY_MS;
  const subject = c.query.text.length > 80 ? `${c.query.text.slice(0, 77)}...` : c.query.text;
  return {
    AccountId: accountId,
    Subject: subject,
    Description: c.query.text,
    Reason: caseReason(c.query.intent),
    Origin: c.origin,
    Priority: /lost|stolen|compromised|fraud|not_recognised/.test(c.query.intent) ? 'High' : 'Medium',
    Status: ageDays > 14 ? 'Closed' : ageDays > 3 ? 'Working' : 'New',
    CreatedDate: toDateTime(shiftedMs),
  };
}
