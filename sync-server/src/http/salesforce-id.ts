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

export type IdCheck = { ok: true; id18: string } | { ok: false; problem: string };

/** Validates an id and returns its 18-character form; `prefix` pins the object type (001 = Account). */
export function checkSalesforceId(value: string, prefix?: string): IdCheck {
  if (!/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(value)) {
    return { ok: false, problem: 'must be a Salesforce id of 15 or 18 letters and digits' };
  }
  const id15 = value.slice(0, 15);
  const expected = idChecksum(id15);
  if (value.length === 18 && value.slice(15).toUpperCase() !== expected) {
    return { ok: false, problem: `has a wrong checksum (an 18-character id starting ${id15} ends in ${expected})` };
  }
  if (prefix && !id15.startsWith(prefix)) {
    return { ok: false, problem: `must start with ${prefix}` };
  }
  return { ok: true, id18: id15 + expected };
}
