// What the fault campaign compares: Reco's objects in the org, read through the API as an admin would.
// The hash covers what must converge whatever happened during a run (recommendations' content and status,
// insights, segments), keyed by external ids and with lookups to Reco's own records named by their keys,
// never by record Id, run id or timestamp (those differ between runs by design). Recommendations of accounts
// a rep reacted to are left out of the comparison with the fault-free run (a dismissal rightly changes that
// account's list); the reps' decisions are checked on their own, record by record.
import { createHash } from 'node:crypto';
import type { Connection } from 'jsforce';

export type RecRow = {
  Id: string; External_Id__c: string; Account__c: string | null; Product__c: string | null; Kind__c: string; Rank__c: number; Score__c: number;
  Confidence__c: string; Reason__c: string; Evidence__c: string; Expected_Revenue__c: number | null; Opportunity__c: string | null;
  Status__c: string | null; Dismiss_Reason__c: string | null; Run__c: string | null;
};
export type InsightRow = {
  Id: string; External_Id__c: string; Account__c: string | null; Segment__c: string | null; Previous_Segment__c: string | null; Segment_Changed_On__c: string | null;
  Lifecycle_Stage__c: string; Recency_Days__c: number; Frequency__c: number; Monetary__c: number; Average_Order_Value__c: number; Engagement_Score__c: number;
  Churn_Risk__c: number | null; Holdout__c: boolean; Signals__c: string; Run__c: string | null;
};
export type SegmentRow = { Id: string; Key__c: string; Name: string; Description__c: string | null; Account_Count__c: number; Profile__c: string | null; Active__c: boolean; Run__c: string | null };
export type RunRow = { Id: string; External_Id__c: string; Status__c: string; Error__c: string | null; Summary__c: string | null };
export type ReactionRow = {
  Id: string; Recommendation__c: string | null; Account__c: string | null; Product__c: string | null; Reaction__c: string; Dismiss_Reason__c: string | null;
  CreatedById: string; LastModifiedById: string;
};

export type OrgState = {
  recs: RecRow[];
  insights: InsightRow[];
  segments: SegmentRow[];
  runs: RunRow[];
  reactions: ReactionRow[];
  accountIds: Set<string>;
  productIds: Set<string>;
};

async function all<T>(conn: Connection, soql: string): Promise<T[]> {
  return (await conn.query<Record<string, unknown>>(soql, { autoFetch: true, maxFetch: 10_000_000 })).records.map((r) => {
    const { attributes: _a, ...rest } = r;
    return rest as T;
  });
}

export async function readOrgState(conn: Connection): Promise<OrgState> {
  const [recs, insights, segments, runs, reactions, accounts, products] = await Promise.all([
    all<RecRow>(conn, 'SELECT Id, External_Id__c, Account__c, Product__c, Kind__c, Rank__c, Score__c, Confidence__c, Reason__c, Evidence__c, Expected_Revenue__c, Opportunity__c, Status__c, Dismiss_Reason__c, Run__c FROM Product_Recommendation__c'),
    all<InsightRow>(conn, 'SELECT Id, External_Id__c, Account__c, Segment__c, Previous_Segment__c, Segment_Changed_On__c, Lifecycle_Stage__c, Recency_Days__c, Frequency__c, Monetary__c, Average_Order_Value__c, Engagement_Score__c, Churn_Risk__c, Holdout__c, Signals__c, Run__c FROM Account_Insight__c'),
    all<SegmentRow>(conn, 'SELECT Id, Key__c, Name, Description__c, Account_Count__c, Profile__c, Active__c, Run__c FROM Customer_Segment__c'),
    all<RunRow>(conn, 'SELECT Id, External_Id__c, Status__c, Error__c, Summary__c FROM Reco_Run__c'),
    all<ReactionRow>(conn, 'SELECT Id, Recommendation__c, Account__c, Product__c, Reaction__c, Dismiss_Reason__c, CreatedById, LastModifiedById FROM Recommendation_Reaction__c'),
    all<{ Id: string }>(conn, 'SELECT Id FROM Account'),
    all<{ Id: string }>(conn, 'SELECT Id FROM Product2'),
  ]);
  return { recs, insights, segments, runs, reactions, accountIds: new Set(accounts.map((a) => a.Id)), productIds: new Set(products.map((p) => p.Id)) };
}

const v = (x: unknown): string => (x === null || x === undefined ? '' : typeof x === 'string' ? x : JSON.stringify(x));

/** One line per record of what must converge; `skipAccounts`: accounts whose recommendations are compared elsewhere. */
export function convergingLines(s: OrgState, skipAccounts: ReadonlySet<string> = new Set()): string[] {
  const segKey = new Map(s.segments.map((g) => [g.Id, g.Key__c]));
  const seg = (id: string | null): string => (id === null ? '' : segKey.get(id) ?? `missing:${id}`);
  const lines: string[] = [];
  for (const r of s.recs) {
    if (r.Account__c && skipAccounts.has(r.Account__c)) continue;
    lines.push(['R', r.External_Id__c, r.Account__c, r.Product__c, r.Kind__c, r.Rank__c, r.Score__c, r.Confidence__c, r.Reason__c, r.Evidence__c, r.Expected_Revenue__c, r.Opportunity__c, r.Status__c, r.Dismiss_Reason__c].map(v).join('|'));
  }
  for (const i of s.insights) {
    lines.push(['I', i.External_Id__c, i.Account__c, seg(i.Segment__c), seg(i.Previous_Segment__c), i.Segment_Changed_On__c, i.Lifecycle_Stage__c, i.Recency_Days__c, i.Frequency__c, i.Monetary__c,
      i.Average_Order_Value__c, i.Engagement_Score__c, i.Churn_Risk__c, i.Holdout__c, i.Signals__c].map(v).join('|'));
  }
  for (const g of s.segments) lines.push(['S', g.Key__c, g.Name, g.Description__c, g.Account_Count__c, g.Profile__c, g.Active__c].map(v).join('|'));
  return lines.sort();
}

