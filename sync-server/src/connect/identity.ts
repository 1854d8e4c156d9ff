// Who the connection acts as. Extraction needs it to tell reps' edits from Reco's own writes; the token
// response already names the user (its `id` URL ends in /ORG_ID/USER_ID), so most flows pay no call for it.
// `sf reco org check` needs the user's name too, and must not trust what the CLI stored as the "username":
// for an access-token login that is the token itself, and a JWT or web login may have no user id stored.
import type { Connection } from 'jsforce';

const known = new WeakMap<Connection, string>();

/** The user id from an OAuth token response's identity URL (https://host/id/00D.../005...), if it has one. */
export function userIdFromIdentityUrl(idUrl: unknown): string | undefined {
  if (typeof idUrl !== 'string') return undefined;
  const m = /\/id\/[^/]+\/([^/?#]+)\/?$/.exec(idUrl);
  return m?.[1];
}

/** The Id of the user this connection acts as: from the login when known, else one userinfo call (cached). */
export async function runningUserId(conn: Connection): Promise<string> {
  const cached = known.get(conn) ?? conn.userInfo?.id;
  if (cached) return cached;
  const res = await conn.request<{ user_id?: string }>({ method: 'GET', url: '/services/oauth2/userinfo' });
  if (typeof res.user_id !== 'string' || !res.user_id) throw new Error('the org did not say which user this connection acts as (/services/oauth2/userinfo has no user_id)');
  known.set(conn, res.user_id);
  return res.user_id;
}

export type OrgIdentity = { userId: string; username: string; orgId: string };

type UserInfo = { user_id?: unknown; preferred_username?: unknown; organization_id?: unknown };

/**
 * Who the connection's token belongs to, as the org says (OpenID Connect userinfo, which every OAuth flow's
 * token may call): the same answer for access-token, JWT and web logins.
 */
export async function whoAmI(conn: Connection): Promise<OrgIdentity> {
  const res = await conn.request<UserInfo>({ method: 'GET', url: '/services/oauth2/userinfo' });
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  const identity = { userId: str(res.user_id), username: str(res.preferred_username), orgId: str(res.organization_id) };
  const missing = Object.entries({ user_id: identity.userId, preferred_username: identity.username }).filter(([, v]) => !v).map(([k]) => k);
  if (missing.length > 0) throw new Error(`the org did not say which user this connection acts as (/services/oauth2/userinfo has no ${missing.join(' or ')})`);
  known.set(conn, identity.userId);
  return identity;
}
