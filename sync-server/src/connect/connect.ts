// One factory for every way an admin authorises Reco: an sf CLI alias, JWT bearer, client credentials, a
// refresh token, or username-password. Each returns a plain jsforce Connection that re-authenticates by itself
// on a 401 (refreshFn), so callers never handle token expiry.
import { Connection } from 'jsforce';
import type { TokenResponse } from 'jsforce/lib/oauth2.js';
import { parseConnectionConfig, readPrivateKey, type ConnectionConfig, type ConnectionConfigInput } from './config.js';
import { userIdFromIdentityUrl } from './identity.js';
import { jwtAudience, signJwtAssertion } from './jwt.js';

export class AuthError extends Error {
  public constructor(flow: string, detail: string) {
    super(`could not authenticate with the ${flow} flow: ${detail}`);
    this.name = 'AuthError';
  }
}

/** The token endpoint's error, without echoing anything we sent (the form carries secrets). */
async function postToken(loginUrl: string, form: Record<string, string>, flow: string): Promise<TokenResponse> {
  let res: Response;
  try {
    res = await fetch(`${loginUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
    });
  } catch (err) {
    throw new AuthError(flow, `${loginUrl} is unreachable (${(err as Error).message})`);
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* non-JSON error page */
  }
  if (!res.ok || typeof body.access_token !== 'string') {
    const reason = typeof body.error === 'string' ? `${body.error}: ${String(body.error_description ?? '')}` : `HTTP ${res.status}`;
    throw new AuthError(flow, `${loginUrl} answered ${reason}`);
  }
  return body as unknown as TokenResponse;
}

function tokenRefresher(fetchToken: () => Promise<TokenResponse>) {
  return (conn: Connection, callback: (err: Error | null | undefined, token?: string, res?: TokenResponse) => void): void => {
    fetchToken().then(
      (res) => {
        conn.instanceUrl = res.instance_url;
        callback(null, res.access_token, res);
      },
      (err: Error) => callback(err),
    );
  };
}

export async function createConnection(input: ConnectionConfigInput | ConnectionConfig): Promise<Connection> {
  const config = parseConnectionConfig(input);
  const version = config.apiVersion;
  switch (config.flow) {
    case 'sf-org': {
      // Dynamic import: @salesforce/core is heavy and only this flow needs it.
      const { Org } = await import('@salesforce/core');
      let org;
      try {
        org = await Org.create({ aliasOrUsername: config.targetOrg });
      } catch (err) {
        // A username is what `sf org login` records by itself; an alias is a name the admin chose for it.
        const fix = config.targetOrg.includes('@') ? `run \`sf org login web\` and log in as ${config.targetOrg}` : `run \`sf org login web --alias ${config.targetOrg}\``;
        throw new AuthError('sf-org', `no sf CLI authorisation for "${config.targetOrg}" (${fix}): ${(err as Error).message}`);
      }
      const sfConn = org.getConnection();
      return new Connection({
        version,
        instanceUrl: sfConn.instanceUrl,
        accessToken: sfConn.accessToken ?? undefined,
        refreshFn: (conn, cb) => {
          org.refreshAuth().then(
            () => cb(null, org.getConnection().accessToken ?? undefined),
            (err: Error) => cb(new AuthError('sf-org', err.message)),
          );
        },
      });
    }
    case 'jwt': {
      const key = readPrivateKey(config);
      const fetchToken = (): Promise<TokenResponse> =>
        postToken(
          config.loginUrl,
          {
            grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
            assertion: signJwtAssertion(key, { clientId: config.clientId, username: config.username, audience: jwtAudience(config.loginUrl) }),
          },
          'jwt',
        );
      return establish(version, fetchToken);
    }
    case 'client-credentials': {
      const fetchToken = (): Promise<TokenResponse> =>
        postToken(config.loginUrl, { grant_type: 'client_credentials', client_id: config.clientId, client_secret: config.clientSecret }, 'client-credentials');
      return establish(version, fetchToken);
    }
    case 'refresh-token': {
      const oauth2 = { clientId: config.clientId, clientSecret: config.clientSecret, loginUrl: config.loginUrl };
      if (config.accessToken && config.instanceUrl) {
        return new Connection({ version, oauth2, instanceUrl: config.instanceUrl, accessToken: config.accessToken, refreshToken: config.refreshToken });
      }
      const form: Record<string, string> = { grant_type: 'refresh_token', refresh_token: config.refreshToken, client_id: config.clientId };
      if (config.clientSecret) form.client_secret = config.clientSecret;
      const res = await postToken(config.loginUrl, form, 'refresh-token');
      return withUser(new Connection({ version, oauth2, instanceUrl: res.instance_url, accessToken: res.access_token, refreshToken: config.refreshToken }), res);
    }
    case 'password': {
      const fetchToken = (): Promise<TokenResponse> =>
        postToken(
          config.loginUrl,
          { grant_type: 'password', client_id: config.clientId, client_secret: config.clientSecret, username: config.username, password: config.password },
          'password',
        );
      return establish(version, fetchToken);
    }
  }
}

async function establish(version: string, fetchToken: () => Promise<TokenResponse>): Promise<Connection> {
  const res = await fetchToken();
  return withUser(new Connection({ version, instanceUrl: res.instance_url, accessToken: res.access_token, refreshFn: tokenRefresher(fetchToken) }), res);
}

/** Remembers who the token belongs to (jsforce's constructor ignores userInfo), saving a userinfo call later. */
function withUser(conn: Connection, res: TokenResponse): Connection {
  const id = userIdFromIdentityUrl(res.id);
  if (id) conn.userInfo = { id, organizationId: res.id.split('/').at(-2) ?? '', url: res.id };
  return conn;
}
