// POST /services/Soap/m/{version}: the Metadata API calls `sf project deploy start` makes over SOAP
// (deploy, checkDeployStatus, cancelDeploy) plus listMetadata for what was deployed. jsforce reads the
// response by element names under a prefixed Envelope/Body, and casts values with its schema, so every
// DeployMessage carries a componentType element (empty for package.xml) as SDR requires.
import type { Request, Response } from 'express';
import { XMLParser } from 'fast-xml-parser';
import { deployOptionsFrom, type DeployService } from '../../metadata-api/deploy.js';
import { listMetadata } from '../../metadata-api/list.js';
import type { LocalOrgStore } from '../../store/org-store.js';
import type { AuthContext } from '../auth/context.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const envelope = (body: string): string =>
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
  'xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>' +
  body +
  '</soapenv:Body></soapenv:Envelope>';

/** Objects become nested elements, arrays repeated elements; undefined values are left out. */
export function toXml(name: string, value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => toXml(name, v)).join('');
  if (value !== null && typeof value === 'object') {
    return `<${name}>${Object.entries(value as Record<string, unknown>).map(([k, v]) => toXml(k, v)).join('')}</${name}>`;
  }
  if (value === null) return `<${name} xsi:nil="true"/>`;
  return `<${name}>${esc(String(value))}</${name}>`;
}

function fault(res: Response, code: string, message: string): void {
  res.status(500).setHeader('Content-Type', 'text/xml;charset=UTF-8');
  res.end(envelope(`<soapenv:Fault><faultcode>sf:${code}</faultcode><faultstring>${esc(`${code}: ${message}`)}</faultstring></soapenv:Fault>`));
}

function respond(res: Response, op: string, result: unknown): void {
  res.status(200).setHeader('Content-Type', 'text/xml;charset=UTF-8');
  res.end(envelope(`<${op}Response>${toXml('result', result)}</${op}Response>`));
}

const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, isArray: (name) => ['runTests', 'queries'].includes(name) });

/** `consume` counts the call against the daily API allocation (false: spent), as every SOAP call counts. */
export function metadataSoapHandler(auth: AuthContext, service: DeployService, store: LocalOrgStore, consume: () => boolean = () => true) {
  return (req: Request, res: Response): void => {
    let doc: Record<string, unknown>;
    try {
      doc = parser.parse(typeof req.body === 'string' ? req.body : '') as Record<string, unknown>;
    } catch {
      fault(res, 'INVALID_XML', 'the request is not well-formed XML');
      return;
    }
    const env = (doc.Envelope ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const header = (env.Header ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const token = String(header.SessionHeader?.sessionId ?? '');
    const session = token ? auth.sessions.check(token) : undefined;
    if (!session) {
      fault(res, 'INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session');
      return;
    }
    if (!consume()) {
      fault(res, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
      return;
    }
    const body = (env.Body ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const [op] = Object.keys(body);
    const args = body[op] ?? {};
    switch (op) {
      case 'deploy': {
        const zip = Buffer.from(String(args.ZipFile ?? ''), 'base64');
        const id = service.start(zip, deployOptionsFrom(args.DeployOptions as Record<string, unknown>), { userId: session.user.userId, userName: session.user.displayName });
        respond(res, op, { done: false, id, state: 'Queued' });
        return;
      }
      case 'checkDeployStatus': {
        const result = service.status(String(args.asyncProcessId ?? ''));
        if (!result) {
          fault(res, 'INVALID_ID_FIELD', 'Invalid id');
          return;
        }
        const details = args.includeDetails === 'true' ? result.details : { componentSuccesses: [], componentFailures: [], runTestResult: result.details.runTestResult };
        respond(res, op, { ...result, details });
        return;
      }
      case 'cancelDeploy': {
        const out = service.cancel(String(args.id ?? args.String ?? ''));
        if (!out) {
          fault(res, 'INVALID_ID_FIELD', 'Invalid id');
          return;
        }
        respond(res, op, out);
        return;
      }
      case 'listMetadata': {
        const queries = (args.queries as Record<string, unknown>[] | undefined) ?? [];
        respond(res, op, queries.flatMap((q) => listMetadata(store, String(q.type ?? ''))));
        return;
      }
      default:
        fault(res, 'UNKNOWN_EXCEPTION', `local-org does not implement the Metadata API call ${op ?? '(none)'}; it supports deploy, checkDeployStatus, cancelDeploy and listMetadata`);
    }
  };
}
