// Request bodies arrive as text (JSON and CSV alike) so malformed JSON becomes Salesforce's
// JSON_PARSER_ERROR rather than express's HTML error page.
import { SfApiError } from '../types.js';

/** Parses a JSON object body; empty or malformed bodies and non-objects are 400 JSON_PARSER_ERROR. */
export function jsonObject(text: string, emptyAs?: Record<string, unknown>): Record<string, unknown> {
  if (!text.trim()) {
    if (emptyAs) return emptyAs;
    throw new SfApiError(400, [{ errorCode: 'JSON_PARSER_ERROR', message: 'The request body is empty.' }]);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new SfApiError(400, [{ errorCode: 'JSON_PARSER_ERROR', message: (e as Error).message }]);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    throw new SfApiError(400, [{ errorCode: 'JSON_PARSER_ERROR', message: 'Expected a JSON object as the request body.' }]);
  }
  return v as Record<string, unknown>;
}
