// Measures the seeder's load shape through OrgStore.insert: accounts, products with standard price
// book entries, opportunities, then line items in batches (default 400k across 20k opportunities).
// Run: npx tsx local-org/src/store/bench-insert.ts [lineItems] [opportunities] [file]
import type { SfRecord } from '../types.js';
import { openOrgStore } from './org-store.js';

const lineItems = Number(process.argv[2] ?? 400_000);
const opportunities = Number(process.argv[3] ?? 20_000);
const file = process.argv[4] ?? ':memory:';
const BATCH = 10_000;

function must(results: { id: string | null; success: boolean; errors: unknown[] }[]): string[] {
  const bad = results.find((r) => !r.success);
  if (bad) throw new Error(`insert failed: ${JSON.stringify(bad.errors)}`);
  return results.map((r) => r.id!);
}

/** Wall and CPU time: on a shared machine CPU time is the figure that does not depend on the neighbours. */
function timed<T>(label: string, fn: () => T): T {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const out = fn();
  const used = process.cpuUsage(cpu);
  console.log(`${label}: ${((performance.now() - t) / 1000).toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s cpu`);
  return out;
}

const store = openOrgStore({ file });
const total = performance.now();
const totalCpu = process.cpuUsage();
const accounts = timed('4,400 accounts', () => must(store.insert('Account', Array.from({ length: 4400 }, (_, i): SfRecord => ({ Name: `Customer ${i}`, BillingCountry: 'United Kingdom' })))));
const products = timed('3,900 products', () => must(store.insert('Product2', Array.from({ length: 3900 }, (_, i): SfRecord => ({ Name: `Product ${i}`, ProductCode: `P${i}`, IsActive: true })))));
const entries = timed('3,900 price book entries', () =>
  must(store.insert('PricebookEntry', products.map((p, i): SfRecord => ({ Pricebook2Id: store.identity.standardPricebookId, Product2Id: p, UnitPrice: 1 + (i % 50), IsActive: true })))),
);
const opps = timed(`${opportunities.toLocaleString()} opportunities`, () =>
  must(store.insert('Opportunity', Array.from({ length: opportunities }, (_, i): SfRecord => ({ Name: `Invoice ${i}`, StageName: 'Closed Won', CloseDate: '2011-05-01', AccountId: accounts[i % accounts.length], CreatedDate: '2011-05-01T10:00:00Z' })), { setAuditFields: true })),
);
timed(`${lineItems.toLocaleString()} line items in batches of ${BATCH.toLocaleString()}`, () => {
  const perOpp = Math.ceil(lineItems / opportunities);
  for (let start = 0; start < lineItems; start += BATCH) {
    const batch: SfRecord[] = [];
    for (let i = start; i < Math.min(start + BATCH, lineItems); i++) {
      batch.push({ OpportunityId: opps[Math.floor(i / perOpp)], PricebookEntryId: entries[(i * 7919) % entries.length], Quantity: 1 + (i % 12), UnitPrice: 2.5, CreatedDate: '2011-05-01T10:00:00.000Z' });
    }
    must(store.insert('OpportunityLineItem', batch, { allOrNone: true, setAuditFields: true }));
  }
});
const cpu = process.cpuUsage(totalCpu);
console.log(`total: ${((performance.now() - total) / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s cpu`);
const check = store.db.prepare('SELECT COUNT(*) AS n, SUM("Amount") AS amount FROM "Opportunity" WHERE "HasOpportunityLineItem" = 1').get();
console.log('opportunities with lines / total amount:', check);
store.close();
