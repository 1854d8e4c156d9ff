// Bearer-token check. Both sides are hashed first so timingSafeEqual always compares equal-length buffers
// and the comparison time says nothing about the token's length or content.
import { hash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from './app-error.js';

// One-shot hash: a Hash object per request cost more than the rest of the hot path's checks together.
const digest = (value: string): Buffer => hash('sha256', value, 'buffer');

/** Returns null when the Authorization header carries the token, else the error to answer with. */
export function bearerChecker(token: string): (header: string | undefined) => AppError | null {
  const expected = digest(token);
  return (header) => {
    if (!header) return new AppError('unauthorized', 'Missing Authorization header (expected "Bearer <token>")', 401);
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (!match) return new AppError('unauthorized', 'Authorization header must use the Bearer scheme', 401);
    if (!timingSafeEqual(digest(match[1]), expected)) return new AppError('unauthorized', 'Invalid bearer token', 401);
    return null;
  };
}

export function requireBearerToken(token: string): RequestHandler {
  const check = bearerChecker(token);
  return (req, _res, next) => {
    const error = check(req.headers.authorization);
    if (error) throw error;
    next();
  };
}
