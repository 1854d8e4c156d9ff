import { expect } from 'chai';
import { generateKeyPairSync, verify } from 'node:crypto';
import { ConfigError, connectionConfigFromEnv, describeConnectionConfig, parseConnectionConfig } from '../../sync-server/src/connect/config.js';
import { jwtAudience, signJwtAssertion } from '../../sync-server/src/connect/jwt.js';

describe('sync: connection settings and JWT assertion', () => {
  it('names every missing or wrong setting and never echoes a secret', () => {
    const err = (() => {
      try {
        parseConnectionConfig({ flow: 'password', loginUrl: 'not a url', clientId: 'cid', clientSecret: 's3cr3t-value', password: 'hunter2' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err).to.be.instanceOf(ConfigError);
    expect(err.message).to.match(/loginUrl/).and.match(/username/);
    expect(err.message).not.to.include('s3cr3t-value');
    expect(err.message).not.to.include('hunter2');
  });

  it('rejects an unknown flow with the list of flows', () => {
    expect(() => parseConnectionConfig({ flow: 'magic' })).to.throw(ConfigError, /sf-org, jwt, client-credentials, refresh-token, password/);
  });

  it('requires exactly one JWT key source', () => {
    expect(() => parseConnectionConfig({ flow: 'jwt', clientId: 'c', username: 'u@x.com' })).to.throw(ConfigError, /privateKey/);
  });

  it('reads SF_* variables and masks secrets when described', () => {
    const cfg = connectionConfigFromEnv({ SF_AUTH_FLOW: 'refresh-token', SF_CLIENT_ID: 'cid', SF_REFRESH_TOKEN: 'rt-secret', SF_LOGIN_URL: 'http://127.0.0.1:9999/' });
    expect(cfg).to.include({ flow: 'refresh-token', loginUrl: 'http://127.0.0.1:9999', apiVersion: '62.0' });
    const shown = JSON.stringify(describeConnectionConfig(cfg));
    expect(shown).to.include('"refreshToken":"***"');
    expect(shown).not.to.include('rt-secret');
    expect(() => connectionConfigFromEnv({})).to.throw(ConfigError, /SF_AUTH_FLOW/);
  });

  it('signs an RS256 assertion with the claims Salesforce checks', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const now = new Date('2026-01-01T00:00:00Z');
    const jwt = signJwtAssertion(pem, { clientId: 'CID', username: 'u@x.com', audience: jwtAudience('https://test.salesforce.com'), now });
    const [h, p, s] = jwt.split('.');
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).to.deep.equal({ alg: 'RS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(p, 'base64url').toString())).to.deep.equal({ iss: 'CID', sub: 'u@x.com', aud: 'https://test.salesforce.com', exp: now.getTime() / 1000 + 180 });
    expect(verify('RSA-SHA256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, 'base64url'))).to.equal(true);
    expect(jwtAudience('https://acme.my.salesforce.com')).to.equal('https://login.salesforce.com');
  });
});
