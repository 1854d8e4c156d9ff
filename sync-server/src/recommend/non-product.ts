// Stock codes that are fees, postage, vouchers or manual lines rather than products (Online Retail codes,
// which are also what shops migrating that data into an org will have as ProductCode).
const NON_PRODUCT = new Set(['POST', 'DOT', 'C2', 'D', 'M', 'S', 'B', 'CRUK', 'PADS', 'AMAZONFEE', 'BANK CHARGES']);

export function isNonProductCode(code: string): boolean {
  const c = code.trim().toUpperCase();
  return NON_PRODUCT.has(c) || c.startsWith('ADJUST') || c.startsWith('TEST00') || c.startsWith('GIFT_');
}
