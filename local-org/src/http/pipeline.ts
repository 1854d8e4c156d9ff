// The gate every API call passes, in the order a real org applies it: version, session (401 before
// anything is counted), daily allocation (403 once spent), then the injected faults of this call.
import type { NextFunction, Request, Response } from 'express';
import type { ApiCounter } from '../limits.js';
import type { FaultInjector, LockPicker } from '../faults.js';
import { NO_LOCKS } from '../faults.js';
import { bearerToken, type AuthContext } from './auth/context.js';
import type { Session } from './auth/sessions.js';
import { errorId, sendError, sendNotFound } from './respond.js';
import { parseVersion } from './versions.js';

export type ApiLocals = {
  version: string; // "50.0"
  versionNumber: number;
  session: Session;
  /** Which records of this write call fail with UNABLE_TO_LOCK_ROW (call once per write call). */
  locks: (count: number) => Set<number>;
};

export function api(res: Response): ApiLocals {
  return res.locals as ApiLocals;
}

export type Gate = {
  auth: AuthContext;
  counter: ApiCounter;
  faults: () => FaultInjector | undefined;
};

export const INVALID_SESSION = { errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' };

/** Mounted at /services/data/:version; `path` seen by faults is the part after the version. */
export function apiGate(gate: Gate) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const version = parseVersion(String(req.params.version));
    if (version === undefined) {
      sendNotFound(res);
      return;
    }
    const token = bearerToken(req);
    const session = token ? gate.auth.sessions.check(token) : undefined;
    if (!session) {
      sendError(res, 401, INVALID_SESSION.errorCode, INVALID_SESSION.message);
      return;
    }
    if (!gate.counter.consume()) {
      res.setHeader('Sforce-Limit-Info', gate.counter.header());
      sendError(res, 403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
      return;
    }
    res.setHeader('Sforce-Limit-Info', gate.counter.header());
    const locals = res.locals as ApiLocals;
    locals.version = `${version}.0`;
    locals.versionNumber = version;
    locals.session = session;
    locals.locks = NO_LOCKS;
    const injector = gate.faults();
    if (injector) {
      const path = req.path || '/';
      const f = injector.onCall(path);
      if (f.delayMs > 0) await new Promise((r) => setTimeout(r, f.delayMs));
      switch (f.fail) {
        case 'drop':
          // A reset (RST), as a load balancer dropping the connection does: clients see ECONNRESET.
          req.socket.resetAndDestroy();
          return;
        case '503':
          sendError(res, 503, 'SERVER_UNAVAILABLE', 'Server is temporarily unavailable, please retry shortly.');
          return;
        case '500':
          sendError(res, 500, 'UNKNOWN_EXCEPTION', `An unexpected error occurred. Please include this ErrorId if you contact support: ${errorId()}`);
          return;
        case 'limit':
          // The org's own allocation (or the concurrent long-request limit) refusing this call, as a real org
          // does when other integrations have spent the day's requests: same status and body as a spent counter.
          sendError(res, 403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
          return;
        case 'expire':
          gate.auth.sessions.revoke(session.token);
          sendError(res, 401, INVALID_SESSION.errorCode, INVALID_SESSION.message);
          return;
        default:
          break;
      }
      let picker: LockPicker | undefined;
      locals.locks = (count) => {
        picker ??= injector.onWrite(path);
        return picker(count);
      };
    }
    next();
  };
}
