// Salesforce ids: 15 chars case-sensitive or 18 chars whose 3-char suffix encodes the case of the first 15,
// which makes the 18-char form case-insensitive. SOQL accepts either, so literals are canonicalised to the
// stored 18-char form before they reach SQL.

const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_CHARS = /^[A-Za-z0-9]+$/;

function checksum(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    out += SUFFIX[bits];
  }
  return out;
}

/** The canonical 18-char id for a 15- or 18-char literal, or undefined when it cannot be an id. */
export function canonicalId(literal: string): string | undefined {
  if (!ID_CHARS.test(literal)) return undefined;
  if (literal.length === 15) return literal + checksum(literal);
  if (literal.length !== 18) return undefined;
  const suffix = literal.slice(15).toUpperCase();
  let head = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = SUFFIX.indexOf(suffix[chunk]);
    if (bits < 0) return undefined;
    for (let i = 0; i < 5; i++) {
      const ch = literal[chunk * 5 + i];
      head += bits & (1 << i) ? ch.toUpperCase() : ch.toLowerCase();
    }
  }
  // Digits carry no case: a suffix claiming an upper-case digit is not a valid id.
  return checksum(head) === suffix ? head + suffix : undefined;
}

/** 18-char id for a 15-char base (prefix + body); used for query locators. */
export function withChecksum(id15: string): string {
  return id15 + checksum(id15);
}
