// Store rows -> REST record JSON: canonical field names, JSON booleans, datetimes as
// YYYY-MM-DDThh:mm:ss.SSS+0000, and the attributes block with a URL in the request's API version.
import type { FieldDef, ObjectDef, SfRecord } from '../types.js';
import { jsonValue } from '../soql/records.js';

export function recordUrl(version: string, object: string, id: string): string {
  return `/services/data/v${version}/sobjects/${object}/${id}`;
}

/** The record with every field of the object (or only `fields`, Id always first when present). */
export function apiRecord(object: ObjectDef, record: SfRecord, version: string, fields?: FieldDef[]): Record<string, unknown> {
  const id = String(record.Id ?? '');
  const out: Record<string, unknown> = { attributes: { type: object.name, url: recordUrl(version, object.name, id) } };
  for (const f of fields ?? object.fields) out[f.name] = jsonValue(f.type, record[f.name]);
  return out;
}
