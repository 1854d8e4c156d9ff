// Shared set-up for the local-org HTTP tests: a fresh in-memory org (with Reco's metadata deployed, unless
// asked for a blank one) and jsforce connections to it.
import { Connection } from 'jsforce';
import { startLocalOrg, type LocalOrg, type LocalOrgOptions } from '../../local-org/src/index.js';
import { installReco } from '../support/reco-org.js';

export const PASSWORD = 'test-password-1';
export const CLIENT_SECRET = 'test-client-secret';

export async function startTestOrg(opts: LocalOrgOptions = {}, { blank = false }: { blank?: boolean } = {}): Promise<LocalOrg> {
  const org = await startLocalOrg({ password: PASSWORD, clientSecret: CLIENT_SECRET, ...opts });
  if (!blank) {
    try {
      installReco(org);
    } catch (e) {
      await org.close();
      throw e;
    }
  }
  return org;
}

/** A connection holding the org's initial access token plus a refresh token (refreshes on 401). */
export function tokenConnection(org: LocalOrg, version = '62.0'): Connection {
  const c = org.credentials;
  return new Connection({
    instanceUrl: c.instanceUrl,
    accessToken: c.accessToken,
    refreshToken: c.refreshToken,
    oauth2: { clientId: c.clientId, clientSecret: c.clientSecret, loginUrl: c.loginUrl },
    version,
  });
}

/** Runs `fn` and returns what it threw (fails the test when it doesn't throw). */
export async function rejection(fn: () => PromiseLike<unknown>): Promise<Error & { errorCode?: string; data?: unknown }> {
  try {
    await fn();
  } catch (e) {
    return e as Error & { errorCode?: string; data?: unknown };
  }
  throw new Error('expected the call to fail');
}
