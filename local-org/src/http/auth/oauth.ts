// POST /services/oauth2/token and /services/oauth2/revoke: the grants jsforce and @salesforce/core use.
// Responses carry the full field set (access_token, instance_url, id, token_type, issued_at, signature,
// scope) because jsforce parses `id` on every grant; errors are 400 {error, error_description}.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
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

type PendingCode = { user: OrgUser; clientId: string; redirectUri: string; challenge?: string; method?: string; expires: number };

/** Authorization codes handed out by /authorize, redeemable once within 15 minutes. */
const CODE_TTL_MS = 15 * 60 * 1000;
const codes = new WeakMap<AuthContext, Map<string, PendingCode>>();
const codesOf = (ctx: AuthContext): Map<string, PendingCode> => {
  let m = codes.get(ctx);
  if (!m) codes.set(ctx, (m = new Map()));
  return m;
};

function redeemCode(ctx: AuthContext, body: Record<string, unknown>, client: { id?: string; secret?: string }): OrgUser {
  const code = field(body, 'code') ?? '';
  const pending = codesOf(ctx).get(code);
  codesOf(ctx).delete(code);
  if (!pending || pending.expires < ctx.clock().getTime()) throw new OAuthError('invalid_grant', 'invalid authorization code');
  if (client.id !== pending.clientId) throw new OAuthError('invalid_client_id', 'client identifier invalid');
  if (field(body, 'redirect_uri') !== pending.redirectUri) throw new OAuthError('redirect_uri_mismatch', 'redirect_uri must match configuration');
  if (pending.challenge) {
    const verifier = field(body, 'code_verifier') ?? '';
    const computed = pending.method === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url');
    if (computed !== pending.challenge) throw new OAuthError('invalid_grant', 'invalid code verifier');
  } else {
    checkClient(ctx, client, true);
  }
  return pending.user;
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
    case 'authorization_code':
      return { user: redeemCode(ctx, body, client), refresh: true };
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
      const { user, refresh } = grant(ctx, req, body);
      const session = ctx.sessions.issue(user, 'oauth');
      // Salesforce hands out refresh tokens only to interactive flows (here: the authorization code).
      const extra = refresh ? { refreshToken: ctx.sessions.refreshTokenFor(user) } : {};
      sendJson(res, 200, tokenResponse(ctx, originOf(req), session, extra));
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

/**
 * GET /services/oauth2/authorize (web-server flow): a local org has no login page, so the admin approves
 * every request at once and the browser is sent straight back to redirect_uri with a code.
 */
export function authorizeHandler(ctx: AuthContext) {
  return (req: Request, res: Response): void => {
    const q = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined);
    const redirectUri = q('redirect_uri');
    if (q('client_id') !== ctx.clientId || !redirectUri) {
      sendJson(res, 400, { error: 'invalid_client_id', error_description: 'client identifier invalid' });
      return;
    }
    const target = new URL(redirectUri);
    const state = q('state');
    if (q('response_type') !== 'code') {
      target.searchParams.set('error', 'unsupported_response_type');
      target.searchParams.set('error_description', 'response type not supported');
    } else {
      const code = `aPrx${randomBytes(32).toString('base64url')}`;
      codesOf(ctx).set(code, {
        user: ctx.admin,
        clientId: ctx.clientId,
        redirectUri,
        challenge: q('code_challenge'),
        method: q('code_challenge_method'),
        expires: ctx.clock().getTime() + CODE_TTL_MS,
      });
      target.searchParams.set('code', code);
    }
    if (state !== undefined) target.searchParams.set('state', state);
    res.redirect(302, target.toString());
  };
}
