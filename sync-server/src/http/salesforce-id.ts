// Salesforce ids: 15 case-sensitive characters, or 18 with a 3-character case checksum. The API accepts
// both and we normalise to 18, the form the mirror stores.
const checksumAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

export function idChecksum(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += checksumAlphabet[bits];
  }
  return suffix;
}

/**
 * 18-character ids are case-insensitive: the suffix records which of the first 15 characters are upper
 * case. Returns the 15-character id with its case restored, or undefined when suffix and id disagree.
 */
function restoreCase(id18: string): string | undefined {
  let id15 = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = checksumAlphabet.indexOf(id18[15 + chunk].toUpperCase());
    if (bits < 0) return undefined;
    for (let i = 0; i < 5; i++) {
      const c = id18[chunk * 5 + i];
      const upper = (bits >> i) & 1;
      if (upper && !/[a-zA-Z]/.test(c)) return undefined;
      id15 += upper ? c.toUpperCase() : c.toLowerCase();
    }
  }
  return id15;
}

export type IdCheck = { ok: true; id18: string } | { ok: false; problem: string };

/** Validates an id and returns its 18-character form; `prefix` pins the object type (001 = Account). */
export function checkSalesforceId(value: string, prefix?: string): IdCheck {
  if (!/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(value)) {
    return { ok: false, problem: 'must be a Salesforce id of 15 or 18 letters and digits' };
  }
  let id15: string | undefined = value.slice(0, 15);
  if (value.length === 18 && value.slice(15).toUpperCase() !== idChecksum(id15)) {
    // A case-folded id (all upper or all lower, as some tools write them) is still the same record;
    // a mixed-case id whose suffix disagrees is a typo.
    const folded = id15 === id15.toLowerCase() || id15 === id15.toUpperCase();
    id15 = folded ? restoreCase(value) : undefined;
  }
  if (id15 === undefined) {
    const expected = idChecksum(value.slice(0, 15));
    return { ok: false, problem: `has a wrong checksum (an 18-character id starting ${value.slice(0, 15)} ends in ${expected})` };
  }
  const expected = idChecksum(id15);
  if (prefix && !id15.startsWith(prefix)) {
    return { ok: false, problem: `must start with ${prefix}` };
  }
  return { ok: true, id18: id15 + expected };
}
