import type { Connection } from '@salesforce/core';
import { DEFAULT_MINIMUMS } from '@reco/sync-server';

/** `atLeast`: `have` is a floor, not a count (the query stopped at GROUP_LIMIT groups). */
export type ReadinessCheck = { model: string; measure: string; have: number; atLeast: boolean; need: number; ready: boolean };

// Aggregate queries cost one API call each and never pull records, so the check stays cheap on large orgs.
// GROUP BY results are capped at 2,000 groups, far above any minimum: a capped count is reported as "2,000 or
// more", never as if the org had exactly 2,000.
export const GROUP_LIMIT = 2000;
type Count = { n: number; atLeast: boolean };

async function countRows(conn: Connection, soql: string): Promise<number> {
  return (await conn.query(soql)).totalSize;
}

async function countGroups(conn: Connection, soql: string): Promise<Count> {
  const n = (await conn.query(`${soql} LIMIT ${GROUP_LIMIT}`)).records.length;
  return { n, atLeast: n >= GROUP_LIMIT };
}

const exact = (n: number): Count => ({ n, atLeast: false });

async function aggregate(conn: Connection, soql: string): Promise<number> {
  const res = await conn.query<{ n?: number }>(soql);
  return Number(res.records[0]?.n ?? 0);
}

async function historyDays(conn: Connection): Promise<number> {
  const res = await conn.query<{ firstClose: string | null; lastClose: string | null }>(
    'SELECT MIN(CloseDate) firstClose, MAX(CloseDate) lastClose FROM Opportunity WHERE IsWon = true',
  );
  const row = res.records[0];
  if (!row?.firstClose || !row.lastClose) return 0;
  return Math.round((Date.parse(row.lastClose) - Date.parse(row.firstClose)) / 86_400_000);
}

/** "1,234", or "2,000+" when the query stopped at its limit. */
export const formatHave = (r: Pick<ReadinessCheck, 'have' | 'atLeast'>): string => `${r.have.toLocaleString('en-US')}${r.atLeast ? '+' : ''}`;

/** Compares the org's history with what each model needs (the same minimums the pipeline's clean stage uses). */
export async function checkDataReadiness(conn: Connection): Promise<ReadinessCheck[]> {
  const min = DEFAULT_MINIMUMS;
  const accounts = await aggregate(conn, 'SELECT COUNT_DISTINCT(AccountId) n FROM Opportunity WHERE IsWon = true AND HasOpportunityLineItem = true');
  const multiProduct = await countGroups(
    conn,
    'SELECT OpportunityId FROM OpportunityLineItem WHERE Opportunity.IsWon = true GROUP BY OpportunityId HAVING COUNT_DISTINCT(Product2Id) >= 2',
  );
  const products = await aggregate(conn, 'SELECT COUNT_DISTINCT(Product2Id) n FROM OpportunityLineItem WHERE Opportunity.IsWon = true');
  const repeat = await countGroups(conn, 'SELECT AccountId FROM Opportunity WHERE IsWon = true GROUP BY AccountId HAVING COUNT(Id) >= 2');
  const days = await historyDays(conn);
  const check = (model: string, measure: string, have: Count, need: number): ReadinessCheck => ({ model, measure, have: have.n, atLeast: have.atLeast, need, ready: have.n >= need });
  return [
    check('segmentation', 'accounts with won orders', exact(accounts), min.segmentation.accountsWithWonOrders),
    check('cross-sell', 'won orders with 2+ products', multiProduct, min.crossSell.multiProductOrders),
    check('cross-sell', 'products sold', exact(products), min.crossSell.products),
    check('buy-again', 'accounts with 2+ won orders', repeat, min.buyAgain.repeatAccounts),
    check('churn', 'days of won history', exact(days), min.churn.historyDays),
    check('churn', 'accounts with won orders', exact(accounts), min.churn.accountsWithWonOrders),
  ];
}

/** Activities only sharpen engagement features; their absence is a warning, never a blocker. */
export async function countActivities(conn: Connection): Promise<{ tasks: number; events: number }> {
  return {
    tasks: await countRows(conn, 'SELECT COUNT() FROM Task'),
    events: await countRows(conn, 'SELECT COUNT() FROM Event'),
  };
}
