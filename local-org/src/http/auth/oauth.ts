// POST /services/oauth2/token and /services/oauth2/revoke: the grants jsforce and @salesforce/core use.
// Responses carry the full field set (access_token, instance_url, id, token_type, issued_at, signature,
// scope) because jsforce parses `id` on every grant; errors are 400 {error, error_description}.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { sendJson } from '../respond.js';
import { identityUrl, originOf, type AuthContext } from './context.js';
import { checkAssertion, JwtError } from './jwt.js';
import type { OrgUser, Session } from './sessions.js';

const SCOPE = 'api refresh_token web full';

class OAuthError extends Error {
  public constructor(
    public readonly error: string,
    description: string,
    public readonly status = 400,
  ) {
    super(description);
  }
}

function same(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function field(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  return typeof v === 'string' ? v : undefined;
}

/** client_id/client_secret from the form, or from HTTP Basic auth (allowed for client credentials). */
function clientOf(req: Request, body: Record<string, unknown>): { id?: string; secret?: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  if (basic) {
    const [id, ...rest] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    return { id: decodeURIComponent(id), secret: decodeURIComponent(rest.join(':')) };
  }
  return { id: field(body, 'client_id'), secret: field(body, 'client_secret') };
}

function checkClient(ctx: AuthContext, client: { id?: string; secret?: string }, secretRequired: boolean): void {
  if (client.id === undefined || client.id !== ctx.clientId) throw new OAuthError('invalid_client_id', 'client identifier invalid');
  if (secretRequired || client.secret !== undefined) {
    if (!same(client.secret, ctx.clientSecret)) throw new OAuthError('invalid_client', 'invalid client credentials');
  }
}

export function tokenResponse(
  ctx: AuthContext,
  origin: string,
  session: Session,
  extra: { refreshToken?: string } = {},
): Record<string, string> {
  const id = identityUrl(origin, ctx, session.user);
  const issuedAt = String(session.issuedAt);
  return {
    access_token: session.token,
    ...(extra.refreshToken ? { refresh_token: extra.refreshToken } : {}),
    signature: createHmac('sha256', ctx.clientSecret).update(id + issuedAt).digest('base64'),
    scope: SCOPE,
    instance_url: origin,
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
  };
}

function grant(ctx: AuthContext, req: Request, body: Record<string, unknown>): { user: OrgUser; refresh?: boolean } {
  const grantType = field(body, 'grant_type');
  const client = clientOf(req, body);
  switch (grantType) {
    case 'password': {
      checkClient(ctx, client, true);
      const user = ctx.findUser(field(body, 'username') ?? '');
      // Only the configured password is known: other org users can't log in with a password.
      if (!user || user.userId !== ctx.admin.userId || !same(field(body, 'password'), ctx.password)) {
        throw new OAuthError('invalid_grant', 'authentication failure');
      }
      return { user };
    }
    case 'refresh_token': {
      checkClient(ctx, client, false);
      const user = ctx.sessions.userOfRefreshToken(field(body, 'refresh_token') ?? '');
      if (!user) throw new OAuthError('invalid_grant', 'expired access/refresh token');
      return { user };
    }
    case 'client_credentials': {
      checkClient(ctx, client, true);
      return { user: ctx.admin };
    }
    case 'urn:ietf:params:oauth:grant-type:jwt-bearer': {
      const assertion = field(body, 'assertion');
      if (!assertion) throw new OAuthError('invalid_request', 'assertion parameter is missing');
      let claims;
      try {
        claims = checkAssertion(assertion, ctx.jwtKey, ctx.clock());
      } catch (e) {
        if (e instanceof JwtError) throw new OAuthError(e.error, e.message);
        throw e;
      }
      if (claims.iss !== ctx.clientId) throw new OAuthError('invalid_client_id', 'client identifier invalid');
      const user = typeof claims.sub === 'string' ? ctx.findUser(claims.sub) : undefined;
      if (!user) throw new OAuthError('invalid_grant', 'user hasn\'t approved this consumer');
      return { user };
    }
    case undefined:
      throw new OAuthError('invalid_request', 'grant_type parameter is missing');
    default:
      throw new OAuthError('unsupported_grant_type', 'grant type not supported');
  }
}

export function tokenHandler(ctx: AuthContext) {
  return (req: Request, res: Response): void => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const { user } = grant(ctx, req, body);
      const session = ctx.sessions.issue(user, 'oauth');
      // Salesforce hands out refresh tokens only to interactive flows; the refresh grant returns none.
      sendJson(res, 200, tokenResponse(ctx, originOf(req), session));
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      sendJson(res, e.status, { error: e.error, error_description: e.message });
    }
  };
}

export function revokeHandler(ctx: AuthContext) {
  return (req: Request, res: Response): void => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const token = field(body, 'token') ?? (typeof req.query.token === 'string' ? req.query.token : undefined);
    if (!token) {
      sendJson(res, 400, { error: 'invalid_request', error_description: 'token parameter is missing' });
      return;
    }
    if (ctx.sessions.revoke(token) || ctx.sessions.revokeRefreshToken(token)) {
      res.status(200).end();
      return;
    }
    sendJson(res, 400, { error: 'unsupported_token_type', error_description: 'this token type is not supported' });
  };
}
