// Maps the Online Retail model to Salesforce records. Pure functions: the seeder and the replayer both
// build records here, so an account or opportunity looks the same whichever of them wrote it.
import type { SfRecord } from '../types.js';
import { mostFrequent, type CustomerAgg, type Invoice, type InvoiceLine, type ProductAgg } from './dataset.js';
import { productFamily } from './families.js';
import { shiftMs, toSfDate, toSfDateTime } from './dates.js';

// Account names: the source only has a number. A readable, stable company-like name makes demos and the
// LWC legible; the number stays in AccountNumber, which is what every lookup uses.
const FIRST = [
  'Amber', 'Bramble', 'Cedar', 'Clover', 'Copper', 'Daisy', 'Elm', 'Fern', 'Foxglove', 'Hazel', 'Heather', 'Holly',
  'Ivy', 'Juniper', 'Lavender', 'Linden', 'Maple', 'Meadow', 'Mulberry', 'Nutmeg', 'Oak', 'Olive', 'Orchard',
  'Pebble', 'Pepper', 'Poppy', 'Primrose', 'Quince', 'Rosemary', 'Rowan', 'Saffron', 'Sage', 'Sorrel', 'Thistle',
  'Thyme', 'Violet', 'Willow', 'Wren', 'Yarrow', 'Hawthorn',
] as const;
const SECOND = [
  'Lane', 'Market', 'Corner', 'Yard', 'Street', 'Cottage', 'Barn', 'Mill', 'Wharf', 'Arcade', 'Gate', 'Green',
  'Row', 'Bridge', 'Square', 'Hill', 'Court', 'House', 'Garden', 'Quay', 'Parade', 'Place', 'Cross', 'Field',
  'Brook', 'Dale', 'Heath', 'Ridge', 'Vale', 'Grove', 'Haven', 'Hollow', 'Loft', 'Nook', 'Pantry', 'Parlour',
  'Studio', 'Works', 'Depot', 'Emporium',
] as const;
const TRADE = ['Gifts', 'Trading', 'Interiors', 'Home Store', 'Supplies'] as const;
const NAME_SPACE = FIRST.length * SECOND.length * TRADE.length; // 8,000: more than the id range 12346-18287

/**
 * A company-like name for a customer number. Numbers within any window of 8,000 map to distinct names (a
 * multiplicative permutation modulo the name space); `taken` resolves the rare collision beyond that.
 */
export function accountName(customerId: string, taken?: Set<string>): string {
  const n = Number.parseInt(customerId, 10);
  let name: string;
  if (Number.isSafeInteger(n) && n >= 0) {
    // 4973 is prime and coprime to 8,000, so this permutes residues; its size spreads neighbouring numbers
    // across all three word lists.
    const i = (n * 4973) % NAME_SPACE;
    const c = TRADE[i % TRADE.length];
    const a = FIRST[Math.floor(i / TRADE.length) % FIRST.length];
    const b = SECOND[Math.floor(i / (TRADE.length * FIRST.length))];
    name = `${a} ${b} ${c}`;
  } else {
    name = `Customer ${customerId}`;
  }
  if (taken) {
    if (taken.has(name)) name = `${name} ${customerId}`;
    taken.add(name);
  }
  return name;
}

export type BuyerProfile = { wholesale: boolean; orders: number; units: number; revenue: number };

/**
 * Wholesale resellers order many units per invoice or order often; the rest look like occasional buyers.
 * Thresholds chosen on the UCI data, where about two thirds of customers come out as resellers.
 */
export function buyerProfile(customer: CustomerAgg): BuyerProfile {
  let orders = 0;
  let units = 0;
  let revenue = 0;
  for (const inv of customer.invoices) {
    if (inv.cancelled) continue;
    orders += 1;
    for (const l of inv.lines) {
      units += l.quantity;
      revenue += l.quantity * l.unitPrice;
    }
  }
  const wholesale = orders > 0 && (units / orders >= 100 || orders >= 10);
  return { wholesale, orders, units, revenue };
}

export function accountRecord(customer: CustomerAgg, name: string, weeks: number): SfRecord {
  const profile = buyerProfile(customer);
  const first = customer.invoices[0];
  const created = toSfDateTime(shiftMs(first.atMs, weeks));
  return {
    Name: name,
    AccountNumber: customer.id,
    Type: 'Customer - Direct',
    Industry: profile.wholesale ? 'Retail' : 'Other',
    BillingCountry: mostFrequent(customer.countries) ?? null,
    Description: profile.wholesale
      ? 'Wholesale reseller (Online Retail customer)'
      : 'Occasional buyer (Online Retail customer)',
    CreatedDate: created,
  };
}

/** Name, Family and list price for one stock code. */
export function productRecord(p: ProductAgg): SfRecord {
  const name = mostFrequent(p.descriptions) ?? `Product ${p.code}`; // 1,454 source rows have no description
  const others = [...p.descriptions.keys()].filter((d) => d !== name).slice(0, 5);
  return {
    Name: name,
    ProductCode: p.code,
    Family: productFamily(p.code, name),
    IsActive: true,
    Description: others.length > 0 ? `${name}. Also listed as: ${others.join('; ')}` : name,
  };
}

export function listPrice(p: ProductAgg): number {
  return mostFrequent(p.prices) ?? 0;
}

/** The opportunity for an invoice at (shifted) time atMs; CreatedDate only when the seeder backdates it. */
export function opportunityRecord(
  inv: Pick<Invoice, 'invoiceNo' | 'cancelled'>,
  atMs: number,
  accountId: string,
  pricebookId: string,
  withAuditFields: boolean,
): SfRecord {
  const rec: SfRecord = {
    Name: `Invoice ${inv.invoiceNo}`,
    AccountId: accountId,
    StageName: inv.cancelled ? 'Closed Lost' : 'Closed Won',
    CloseDate: toSfDate(atMs),
    Pricebook2Id: pricebookId,
  };
  if (inv.cancelled) rec.Description = `Cancellation ${inv.invoiceNo}: goods returned or order cancelled`;
  if (withAuditFields) rec.CreatedDate = toSfDateTime(atMs);
  return rec;
}

export function lineItemRecord(line: Pick<InvoiceLine, 'quantity' | 'unitPrice'>, opportunityId: string, pricebookEntryId: string, createdAt: string | null): SfRecord {
  const rec: SfRecord = {
    OpportunityId: opportunityId,
    PricebookEntryId: pricebookEntryId,
    Quantity: line.quantity,
    UnitPrice: line.unitPrice,
  };
  if (createdAt) {
    rec.CreatedDate = createdAt;
  }
  return rec;
}
