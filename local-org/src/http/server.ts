// Assembles the express app: auth endpoints at the origin root (jsforce builds URLs from instance_url with
// a leading slash), the version list, and every versioned API route behind the gate.
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { identityHandler, userinfoHandler } from './auth/identity.js';
import { authorizeHandler, revokeHandler, tokenHandler } from './auth/oauth.js';
import { soapHandler } from './auth/soap-route.js';
import { apiGate, api, type Gate } from './pipeline.js';
import { errorResponse, sendErrors, sendJson, sendNotFound } from './respond.js';
import { versionList, versionResources } from './versions.js';
import { identityUrl, originOf } from './auth/context.js';

export type ServerParts = Gate & {
  /** Handles every versioned API call that passed the gate. */
  api: RequestHandler;
  /** Extra unauthenticated-at-the-gate routes at the origin root (e.g. /_local). */
  local?: Router;
  /** The Metadata API: SOAP at /services/Soap/m/{version}, REST under /services/data/{version}/metadata. */
  metadata?: { soap: RequestHandler; rest: Router };
};

const isMultipart = (req: Request): boolean => /^multipart\/form-data/i.test(req.get('content-type') ?? '');

export function createServer(parts: ServerParts): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Stored instance URLs sometimes end in "/" (forcedotcom/cli#361; `sf org login access-token` keeps what was
  // typed) and clients append absolute paths, so requests arrive as `//services/...`; sf keeps working against
  // such orgs, so the path is read as if the slashes were one.
  app.use((req, _res, next) => {
    if (req.url.startsWith('//')) req.url = req.url.replace(/^\/{2,}/, '/');
    next();
  });
  if (process.env.LOCAL_ORG_DEBUG) {
    // Method, path (never the query string: the identity URL carries oauth_token there), status, time.
    app.use((req, res, next) => {
      const t0 = Date.now();
      res.on('finish', () => console.error(`local-org: ${req.method} ${req.baseUrl}${req.path} ${res.statusCode} ${Date.now() - t0}ms`));
      next();
    });
  }

  const form = express.urlencoded({ extended: false, limit: '1mb' });
  app.post('/services/oauth2/token', form, tokenHandler(parts.auth));
  app.post('/services/oauth2/revoke', form, revokeHandler(parts.auth));
  app.get('/services/oauth2/authorize', authorizeHandler(parts.auth));
  app.get('/services/oauth2/userinfo', userinfoHandler(parts.auth));
  app.get('/id/:org/:user', identityHandler(parts.auth));
  app.post('/services/Soap/u/:version{/:org}', express.text({ type: () => true, limit: '1mb' }), soapHandler(parts.auth));
  // A deploy carries its zip base64-encoded in the envelope.
  if (parts.metadata) app.post('/services/Soap/m/:version{/:org}', express.text({ type: () => true, limit: '400mb' }), parts.metadata.soap);

  app.get(['/services/data', '/services/data/'], (_req, res) => sendJson(res, 200, versionList()));
  if (parts.local) app.use('/_local', express.json({ limit: '1mb' }), parts.local);

  const v = express.Router({ mergeParams: true });
  // Multipart bodies (REST deploys) hold a binary zip, which a text decode would corrupt.
  v.use(express.text({ type: (req) => !isMultipart(req as Request), limit: '200mb' }));
  v.use(express.raw({ type: (req) => isMultipart(req as Request), limit: '200mb' }));
  v.use(apiGate(parts));
  v.get('/', (req, res) => {
    const { session, version } = api(res);
    sendJson(res, 200, versionResources(version, identityUrl(originOf(req), parts.auth, session.user)));
  });
  if (parts.metadata) v.use('/metadata', parts.metadata.rest);
  v.use(parts.api);
  app.use('/services/data/:version', v);

  app.use((_req: Request, res: Response) => sendNotFound(res));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const status = (err as { status?: number; type?: string }).status;
    if (status === 413) {
      sendErrors(res, 413, [{ errorCode: 'REQUEST_ENTITY_TOO_LARGE', message: 'The request body is too large.' }]);
      return;
    }
    const out = errorResponse(err);
    sendJson(res, out.status, out.json);
  });
  return app;
}
