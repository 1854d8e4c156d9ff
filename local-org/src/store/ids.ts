// Salesforce record ids: 15 case-sensitive base-62 chars (key prefix + pod + counter) plus a 3-char
// checksum that makes the 18-char form case-insensitive (facts sheet §8.6).
import { randomInt } from 'node:crypto';
import { SfApiError } from '../types.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CHECKSUM_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_CHARS = /^[0-9A-Za-z]+$/;

/** The "pod" characters 4-5 of every id this emulator issues. */
export const POD = '5g';
const COUNTER_WIDTH = 10;

export function idChecksum(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    out += CHECKSUM_CHARS[bits];
  }
  return out;
}

/**
 * The canonical 18-char form of a 15- or 18-char id, or undefined when `value` is not an id. An 18-char
 * id is case-insensitive: its suffix says which of the first 15 characters are upper case, so
 * "001m000000qfpysiau" is read as 001M000000qfPySIAU; a suffix that contradicts the characters is invalid.
 */
export function to18(value: string): string | undefined {
  if ((value.length !== 15 && value.length !== 18) || !ID_CHARS.test(value)) return undefined;
  if (value.length === 15) return value + idChecksum(value);
  const suffix = value.slice(15).toUpperCase();
  if (idChecksum(value) === suffix) return value.slice(0, 15) + suffix; // already in canonical case
  let head = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = CHECKSUM_CHARS.indexOf(suffix[chunk]);
    if (bits < 0) return undefined;
    for (let i = 0; i < 5; i++) {
      const ch = value[chunk * 5 + i];
      head += bits & (1 << i) ? ch.toUpperCase() : ch.toLowerCase();
    }
  }
  // Digits have no case, so a suffix marking a digit as upper case is not a valid id.
  return idChecksum(head) === suffix ? head + suffix : undefined;
}

/** to18, throwing MALFORMED_ID the way the REST API reports an unparseable id. */
export function normaliseId(value: unknown, what = 'Id'): string {
  const id = typeof value === 'string' ? to18(value) : undefined;
  if (id === undefined) throw new SfApiError(400, [{ errorCode: 'MALFORMED_ID', message: `${what}: id value of incorrect type: ${String(value)}`, fields: [] }]);
  return id;
}

export function keyPrefixOf(id: string): string {
  return id.slice(0, 3);
}

export function encodeBase62(n: number, width: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`cannot encode ${n} as an id counter`);
  let out = '';
  let rest = n;
  do {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  if (out.length > width) throw new Error(`id counter ${n} overflows ${width} base-62 digits`);
  return out.padStart(width, '0');
}

/**
 * A new org's id: 00D + pod + a random 10-character body, 18-char form. Real orgs never share an id, and
 * clients key their local state by it (sf's auth files, Reco's ~/.reco/<orgId>), so each new org draws its
 * own instead of counting from 1. The leading "0000" keeps the look of real org ids (00D5g000004Hf4m);
 * 62^6 bodies make two orgs on one machine colliding negligible.
 */
export function newOrgId(): string {
  let body = '0000';
  while (body.length < COUNTER_WIDTH) body += BASE62[randomInt(62)];
  const id15 = '00D' + POD + body;
  return id15 + idChecksum(id15);
}

/** Id number `n` of the object with `keyPrefix`, in 18-char form. */
export function makeId(keyPrefix: string, n: number): string {
  const id15 = keyPrefix + POD + encodeBase62(n, COUNTER_WIDTH);
  return id15 + idChecksum(id15);
}
