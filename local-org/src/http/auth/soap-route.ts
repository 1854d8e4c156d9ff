// POST /services/Soap/u/{version}: login (jsforce without an OAuth client) and logout.
import type { Request, Response } from 'express';
import { originOf, type AuthContext } from './context.js';
import { loginResponse, logoutResponse, parseSoapCall, soapFault } from './soap.js';
import { SESSION_IDLE_MS } from './sessions.js';

function sendXml(res: Response, status: number, xml: string): void {
  res.status(status).setHeader('Content-Type', 'text/xml;charset=UTF-8');
  res.end(xml);
}

export function soapHandler(ctx: AuthContext) {
  return (req: Request, res: Response): void => {
    const version = String(req.params.version);
    const call = parseSoapCall(typeof req.body === 'string' ? req.body : '');
    if (call.op === 'login') {
      const user = ctx.findUser(call.username);
      if (!user || user.userId !== ctx.admin.userId || call.password !== ctx.password) {
        sendXml(
          res,
          500,
          soapFault('sf:INVALID_LOGIN', 'INVALID_LOGIN: Invalid username, password, security token; or user locked out.'),
        );
        return;
      }
      const session = ctx.sessions.issue(user, 'soap');
      const origin = originOf(req);
      sendXml(
        res,
        200,
        loginResponse({
          serverUrl: `${origin}/services/Soap/u/${version}/${ctx.orgId}`,
          metadataServerUrl: `${origin}/services/Soap/m/${version}/${ctx.orgId}`,
          sessionId: session.token,
          userId: user.userId,
          organizationId: ctx.orgId,
          username: user.username,
          fullName: user.displayName,
          email: user.email,
          sessionSecondsValid: SESSION_IDLE_MS / 1000,
          currency: ctx.orgCurrency(),
        }),
      );
      return;
    }
    if (call.op === 'logout') {
      if (!ctx.sessions.revoke(call.sessionId)) {
        sendXml(res, 500, soapFault('sf:INVALID_SESSION_ID', 'INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session'));
        return;
      }
      sendXml(res, 200, logoutResponse());
      return;
    }
    sendXml(res, 500, soapFault('sf:UNKNOWN_EXCEPTION', 'UNKNOWN_EXCEPTION: only login and logout are emulated on the SOAP endpoint'));
  };
}
