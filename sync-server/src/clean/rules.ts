// What counts as a non-product line and what each model needs before it can run. Defaults fit the Online
// Retail data (fees, postage, vouchers and manual lines); orgs override them through CleanOptions.

export type NonProductRules = {
  /** Exact ProductCodes (case-insensitive). */
  codes: string[];
  /** ProductCode prefixes (case-insensitive), e.g. gift vouchers gift_0001_10. */
  codePrefixes: string[];
  /** Product2.Family values. */
  families: string[];
};

export const DEFAULT_NON_PRODUCT_RULES: NonProductRules = {
  codes: ['POST', 'DOT', 'C2', 'M', 'D', 'S', 'B', 'CRUK', 'PADS', 'AMAZONFEE', 'BANK CHARGES'],
  codePrefixes: ['gift_'],
  families: ['Fees & Postage'],
};

export type ModelMinimums = {
  segmentation: { accountsWithWonOrders: number };
  crossSell: { multiProductOrders: number; products: number };
  buyAgain: { repeatAccounts: number };
  churn: { historyDays: number; accountsWithWonOrders: number };
};

export const DEFAULT_MINIMUMS: ModelMinimums = {
  segmentation: { accountsWithWonOrders: 50 },
  crossSell: { multiProductOrders: 100, products: 20 },
  buyAgain: { repeatAccounts: 30 },
  churn: { historyDays: 180, accountsWithWonOrders: 50 },
};

export function isNonProduct(rules: NonProductRules, code: string | null, family: string | null): boolean {
  const c = (code ?? '').trim().toLowerCase();
  if (c && rules.codes.some((x) => x.toLowerCase() === c)) return true;
  if (c && rules.codePrefixes.some((p) => c.startsWith(p.toLowerCase()))) return true;
  return family !== null && rules.families.some((f) => f.toLowerCase() === family.trim().toLowerCase());
}
