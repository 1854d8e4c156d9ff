// Customer text on its way into the mirror: each page of a text object (Case, CaseComment, EmailMessage, Task,
// Event) is scored into reco_text_score — only texts whose content or SystemModstamp changed — and the text
// fields are dropped before the page is stored, so no body is ever written to Reco's database.
import type { Sql } from '../lib/sql.js';
import { ensureTextScoreTable, rescoreChanged, type RescoreStats, type TextRecord } from '../text/index.js';
import type { SourceObject } from './objects.js';

const ACCOUNT_PREFIX = '001';

async function caseAccount(sql: Sql, caseId: string): Promise<string | null> {
  const account = sql.dialect === 'postgres' ? "data::jsonb ->> 'AccountId'" : "json_extract(data, '$.AccountId')";
  const row = await sql.get<{ a: string | null }>(`SELECT ${account} AS a FROM records WHERE object = 'Case' AND id = ?`, [caseId]);
  return row?.a ?? null;
}

function str(v: unknown): string | null {
  return v === null || v === undefined || v === '' ? null : String(v);
}

/** Scores the page's texts, then returns the records without their text fields. */
export async function scoreAndStripText(
  sql: Sql,
  src: SourceObject,
  records: Array<Record<string, unknown>>,
  excerptChars?: Record<string, number>,
): Promise<{ records: Array<Record<string, unknown>>; stats: RescoreStats }> {
  const spec = src.text;
  if (!spec) return { records, stats: { scored: 0, unchanged: 0, deleted: 0 } };
  const live: TextRecord[] = [];
  const deletedIds: string[] = [];
  for (const r of records) {
    const id = String(r.Id);
    // An agent's reply ("we are sorry for the trouble") is not what the customer says; a score it may have
    // from before (an email first saved as inbound) goes like a deleted record's.
    const outbound = spec.inbound !== undefined && (r[spec.inbound] === false || r[spec.inbound] === 'false');
    if (r.IsDeleted === true || r.IsDeleted === 'true' || outbound) {
      deletedIds.push(id);
      continue;
    }
    let accountId = spec.account ? str(r[spec.account]) : null;
    const parent = spec.parent ? str(r[spec.parent]) : null;
    if (!accountId && parent) accountId = await caseAccount(sql, parent);
    const related = spec.related ? str(r[spec.related]) : null;
    if (!accountId && related?.startsWith(ACCOUNT_PREFIX)) accountId = related;
    live.push({
      id,
      object: src.name,
      accountId,
      date: str(r[spec.date]) ?? str(r.CreatedDate) ?? String(r.SystemModstamp),
      systemModstamp: String(r.SystemModstamp),
      parts: spec.parts.map((p) => str(r[p])),
      isClosed: spec.closed ? r[spec.closed] === true || r[spec.closed] === 'true' : undefined,
    });
  }
  const stats = await rescoreChanged(sql, live, { excerptChars, deletedIds });
  const drop = new Set(spec.parts);
  const stripped = records.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !drop.has(k))));
  return { records: stripped, stats };
}

/** After a full load's sweep: forget the scores of records the mirror no longer has. */
export async function dropOrphanTextScores(sql: Sql, object: string): Promise<number> {
  await ensureTextScoreTable(sql);
  const ids = (await sql.all<{ id: string }>('SELECT id FROM reco_text_score WHERE object = ? AND id NOT IN (SELECT id FROM records WHERE object = ?)', [object, object])).map((r) => r.id);
  return (await rescoreChanged(sql, [], { deletedIds: ids })).deleted;
}
