// Line items as attribution reads them from the mirror. A line's day is the earlier of its CreatedDate and its
// opportunity's CloseDate: in a live org a line is created when the deal is worked, so CreatedDate is the day
// it happened; a line loaded or replayed later (an import, local-org's replay) carries the real sale day only
// in CloseDate, and a CreatedDate of the load day would put every such sale outside the window.
import type { Sql } from '../lib/sql.js';
import type { AttributableLine } from './attribution.js';
import { readRecords } from '../mirror/records.js';

type OppRow = { Id: string; AccountId: string | null; IsWon: boolean | string | null; CloseDate: string | null };
type LineRow = { Id: string; OpportunityId: string | null; Product2Id: string | null; TotalPrice: number | string | null; CreatedDate?: string | null };

export async function linesFromMirror(sql: Sql): Promise<AttributableLine[]> {
  const opps = new Map((await readRecords<OppRow>(sql, 'Opportunity')).map((o) => [o.Id, o]));
  const out: AttributableLine[] = [];
  for (const l of await readRecords<LineRow>(sql, 'OpportunityLineItem')) {
    const o = l.OpportunityId ? opps.get(l.OpportunityId) : undefined;
    if (!o?.AccountId || !l.Product2Id) continue;
    const days = [l.CreatedDate?.slice(0, 10), o.CloseDate?.slice(0, 10)].filter((d): d is string => Boolean(d)).sort();
    if (days.length === 0) continue;
    const amount = Number(l.TotalPrice ?? 0);
    out.push({
      id: l.Id,
      opportunityId: o.Id,
      accountId: o.AccountId,
      productId: l.Product2Id,
      on: days[0],
      amount: Number.isFinite(amount) ? amount : 0,
      won: o.IsWon === true || o.IsWon === 'true',
    });
  }
  return out;
}
