// The LWC preview: Reco's record-page components, built with LWC open source (lwc/preview, `npm run
// build:preview -w lwc`), served with SLDS and backed by the org through a small UI API stand-in, so a
// person can see and click what a rep sees without a Salesforce org. Mount it at /preview:
//   app.use('/preview', createPreviewRouter({ connection }))
// GET  /preview/                                                  links to accounts with recommendations
// GET  /preview/accounts/:id, /preview/opportunities/:id          the record page (App Builder props in the query)
// GET  /preview/dist/*, /preview/assets/slds/*                     the bundle and SLDS
// POST /preview/api/related-list-records/:parentId/:relatedListId  getRelatedListRecords
// GET  /preview/api/records/:id?fields=&optionalFields=             getRecord
// PATCH /preview/api/records/:id  { fields }                        updateRecord
// POST /preview/api/records  { apiName, fields }                     createRecord
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type ErrorRequestHandler, type Request, type Router } from 'express';
import type { Connection } from 'jsforce';
import { allowCaching, requestChecker } from '../request-guard.js';
import { appBuilderProperties, renderIndex, renderPage } from './page.js';
import { PreviewData, UiApiError } from './ui-api.js';

export type PreviewRouterOptions = {
  connection: () => Promise<Connection>;
  /** The built bundle; defaults to lwc/preview/dist. */
  distDir?: string;
  /** Host names accepted besides the server's own address (see request-guard.ts). */
  allowedHosts?: readonly string[];
};

const LWC_DIR = path.resolve(import.meta.dirname, '../../../../lwc');
export const DEFAULT_DIST_DIR = path.join(LWC_DIR, 'preview/dist');
export const BUILD_COMMAND = 'npm run build:preview -w lwc';

function sldsAssetsDir(): string {
  // SLDS belongs to the lwc workspace; resolve it from there.
  const require = createRequire(path.join(LWC_DIR, 'package.json'));
  return path.join(path.dirname(require.resolve('@salesforce-ux/design-system/package.json')), 'assets');
}

const list = (value: unknown): string[] =>
  typeof value === 'string' && value !== '' ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];

export function createPreviewRouter(opts: PreviewRouterOptions): Router {
  const router = express.Router();
  const data = new PreviewData(opts.connection);
  const distDir = opts.distDir ?? DEFAULT_DIST_DIR;

  // The preview edits the org with no token, so it checks Host and Origin itself too: mounted on a bare
  // express app (tests, a developer's own server) it must be as safe from DNS rebinding as in the service.
  const checkRequest = requestChecker({ allowedHosts: opts.allowedHosts });
  router.use((req, res, next) => {
    const refusal = checkRequest(req);
    if (!refusal) return next();
    res.status(refusal.status).json([{ errorCode: refusal.code.toUpperCase(), message: refusal.message }]);
  });
  router.use('/assets/slds', express.static(sldsAssetsDir(), { fallthrough: false, maxAge: '1h', setHeaders: allowCaching }));
  router.use('/dist', express.static(distDir, { fallthrough: false, setHeaders: allowCaching }));

  const page = (objectApiName: 'Account' | 'Opportunity') => (req: Request<{ recordId: string }>, res: express.Response) => {
    if (!/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(req.params.recordId)) {
      res.status(400).type('text/plain').send(`${req.params.recordId} is not a record id`);
      return;
    }
    if (!fs.existsSync(path.join(distDir, 'main.js'))) {
      res.status(503).type('text/plain').send(`The preview bundle is not built (no ${distDir}/main.js). Run: ${BUILD_COMMAND}`);
      return;
    }
    let appBuilder;
    try {
      appBuilder = appBuilderProperties(req.query as Record<string, unknown>);
    } catch (error) {
      res.status(400).type('text/plain').send((error as Error).message);
      return;
    }
    res.type('html').send(renderPage({ base: req.baseUrl, recordId: req.params.recordId, objectApiName, appBuilder }));
  };
  router.get('/', async (req, res) => {
    res.type('html').send(renderIndex(req.baseUrl, await data.accountsWithRecommendations()));
  });
  router.get('/accounts/:recordId', page('Account'));
  router.get('/opportunities/:recordId', page('Opportunity'));

  router.post('/api/related-list-records/:parentRecordId/:relatedListId', express.json(), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const query = {
      fields: Array.isArray(body.fields) ? body.fields.map(String) : [],
      optionalFields: Array.isArray(body.optionalFields) ? body.optionalFields.map(String) : [],
      where: typeof body.where === 'string' ? body.where : undefined,
      sortBy: Array.isArray(body.sortBy) ? body.sortBy.map(String) : [],
      pageSize: typeof body.pageSize === 'number' ? body.pageSize : undefined,
    };
    res.json(await data.relatedListRecords(req.params.parentRecordId, req.params.relatedListId, query));
  });
  router.get('/api/records/:recordId', async (req, res) => {
    res.json(await data.getRecord(req.params.recordId, list(req.query.fields), list(req.query.optionalFields)));
  });
  router.post('/api/records', express.json(), async (req, res) => {
    const body = (req.body ?? {}) as { apiName?: unknown; fields?: unknown };
    if (typeof body.apiName !== 'string' || !body.fields || typeof body.fields !== 'object' || Array.isArray(body.fields)) {
      throw new UiApiError(400, [{ errorCode: 'INVALID_INPUT', message: 'Body must be { "apiName": "...", "fields": { ... } }' }], 'bad body');
    }
    res.status(201).json(await data.createRecord(body.apiName, body.fields as Record<string, unknown>));
  });
  router.patch('/api/records/:recordId', express.json(), async (req, res) => {
    const fields = (req.body as { fields?: unknown } | undefined)?.fields;
    if (!fields || typeof fields !== 'object' || Array.isArray(fields)) {
      throw new UiApiError(400, [{ errorCode: 'INVALID_INPUT', message: 'Body must be { "fields": { ... } }' }], 'bad body');
    }
    res.json(await data.updateRecord(req.params.recordId, fields as Record<string, unknown>));
  });

  router.use(uiApiErrors);
  return router;
}

const uiApiErrors: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  if (error instanceof UiApiError) {
    res.status(error.status).json(error.body);
    return;
  }
  const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 600 ? error.status : 500;
  const message = status === 404 ? 'Not found' : status < 500 ? String(error?.message ?? 'Bad request') : 'Internal error';
  res.status(status).json([{ errorCode: status === 404 ? 'NOT_FOUND' : 'UNKNOWN_EXCEPTION', message }]);
};
