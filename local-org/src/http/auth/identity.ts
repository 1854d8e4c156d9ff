// GET /id/{org}/{user} (what conn.identity() reads) and GET /services/oauth2/userinfo (OpenID Connect).
import type { Request, Response } from 'express';
import { LATEST_VERSION } from '../versions.js';
import { sendError, sendJson, sendNotFound } from '../respond.js';
import { bearerToken, identityUrl, originOf, type AuthContext } from './context.js';
import type { Session } from './sessions.js';

function urls(origin: string, ctx: AuthContext, s: Session): Record<string, string> {
  const base = `${origin}/services/data/v{version}`;
  return {
    enterprise: `${origin}/services/Soap/c/{version}/${ctx.orgId}`,
    metadata: `${origin}/services/Soap/m/{version}/${ctx.orgId}`,
    partner: `${origin}/services/Soap/u/{version}/${ctx.orgId}`,
    rest: `${base}/`,
    sobjects: `${base}/sobjects/`,
    search: `${base}/search/`,
    query: `${base}/query/`,
    recent: `${base}/recent/`,
    tooling_soap: `${origin}/services/Soap/T/{version}/${ctx.orgId}`,
    tooling_rest: `${base}/tooling/`,
    profile: `${origin}/${s.user.userId}`,
    feeds: `${base}/chatter/feeds`,
    groups: `${base}/chatter/groups`,
    users: `${base}/chatter/users`,
    feed_items: `${base}/chatter/feed-items`,
    custom_domain: origin,
  };
}

const photos = (origin: string) => ({
  picture: `${origin}/profilephoto/005/F`,
  thumbnail: `${origin}/profilephoto/005/T`,
});

function authenticate(ctx: AuthContext, req: Request, res: Response): Session | undefined {
  const token = bearerToken(req);
  const session = token ? ctx.sessions.check(token) : undefined;
  if (!session) sendError(res, 403, 'Bad_OAuth_Token', 'Bad_OAuth_Token');
  return session;
}

export function identityHandler(ctx: AuthContext) {
  return (req: Request, res: Response): void => {
    const session = authenticate(ctx, req, res);
    if (!session) return;
    const { org, user } = req.params as { org: string; user: string };
    // The identity URL is case-sensitive on the 15-char part; either id form is accepted.
    if (org.slice(0, 15) !== ctx.orgId.slice(0, 15) || user.slice(0, 15) !== session.user.userId.slice(0, 15)) {
      sendNotFound(res);
      return;
    }
    const origin = originOf(req);
    const u = session.user;
    sendJson(res, 200, {
      id: identityUrl(origin, ctx, u),
      asserted_user: true,
      user_id: u.userId,
      organization_id: ctx.orgId,
      username: u.username,
      nick_name: u.username.split('@')[0],
      display_name: u.displayName,
      email: u.email,
      email_verified: true,
      first_name: u.firstName,
      last_name: u.lastName,
      timezone: 'GMT',
      photos: photos(origin),
      addr_street: null,
      addr_city: null,
      addr_state: null,
      addr_country: null,
      addr_zip: null,
      mobile_phone: null,
      mobile_phone_verified: false,
      is_lightning_login_user: false,
      status: { created_date: null, body: null },
      urls: urls(origin, ctx, session),
      active: true,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: 0,
      last_modified_date: new Date(session.issuedAt).toISOString().replace('Z', '+0000'),
      is_app_installed: true,
    });
  };
}

export function userinfoHandler(ctx: AuthContext) {
  return (req: Request, res: Response): void => {
    const session = authenticate(ctx, req, res);
    if (!session) return;
    const origin = originOf(req);
    const u = session.user;
    sendJson(res, 200, {
      sub: identityUrl(origin, ctx, u),
      user_id: u.userId,
      organization_id: ctx.orgId,
      preferred_username: u.username,
      nickname: u.username.split('@')[0],
      name: u.displayName,
      email: u.email,
      email_verified: true,
      given_name: u.firstName,
      family_name: u.lastName,
      zoneinfo: 'GMT',
      photos: photos(origin),
      profile: `${origin}/${u.userId}`,
      picture: photos(origin).picture,
      address: {},
      urls: Object.fromEntries(Object.entries(urls(origin, ctx, session)).map(([k, v]) => [k, v.replace('{version}', LATEST_VERSION)])),
      active: true,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: 0,
      updated_at: new Date(session.issuedAt).toISOString(),
      is_app_installed: true,
    });
  };
}