export function stateHash(lines: string[]): string {
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}

/** Lines only in `a` and only in `b` (at most `max` of each), to say what diverged. */
export function lineDiff(a: string[], b: string[], max = 5): { onlyA: string[]; onlyB: string[]; count: number } {
  const sa = new Set(a);
  const sb = new Set(b);
  const onlyA = a.filter((l) => !sb.has(l));
  const onlyB = b.filter((l) => !sa.has(l));
  return { onlyA: onlyA.slice(0, max), onlyB: onlyB.slice(0, max), count: onlyA.length + onlyB.length };
}

/** Records of the same thing twice: (account, product, kind) recommendations, insights per account, segments per key, runs per id. */
export function duplicates(s: OrgState): string[] {
  const out: string[] = [];
  const dup = (what: string, keys: Array<string | null>): void => {
    const seen = new Map<string, number>();
    for (const k of keys) if (k !== null) seen.set(k.toLowerCase(), (seen.get(k.toLowerCase()) ?? 0) + 1);
    for (const [k, n] of seen) if (n > 1) out.push(`${what} ${k} x${n}`);
  };
  dup('recommendation', s.recs.map((r) => `${r.Account__c}/${r.Product__c}/${r.Kind__c}`));
  dup('recommendation external id', s.recs.map((r) => r.External_Id__c));
  dup('insight for account', s.insights.map((i) => i.Account__c));
  dup('segment', s.segments.map((g) => g.Key__c));
  dup('run', s.runs.map((r) => r.External_Id__c));
  return out;
}

/** Records pointing at what the org does not have: a missing run, account, product, segment or recommendation. */
export function orphans(s: OrgState): string[] {
  const out: string[] = [];
  const runs = new Set(s.runs.map((r) => r.Id));
  const segs = new Set(s.segments.map((g) => g.Id));
  const recs = new Set(s.recs.map((r) => r.Id));
  const check = (what: string, id: string, field: string, value: string | null, known: Set<string>, required = false): void => {
    if (value === null ? required : !known.has(value)) out.push(`${what} ${id}: ${field} ${value ?? 'empty'}`);
  };
  for (const r of s.recs) {
    check('recommendation', r.External_Id__c, 'Account__c', r.Account__c, s.accountIds, true);
    check('recommendation', r.External_Id__c, 'Product__c', r.Product__c, s.productIds, true);
    check('recommendation', r.External_Id__c, 'Run__c', r.Run__c, runs);
  }
  for (const i of s.insights) {
    check('insight', i.External_Id__c, 'Account__c', i.Account__c, s.accountIds, true);
    check('insight', i.External_Id__c, 'Segment__c', i.Segment__c, segs);
    check('insight', i.External_Id__c, 'Previous_Segment__c', i.Previous_Segment__c, segs);
    check('insight', i.External_Id__c, 'Run__c', i.Run__c, runs);
  }
  for (const g of s.segments) check('segment', g.Key__c, 'Run__c', g.Run__c, runs);
  for (const x of s.reactions) check('reaction', x.Id, 'Recommendation__c', x.Recommendation__c, recs);
  return out;
}

/** Runs the org still shows as in progress once every sync has ended. */
export function stuckRuns(s: OrgState): string[] {
  return s.runs.filter((r) => r.Status__c === 'Running').map((r) => r.External_Id__c);
}

export type Decision = { recommendationId: string; accountId: string; productId: string; reaction: 'Accepted' | 'Dismissed'; reason: string | null };

/**
 * Decisions the org does not show as the rep made them (`decisions` in the order they were made, so the
 * last one per recommendation is the rep's current decision): the recommendation must carry it; a dismissed
 * product must not be recommended (New) to that account again; the rep's reactions must be as they created them.
 */
export function lostDecisions(s: OrgState, decisions: Decision[], repUserId: string): string[] {
  const latest = new Map<string, Decision>();
  for (const d of decisions) latest.set(d.recommendationId, d);
  const byId = new Map(s.recs.map((r) => [r.Id, r]));
  const out: string[] = [];
  for (const d of latest.values()) {
    const r = byId.get(d.recommendationId);
    if (!r) {
      out.push(`${d.recommendationId}: rep ${d.reaction}, recommendation gone`);
      continue;
    }
    if (r.Status__c !== d.reaction || (r.Dismiss_Reason__c ?? null) !== d.reason) out.push(`${r.External_Id__c}: rep ${d.reaction}${d.reason ? ` (${d.reason})` : ''}, org ${r.Status__c}${r.Dismiss_Reason__c ? ` (${r.Dismiss_Reason__c})` : ''}`);
    if (d.reaction === 'Dismissed') {
      for (const o of s.recs) {
        if (o.Id !== r.Id && o.Account__c === d.accountId && o.Product__c === d.productId && o.Status__c === 'New') out.push(`${o.External_Id__c}: recommended again after the rep dismissed ${r.External_Id__c}`);
      }
    }
  }
  const mine = s.reactions.filter((x) => x.CreatedById === repUserId);
  if (mine.length !== decisions.length) out.push(`the org holds ${mine.length} of the rep's ${decisions.length} reactions`);
  for (const x of mine) if (x.LastModifiedById !== repUserId) out.push(`reaction ${x.Id} was modified by ${x.LastModifiedById}`);
  return out;
}
