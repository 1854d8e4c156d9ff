// The central error handler: every failure leaves the API as { error: { code, message } }.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logging/logger.js';
import { AppError } from './app-error.js';

export const unknownRoute: RequestHandler = (req) => {
  throw new AppError('not_found', `No route for ${req.method} ${req.path}`, 404);
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const appError = toAppError(error);
    if (appError.status >= 500) logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    else logger.debug({ code: appError.code, method: req.method, path: req.path }, 'request rejected');
    if (appError.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="reco"');
    res.status(appError.status).json({ error: { code: appError.code, message: appError.message } });
  };
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  // body-parser marks its own errors with a type and an HTTP status.
  const e = error as { type?: string; status?: number };
  if (e?.type === 'entity.parse.failed') return new AppError('invalid_json', 'Request body is not valid JSON', 400);
  if (e?.type === 'entity.too.large') return new AppError('payload_too_large', 'Request body is too large', 413);
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return new AppError('invalid_request', 'Request could not be read', e.status);
  }
  return new AppError('internal', 'Internal server error', 500, { cause: error });
}
