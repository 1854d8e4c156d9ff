import { createSign, generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { Connection } from 'jsforce';
import type { LocalOrg } from '../../local-org/src/index.js';
import { CLIENT_SECRET, PASSWORD, rejection, startTestOrg, tokenConnection } from './http-fixture.js';

function jwt(claims: Record<string, unknown>, privateKey: import('node:crypto').KeyObject): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${enc({ alg: 'RS256' })}.${enc(claims)}`;
  const sig = createSign('RSA-SHA256').update(head).sign(privateKey).toString('base64url');
  return `${head}.${sig}`;
}

describe('local-org HTTP: authentication, versions and limits (jsforce)', () => {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let org: LocalOrg;

  before(async () => {
    org = await startTestOrg({ jwtPublicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
  });
  after(async () => org.close());

  const oauthConn = () =>
    new Connection({ oauth2: { clientId: org.credentials.clientId, clientSecret: CLIENT_SECRET, loginUrl: org.url }, version: '62.0' });

  it('logs in with the OAuth password grant and answers identity()', async () => {
    const conn = oauthConn();
    const info = await conn.login(org.credentials.username, PASSWORD);
    expect(conn.instanceUrl).to.equal(org.url);
    expect(conn.accessToken).to.match(/^00D[A-Za-z0-9]{12}![A-Za-z0-9]+$/);
    expect(info.organizationId).to.equal(org.store.identity.organizationId);
    expect(info.id).to.equal(org.store.identity.adminUserId);
    const id = await conn.identity();
    expect(id.user_id).to.equal(org.store.identity.adminUserId);
    expect(id.organization_id).to.equal(org.store.identity.organizationId);
    expect(id.username).to.equal(org.credentials.username);
    expect(id.urls.rest).to.equal(`${org.url}/services/data/v{version}/`);
  });

  it('returns the full token response with a verifiable signature', async () => {
    const res = await fetch(`${org.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: org.credentials.clientId, client_secret: CLIENT_SECRET, username: org.credentials.username, password: PASSWORD }),
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/json;charset=UTF-8');
    const body = (await res.json()) as Record<string, string>;
    expect(body).to.include.keys('access_token', 'instance_url', 'id', 'token_type', 'issued_at', 'signature', 'scope');
    expect(body).not.to.have.property('refresh_token');
    expect(body.instance_url).to.equal(org.url);
    expect(body.issued_at).to.match(/^\d{13}$/);
    const { createHmac } = await import('node:crypto');
    expect(body.signature).to.equal(createHmac('sha256', CLIENT_SECRET).update(body.id + body.issued_at).digest('base64'));
  });

  it('rejects a wrong password and a wrong client secret the way Salesforce does', async () => {
    const bad = await rejection(() => oauthConn().login(org.credentials.username, 'nope'));
    expect(bad.name).to.equal('invalid_grant');
    expect(bad.message).to.equal('authentication failure');
    const conn = new Connection({ oauth2: { clientId: org.credentials.clientId, clientSecret: 'wrong', loginUrl: org.url } });
    const badClient = await rejection(() => conn.login(org.credentials.username, PASSWORD));
    expect(badClient.name).to.equal('invalid_client');
  });

  it('logs in over SOAP when the connection has no OAuth client, and logs out', async () => {
    const conn = new Connection({ loginUrl: org.url, version: '62.0' });
    const info = await conn.login(org.credentials.username, PASSWORD);
    expect(conn.instanceUrl).to.equal(org.url);
    expect(info.organizationId).to.equal(org.store.identity.organizationId);
    const res = await conn.query<{ Username: string }>('SELECT Username FROM User WHERE Username = \'admin@reco.local\'');
    expect(res.records.map((r) => r.Username)).to.deep.equal(['admin@reco.local']);
    const token = conn.accessToken as string;
    await conn.logout();
    const after = new Connection({ instanceUrl: org.url, accessToken: token, version: '62.0' });
    expect((await rejection(() => after.query('SELECT Id FROM Organization'))).errorCode).to.equal('INVALID_SESSION_ID');
    const bad = await rejection(() => new Connection({ loginUrl: org.url }).login(org.credentials.username, 'nope'));
    expect(bad.message).to.match(/^INVALID_LOGIN: Invalid username, password, security token; or user locked out\.$/);
  });

  it('accepts a JWT bearer assertion signed with the configured key and checks iss, sub and exp', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: org.credentials.clientId, sub: org.credentials.username, aud: org.url, exp: now + 180 };
    const conn = new Connection({ loginUrl: org.url, version: '62.0' });
    const grant = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
    await conn.authorize({ grant_type: grant, assertion: jwt(claims, keys.privateKey) });
    expect(conn.instanceUrl).to.equal(org.url);
    expect((await conn.query('SELECT Id FROM Organization')).totalSize).to.equal(1);

    const wrongKey = await rejection(() => new Connection({ loginUrl: org.url }).authorize({ grant_type: grant, assertion: jwt(claims, otherKeys.privateKey) }));
    expect(wrongKey.name).to.equal('invalid_grant');
    const expired = await rejection(() => new Connection({ loginUrl: org.url }).authorize({ grant_type: grant, assertion: jwt({ ...claims, exp: now - 10 }, keys.privateKey) }));
    expect(expired.name).to.equal('invalid_grant');
    const wrongIss = await rejection(() => new Connection({ loginUrl: org.url }).authorize({ grant_type: grant, assertion: jwt({ ...claims, iss: 'other' }, keys.privateKey) }));
    expect(wrongIss.name).to.equal('invalid_client_id');
    const unknownUser = await rejection(() => new Connection({ loginUrl: org.url }).authorize({ grant_type: grant, assertion: jwt({ ...claims, sub: 'nobody@example.com' }, keys.privateKey) }));
    expect(unknownUser.name).to.equal('invalid_grant');
    // Other active users of the org may be the subject (the integration user, for example).
    const integ = new Connection({ loginUrl: org.url, version: '62.0' });
    const ui = await integ.authorize({ grant_type: grant, assertion: jwt({ ...claims, sub: 'integration@reco.local' }, keys.privateKey) });
    expect(ui.id).to.equal(org.store.identity.integrationUserId);
  });

  it('runs the web-server flow: authorize redirects with a code, the code grant returns a refresh token', async () => {
    const conn = new Connection({
      oauth2: { clientId: org.credentials.clientId, clientSecret: CLIENT_SECRET, loginUrl: org.url, redirectUri: 'http://localhost:1717/callback' },
      version: '62.0',
    });
    const authUrl = conn.oauth2.getAuthorizationUrl({ state: 'xyz' });
    const res = await fetch(authUrl, { redirect: 'manual' });
    expect(res.status).to.equal(302);
    const back = new URL(res.headers.get('location') as string);
    expect(back.origin + back.pathname).to.equal('http://localhost:1717/callback');
    expect(back.searchParams.get('state')).to.equal('xyz');
    const code = back.searchParams.get('code') as string;
    await conn.authorize(code);
    expect(conn.refreshToken).to.match(/^5Aep861/);
    expect((await conn.query('SELECT Id FROM Organization')).totalSize).to.equal(1);
    const reused = await rejection(() => conn.authorize(code));
    expect(reused.name).to.equal('invalid_grant');
  });

  it('issues tokens for the client credentials grant', async () => {
    const conn = oauthConn();
    const ui = await conn.authorize({ grant_type: 'client_credentials' });
    expect(ui.id).to.equal(org.store.identity.adminUserId);
    expect((await conn.identity()).user_id).to.equal(org.store.identity.adminUserId);
  });

  it('answers 401 INVALID_SESSION_ID to unknown tokens and jsforce refreshes with the refresh token', async () => {
    const c = org.credentials;
    const bare = new Connection({ instanceUrl: c.instanceUrl, accessToken: `${c.accessToken}x`, version: '62.0' });
    const err = await rejection(() => bare.query('SELECT Id FROM Organization'));
    expect(err.errorCode).to.equal('INVALID_SESSION_ID');
    expect(err.message).to.equal('Session expired or invalid');

    const conn = tokenConnection(org);
    conn.accessToken = 'stale-token';
    const refreshed: string[] = [];
    conn.on('refresh', (token: string) => refreshed.push(token));
    const res = await conn.query('SELECT Id FROM Organization');
    expect(res.totalSize).to.equal(1);
    expect(refreshed).to.have.length(1);
    expect(conn.accessToken).to.equal(refreshed[0]);
  });

  it('revokes access tokens (logout) and refresh tokens', async () => {
    const conn = oauthConn();
    await conn.login(org.credentials.username, PASSWORD);
    const token = conn.accessToken as string;
    await conn.logout();
    const after = new Connection({ instanceUrl: org.url, accessToken: token });
    expect((await rejection(() => after.query('SELECT Id FROM Organization'))).errorCode).to.equal('INVALID_SESSION_ID');
    const bogus = await fetch(`${org.url}/services/oauth2/revoke`, { method: 'POST', body: new URLSearchParams({ token: 'nope' }) });
    expect(bogus.status).to.equal(400);
  });

  it('serves a connection whose stored instance URL ends in "/" (requests arrive as //services/...)', async () => {
    const conn = oauthConn();
    await conn.login(org.credentials.username, PASSWORD);
    const slashed = new Connection({ instanceUrl: `${org.url}/`, accessToken: conn.accessToken as string, version: '62.0' });
    const res = await slashed.query<{ Id: string }>('SELECT Id FROM Organization');
    expect(res.records[0].Id).to.equal(org.store.identity.organizationId);
    const raw = await fetch(`${org.url}//services/data/v62.0/limits`, { headers: { authorization: `Bearer ${conn.accessToken}` } });
    expect(raw.status).to.equal(200);
  });

  it('lists versions without auth, resolves the version root and 404s unknown versions', async () => {
    const res = await fetch(`${org.url}/services/data`);
    const versions = (await res.json()) as { label: string; url: string; version: string }[];
    expect(versions[0]).to.deep.equal({ label: "Summer '14", url: '/services/data/v31.0', version: '31.0' });
    expect(versions.at(-1)).to.deep.equal({ label: "Summer '26", url: '/services/data/v67.0', version: '67.0' });
    expect(versions.find((v) => v.version === '50.0')?.label).to.equal("Winter '21");
    const conn = tokenConnection(org);
    const root = await conn.request<Record<string, string>>('/services/data/v62.0');
    expect(root.sobjects).to.equal('/services/data/v62.0/sobjects');
    expect(root.identity).to.equal(`${org.url}/id/${org.store.identity.organizationId}/${org.store.identity.adminUserId}`);
    const old = new Connection({ instanceUrl: org.url, accessToken: org.credentials.accessToken, version: '30.0' });
    expect((await rejection(() => old.query('SELECT Id FROM Organization'))).errorCode).to.equal('NOT_FOUND');
  });

  it('reports API usage in Sforce-Limit-Info and /limits', async () => {
    const conn = tokenConnection(org);
    await conn.query('SELECT Id FROM Organization');
    const before = org.apiUsage().used;
    expect(conn.limitInfo.apiUsage).to.deep.equal({ used: before, limit: 15000 });
    const limits = await conn.limits();
    expect(limits.DailyApiRequests).to.deep.equal({ Max: 15000, Remaining: 15000 - before - 1 });
    expect(limits).to.include.keys('DailyBulkApiBatches', 'DailyBulkV2QueryJobs', 'DataStorageMB', 'FileStorageMB');
    await conn.identity(); // reads the identity URL from the version root (an API call) first
    const used = org.apiUsage().used;
    await conn.identity();
    expect(org.apiUsage().used, 'identity calls are not API calls').to.equal(used);
  });
});

