// Request bodies arrive as text (JSON and CSV alike) so malformed JSON becomes Salesforce's
// JSON_PARSER_ERROR rather than express's HTML error page.
import type { Request } from 'express';
import { SfApiError } from '../types.js';

export function jsonBody(req: Request): unknown {
  const text = typeof req.body === 'string' ? req.body : '';
  if (!text.trim()) throw new SfApiError(400, [{ errorCode: 'JSON_PARSER_ERROR', message: 'The request body is empty.' }]);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SfApiError(400, [{ errorCode: 'JSON_PARSER_ERROR', message: (e as Error).message }]);
  }
}

export function jsonObject(req: Request): Record<string, unknown> {
  const v = jsonBody(req);
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    throw new SfApiError(400, [{ errorCode: 'JSON_PARSER_ERROR', message: 'Expected a JSON object as the request body.' }]);
  }
  return v as Record<string, unknown>;
}

export function textBody(req: Request): string {
  return typeof req.body === 'string' ? req.body : '';
}
