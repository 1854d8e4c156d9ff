// REST deploys (`sf project deploy start` with org-metadata-rest-deploy=true): POST
// /services/data/vXX.X/metadata/deployRequest (multipart: the zip as part `file`, the options as JSON in
// part `entity_content`, or `json` as the Salesforce docs' curl example names it), GET …/{id} to poll and
// PATCH …/{id} with status Canceling to cancel. `done` is a real boolean and `details` always an object:
// the CLI ends polling on a truthy done and dereferences details.
import type { Request, Response } from 'express';
import express from 'express';
import { deployOptionsFrom, type DeployOptions, type DeployResult, type DeployService } from '../../metadata-api/deploy.js';
import { api } from '../pipeline.js';
import { sendError, sendJson } from '../respond.js';

function envelope(req: Request, result: DeployResult, opts: DeployOptions, includeDetails: boolean) {
  const { version } = api(req.res!);
  const details = includeDetails ? result.details : { componentSuccesses: [], componentFailures: [], runTestResult: result.details.runTestResult };
  return {
    id: result.id,
    url: `/services/data/v${version}/metadata/deployRequest/${result.id}`,
    validatedDeployRequestId: null,
    deployOptions: { ...opts },
    deployResult: { ...result, details },
  };
}

async function parts(req: Request): Promise<{ zip?: Buffer; options?: unknown; error?: string }> {
  const type = req.get('content-type') ?? '';
  if (!/^multipart\/form-data/i.test(type) || !Buffer.isBuffer(req.body)) return { error: 'the deploy request must be multipart/form-data with the zip in a part named file' };
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(req.body), { headers: { 'content-type': type } }).formData();
  } catch (e) {
    return { error: `the multipart body could not be read: ${(e as Error).message}` };
  }
  const file = form.get('file');
  const json = form.get('entity_content') ?? form.get('json');
  const text = json === null ? undefined : typeof json === 'string' ? json : await json.text();
  let options: unknown;
  try {
    options = text === undefined ? {} : JSON.parse(text);
  } catch {
    return { error: 'the entity_content part is not valid JSON' };
  }
  if (!file || typeof file === 'string') return { error: 'the deploy request has no zip part named file' };
  return { zip: Buffer.from(await file.arrayBuffer()), options };
}

export function metadataRestRoutes(service: DeployService): express.Router {
  const r = express.Router();
  const options = new Map<string, DeployOptions>();
  r.post('/deployRequest', (req, res) => {
    void parts(req).then(({ zip, options: raw, error }) => {
      if (error || !zip) {
        sendError(res, 400, 'INVALID_INPUT', error ?? 'no zip');
        return;
      }
      const opts = deployOptionsFrom((raw as { deployOptions?: Record<string, unknown> } | null)?.deployOptions);
      const { session } = api(res);
      const id = service.start(zip, opts, { userId: session.user.userId, userName: session.user.displayName });
      options.set(id, opts);
      sendJson(res, 201, envelope(req, service.status(id)!, opts, false));
    });
  });
  r.get('/deployRequest/:id', (req, res) => {
    const result = service.status(String(req.params.id));
    if (!result) {
      sendError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
      return;
    }
    sendJson(res, 200, envelope(req, result, options.get(result.id) ?? {}, req.query.includeDetails === 'true'));
  });
  r.patch('/deployRequest/:id', (req, res) => {
    let body: { deployResult?: { status?: string } } = {};
    try {
      body = JSON.parse(typeof req.body === 'string' ? req.body : '{}') as typeof body;
    } catch {
      /* reported below */
    }
    if (body.deployResult?.status !== 'Canceling') {
      sendError(res, 400, 'INVALID_INPUT', 'to cancel a deploy, PATCH {"deployResult":{"status":"Canceling"}}');
      return;
    }
    const out = service.cancel(String(req.params.id));
    if (!out) {
      sendError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
      return;
    }
    const result = service.status(out.id)!;
    sendJson(res, 202, envelope(req, result, options.get(result.id) ?? {}, false));
  });
  return r;
}
