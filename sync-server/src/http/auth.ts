// Bearer-token check. Both sides are hashed first so timingSafeEqual always compares equal-length buffers
// and the comparison time says nothing about the token's length or content.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from './app-error.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

export function requireBearerToken(token: string): RequestHandler {
  const expected = digest(token);
  return (req, _res, next) => {
    const header = req.headers.authorization;
    if (!header) throw new AppError('unauthorized', 'Missing Authorization header (expected "Bearer <token>")', 401);
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (!match) throw new AppError('unauthorized', 'Authorization header must use the Bearer scheme', 401);
    if (!timingSafeEqual(digest(match[1]), expected)) throw new AppError('unauthorized', 'Invalid bearer token', 401);
    next();
  };
}
