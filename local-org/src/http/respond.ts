// Writes responses byte-for-byte the way Salesforce does: jsforce only JSON-parses bodies whose
// Content-Type matches ^application/json(;|$), so express's res.json ("; charset=utf-8") is avoided
// in favour of the exact header a real org sends.
import type { Response } from 'express';
import { SfApiError, type SfErrorItem } from '../types.js';

export const JSON_TYPE = 'application/json;charset=UTF-8';

export function sendJson(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const buf = Buffer.from(JSON.stringify(body), 'utf8');
  res.status(status);
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('Content-Type', JSON_TYPE);
  res.setHeader('Content-Length', String(buf.length));
  res.end(buf);
}

export function sendCsv(res: Response, status: number, csv: string, headers: Record<string, string> = {}): void {
  const buf = Buffer.from(csv, 'utf8');
  res.status(status);
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('Content-Type', 'text/csv');
  res.setHeader('Content-Length', String(buf.length));
  res.end(buf);
}

export function sendNoContent(res: Response, status = 204): void {
  res.status(status).end();
}

/** The REST error body: always an array of {message, errorCode, fields?}. */
export function sendErrors(res: Response, status: number, errors: SfErrorItem[]): void {
  sendJson(
    res,
    status,
    errors.map((e) => (e.fields ? { message: e.message, errorCode: e.errorCode, fields: e.fields } : { message: e.message, errorCode: e.errorCode })),
  );
}

export function sendError(res: Response, status: number, errorCode: string, message: string, fields?: string[]): void {
  sendErrors(res, status, [{ errorCode, message, ...(fields ? { fields } : {}) }]);
}

export const NOT_FOUND_MESSAGE = 'The requested resource does not exist';

export function sendNotFound(res: Response, message = NOT_FOUND_MESSAGE): void {
  sendError(res, 404, 'NOT_FOUND', message);
}

let errorSeq = 0;
export function errorId(): string {
  errorSeq = (errorSeq + 1) % 100000;
  return `${Date.now() % 10_000_000_000}-${String(errorSeq).padStart(5, '0')} (${-(Date.now() % 2_000_000_000)})`;
}

/** Maps a thrown error to the response a real org would send; unexpected errors become UNKNOWN_EXCEPTION. */
export function errorResponse(e: unknown): { status: number; json: unknown } {
  if (e instanceof SfApiError) return { status: e.status, json: e.errors };
  const id = errorId();
  console.error(`local-org: request failed (ErrorId ${id}):`, e instanceof Error ? e.stack : e);
  return {
    status: 500,
    json: [{ errorCode: 'UNKNOWN_EXCEPTION', message: `An unexpected error occurred. Please include this ErrorId if you contact support: ${id}` }],
  };
}
