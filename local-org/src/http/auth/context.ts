// Everything the auth routes need to know about the org's identity and credentials.
import type { KeyObject } from 'node:crypto';
import type { Request } from 'express';
import type { OrgUser, SessionStore } from './sessions.js';

export type AuthContext = {
  orgId: string; // 18 chars
  clientId: string;
  clientSecret: string;
  password: string;
  jwtKey?: KeyObject;
  admin: OrgUser;
  /** Users who may log in (the admin plus active User records); case-insensitive username. */
  findUser(username: string): OrgUser | undefined;
  sessions: SessionStore;
  clock: () => Date;
  /** Organization.DefaultCurrencyIsoCode as the org holds it now (the SOAP login's userInfo reports it). */
  orgCurrency: () => string;
};

/** The origin the client used to reach us (instance_url, identity and SOAP serverUrl all derive from it). */
export function originOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;
}

export function identityUrl(origin: string, ctx: AuthContext, user: OrgUser): string {
  return `${origin}/id/${ctx.orgId}/${user.userId}`;
}

/** Reads the bearer token from Authorization (or the oauth_token query parameter the identity URL accepts). */
export function bearerToken(req: Request): string | undefined {
  const h = req.get('authorization');
  if (h) {
    const m = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(h.trim());
    if (m) return m[1];
  }
  const q = req.query.oauth_token;
  return typeof q === 'string' && q ? q : undefined;
}
