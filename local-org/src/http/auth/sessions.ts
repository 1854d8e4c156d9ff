// Access and refresh tokens. Access tokens live in memory (a restart logs everyone out, as an org
// maintenance would); refresh tokens are derived from the client secret, so a credentials file written by
// one run keeps refreshing against the next run of the same configuration.
import { createHmac, randomBytes } from 'node:crypto';

/** Salesforce's default session timeout: two hours without activity. */
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;

export type OrgUser = {
  userId: string; // 18 chars
  username: string;
  displayName: string;
  email: string;
  firstName: string;
  lastName: string;
};

export type Session = {
  token: string;
  user: OrgUser;
  issuedAt: number;
  lastUsed: number;
  via: 'oauth' | 'soap';
};

export type SessionStore = {
  issue(user: OrgUser, via: Session['via']): Session;
  /** The live session of a token, touching its idle timer; undefined when unknown, revoked or idle too long. */
  check(token: string): Session | undefined;
  revoke(token: string): boolean;
  refreshTokenFor(user: OrgUser): string;
  /** The user a refresh token belongs to; undefined when unknown or revoked. */
  userOfRefreshToken(token: string): OrgUser | undefined;
  revokeRefreshToken(token: string): boolean;
};

export function createSessionStore(orgId15: string, clientSecret: string, clock: () => Date): SessionStore {
  const sessions = new Map<string, Session>();
  const refreshUsers = new Map<string, OrgUser>();
  const revokedRefresh = new Set<string>();
  const refreshTokenFor = (user: OrgUser): string => {
    const mac = createHmac('sha256', clientSecret).update(`refresh:${user.userId}`).digest('base64url');
    const token = `5Aep861${mac.slice(0, 80)}`;
    refreshUsers.set(token, user);
    return token;
  };
  return {
    issue(user, via) {
      const now = clock().getTime();
      const token = `${orgId15}!${randomBytes(72).toString('base64url').replace(/[-_]/g, 'A').slice(0, 96)}`;
      const session: Session = { token, user, issuedAt: now, lastUsed: now, via };
      sessions.set(token, session);
      return session;
    },
    check(token) {
      const s = sessions.get(token);
      if (!s) return undefined;
      const now = clock().getTime();
      if (now - s.lastUsed > SESSION_IDLE_MS) {
        sessions.delete(token);
        return undefined;
      }
      s.lastUsed = Math.max(s.lastUsed, now);
      return s;
    },
    revoke(token) {
      return sessions.delete(token);
    },
    refreshTokenFor(user) {
      const token = refreshTokenFor(user);
      revokedRefresh.delete(token);
      return token;
    },
    userOfRefreshToken(token) {
      if (revokedRefresh.has(token)) return undefined;
      return refreshUsers.get(token);
    },
    revokeRefreshToken(token) {
      if (!refreshUsers.has(token) || revokedRefresh.has(token)) return false;
      revokedRefresh.add(token);
      // Revoking a refresh token also ends the sessions it could renew, as Salesforce does.
      const user = refreshUsers.get(token);
      for (const [t, s] of sessions) if (s.user.userId === user?.userId) sessions.delete(t);
      return true;
    },
  };
}
