// Turning API input into the stored encoding of the storage convention (types.ts), with the checks and
// error codes a real org applies per field type, and turning rows back into API values.
import type { FieldDef, ObjectDef, SfRecord } from '../types.js';
import { SfApiError } from '../types.js';
import { to18 } from './ids.js';

export type Stored = string | number | null;

export function fail(errorCode: string, message: string, fields: string[] = []): never {
  throw new SfApiError(400, [{ errorCode, message, fields }]);
}

function deserialiseError(f: FieldDef, raw: unknown, javaType: string): never {
  const shown = typeof raw === 'string' ? raw : JSON.stringify(raw);
  return fail('JSON_PARSER_ERROR', `Cannot deserialize instance of ${javaType} from ${typeof raw === 'string' ? 'VALUE_STRING' : 'VALUE'} value ${shown} or request may be missing a required field`, [f.name]);
}

// Salesforce's check is looser than RFC 5322 but needs local@domain.tld without spaces.
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** YYYY-MM-DD from a date or a datetime string (the API accepts both for date fields). */
export function parseDate(raw: string): string | undefined {
  const m = DATE_RE.exec(raw) ?? DATETIME_RE.exec(raw);
  if (!m) return undefined;
  if (!validDate(+m[1], +m[2], +m[3])) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

// Bulk loads repeat the same timestamps (every line of an invoice carries its CreatedDate).
const dateTimeMemo = new Map<string, string | undefined>();

/** ISO-8601 with Z, an offset (+01:00 / +0100) or no zone (taken as UTC) -> YYYY-MM-DDTHH:MM:SS.sssZ. */
export function parseDateTime(raw: string): string | undefined {
  let out = dateTimeMemo.get(raw);
  if (out === undefined && !dateTimeMemo.has(raw)) {
    out = parseDateTimeUncached(raw);
    if (dateTimeMemo.size >= 10_000) dateTimeMemo.clear();
    dateTimeMemo.set(raw, out);
  }
  return out;
}

function parseDateTimeUncached(raw: string): string | undefined {
  const m = DATETIME_RE.exec(raw);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  if (!validDate(+y, +mo, +d) || +h > 23 || +mi > 59 || +s > 59) return undefined;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Number((frac + '000').slice(0, 3)));
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60000;
  }
  return new Date(ms).toISOString();
}

function toNumber(f: FieldDef, raw: unknown): number {
  let n: number;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'string' && raw.trim() !== '' && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw.trim())) n = Number(raw);
  else return deserialiseError(f, raw, f.type === 'int' ? 'int' : 'double');
  if (!Number.isFinite(n)) return deserialiseError(f, raw, 'double');
  return n;
}

/**
 * The stored value of `raw` for field `f`, or a thrown SfApiError. References are normalised to 18
 * characters (their target is checked by the store). Empty strings mean null, as in a real org.
 */
export function coerce(f: FieldDef, raw: unknown): Stored {
  if (raw === null || raw === undefined || raw === '') return f.type === 'boolean' ? 0 : null;
  switch (f.type) {
    case 'boolean':
      if (raw === true || raw === 'true' || raw === 1) return 1;
      if (raw === false || raw === 'false' || raw === 0) return 0;
      return deserialiseError(f, raw, 'boolean');
    case 'int': {
      const n = toNumber(f, raw);
      if (!Number.isInteger(n)) return deserialiseError(f, raw, 'int');
      if (Math.abs(n) >= 10 ** Math.max(f.digits, 1)) fail('NUMBER_OUTSIDE_VALID_RANGE', `${f.label}: value outside of valid range on numeric field: ${n}`, [f.name]);
      return n;
    }
    case 'double':
    case 'currency':
    case 'percent': {
      const n = toNumber(f, raw);
      const factor = 10 ** f.scale;
      const rounded = Math.round(n * factor) / factor;
      if (Math.abs(rounded) >= 10 ** (f.precision - f.scale)) {
        fail('NUMBER_OUTSIDE_VALID_RANGE', `${f.label}: value outside of valid range on numeric field: ${n}`, [f.name]);
      }
      return rounded;
    }
    case 'date': {
      const d = typeof raw === 'string' ? parseDate(raw) : undefined;
      return d ?? deserialiseError(f, raw, 'date');
    }
    case 'datetime': {
      const d = typeof raw === 'string' ? parseDateTime(raw) : undefined;
      return d ?? deserialiseError(f, raw, 'datetime');
    }
    case 'id':
    case 'reference': {
      const id = typeof raw === 'string' ? to18(raw) : undefined;
      if (id === undefined) fail('MALFORMED_ID', `${f.label}: id value of incorrect type: ${String(raw)}`, [f.name]);
      return id;
    }
    default: {
      if (typeof raw === 'object') return deserialiseError(f, raw, 'string');
      const s = String(raw);
      if (s.length > f.length && f.length > 0) {
        fail('STRING_TOO_LONG', `${f.label}: data value too large: ${s.length > 50 ? s.slice(0, 50) + '...' : s} (max length=${f.length})`, [f.name]);
      }
      if (f.type === 'email' && !EMAIL_RE.test(s)) fail('INVALID_EMAIL_ADDRESS', `${f.label}: invalid email address: ${s}`, [f.name]);
      if (f.type === 'picklist' && f.restrictedPicklist) return restrictedValue(f, s);
      if (f.type === 'multipicklist' && f.restrictedPicklist) return s.split(';').map((v) => restrictedValue(f, v)).join(';');
      return s;
    }
  }
}

function restrictedValue(f: FieldDef, s: string): string {
  const hit = f.picklistValues.find((p) => p.active && p.value === s) ?? f.picklistValues.find((p) => p.active && p.value.toLowerCase() === s.toLowerCase());
  if (!hit) fail('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${f.label}: bad value for restricted picklist field: ${s}`, [f.name]);
  return hit.value;
}

/** SQLite column type of a field under the storage convention. */
export function columnType(f: FieldDef): 'TEXT' | 'INTEGER' | 'REAL' {
  if (f.type === 'boolean') return 'INTEGER';
  if (f.type === 'int' || f.type === 'double' || f.type === 'currency' || f.type === 'percent') return 'REAL';
  return 'TEXT';
}

/** A stored row as API values: booleans back to true/false, every field present. */
export function decodeRow(obj: ObjectDef, row: Record<string, unknown>): SfRecord {
  const out: SfRecord = {};
  for (const f of obj.fields) {
    const v = row[f.name];
    out[f.name] = f.type === 'boolean' ? v === 1 || v === 1n : v === undefined ? null : v;
  }
  return out;
}