describe('local-org HTTP: session idle timeout', () => {
  let org: LocalOrg;
  let now = Date.parse('2026-03-02T09:00:00Z');
  before(async () => {
    org = await startTestOrg({ clock: () => new Date(now) });
  });
  after(async () => org.close());

  it('expires a session after two idle hours of the org clock; jsforce then refreshes', async () => {
    const conn = tokenConnection(org);
    await conn.query('SELECT Id FROM Organization');
    now += 60 * 60 * 1000; // one idle hour: still valid
    await conn.query('SELECT Id FROM Organization');
    const before = conn.accessToken;
    now += 2 * 60 * 60 * 1000 + 1000;
    const bare = new Connection({ instanceUrl: org.url, accessToken: before as string });
    expect((await rejection(() => bare.query('SELECT Id FROM Organization'))).errorCode).to.equal('INVALID_SESSION_ID');
    const res = await conn.query('SELECT Id FROM Organization');
    expect(res.totalSize).to.equal(1);
    expect(conn.accessToken).not.to.equal(before);
  });

  it('resets the daily API counter when the org clock passes midnight UTC', async () => {
    const conn = tokenConnection(org);
    await conn.query('SELECT Id FROM Organization');
    expect(org.apiUsage().used).to.be.greaterThan(0);
    now = Date.parse('2026-03-03T00:00:01Z');
    expect(org.apiUsage().used).to.equal(0);
  });
});

describe('local-org HTTP: daily API limit', () => {
  let org: LocalOrg;
  before(async () => {
    org = await startTestOrg({ dailyApiLimit: 3 });
  });
  after(async () => org.close());

  it('refuses calls with 403 REQUEST_LIMIT_EXCEEDED once the allocation is spent', async () => {
    const conn = tokenConnection(org);
    for (let i = 0; i < 3; i++) await conn.query('SELECT Id FROM Organization');
    expect(conn.limitInfo.apiUsage).to.deep.equal({ used: 3, limit: 3 });
    const err = await rejection(() => conn.query('SELECT Id FROM Organization'));
    expect(err.errorCode).to.equal('REQUEST_LIMIT_EXCEEDED');
    expect(err.message).to.equal('TotalRequests Limit exceeded.');
    expect(org.apiUsage()).to.deep.equal({ used: 3, limit: 3 });
    // Logging in still works: token calls don't count.
    const fresh = new Connection({ loginUrl: org.url });
    await fresh.login(org.credentials.username, PASSWORD);
  });
});
