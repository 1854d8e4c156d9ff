import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import type { LocalOrg } from '@reco/local-org';
import { startRecoOrg } from '../support/reco-org.js';
import { AuthError, createConnection } from '../../sync-server/src/connect/connect.js';
import { checkOrg } from '../../sync-server/src/pipeline/org-check.js';

describe('sync: every auth flow against local-org', function () {
  this.timeout(60_000);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let org: LocalOrg;
  before(async () => {
    org = await startRecoOrg({ port: 0, jwtPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
  });
  after(() => org.close());

  const whoAmI = async (conn: Awaited<ReturnType<typeof createConnection>>): Promise<number> => (await conn.query('SELECT Id FROM User')).totalSize;

  it('password, refresh token, JWT bearer and client credentials all yield a working connection', async () => {
    const c = org.credentials;
    const flows = [
      { flow: 'password', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, username: c.username, password: c.password },
      { flow: 'refresh-token', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken },
      { flow: 'jwt', loginUrl: c.loginUrl, clientId: c.clientId, username: c.username, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
      { flow: 'client-credentials', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret },
    ] as const;
    for (const f of flows) {
      const conn = await createConnection(f);
      expect(conn.instanceUrl, f.flow).to.equal(org.url);
      expect(await whoAmI(conn), f.flow).to.be.greaterThan(0);
    }
  });

  it('re-authenticates by itself when the session expires', async () => {
    const c = org.credentials;
    const conn = await createConnection({ flow: 'client-credentials', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret });
    const before = conn.accessToken;
    org.setFaults('expire@1');
    expect(await whoAmI(conn)).to.be.greaterThan(0);
    org.setFaults(null);
    expect(conn.accessToken).not.to.equal(before);
  });

  it('fails with the flow and the server reason, without the secret', async () => {
    const c = org.credentials;
    const err = await createConnection({ flow: 'password', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, username: c.username, password: 'wrong-password-123' }).catch((e: Error) => e);
    expect(err).to.be.instanceOf(AuthError);
    expect((err as Error).message).to.match(/password flow/).and.not.include('wrong-password-123');
  });

  it('reports a ready org, and names what is missing in one that is not', async () => {
    const c = org.credentials;
    const conn = await createConnection({ flow: 'refresh-token', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken });
    expect((await checkOrg(conn)).ok).to.equal(true);
    // An org whose describe hides an object behaves like one without the package deployed.
    const describe = conn.describe.bind(conn);
    (conn as unknown as { describe: (n: string) => unknown }).describe = (n: string) =>
      n === 'Account_Insight__c' ? Promise.reject(Object.assign(new Error('not found'), { errorCode: 'NOT_FOUND' })) : describe(n);
    const res = await checkOrg(conn);
    expect(res.ok).to.equal(false);
    expect(res.problems).to.deep.include({ object: 'Account_Insight__c', problem: 'Reco object is missing', fix: "deploy Reco's metadata (sf project deploy start -d force-app) and assign the Reco permission set" });
  });
});
