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

  it('reads the documented SF_PRIVATE_KEY_FILE, keeps SF_JWT_KEY_FILE as an old name, and names the variables in errors', () => {
    const jwtEnv = { SF_AUTH_FLOW: 'jwt', SF_CLIENT_ID: 'cid', SF_USERNAME: 'u@x.com' };
    expect(connectionConfigFromEnv({ ...jwtEnv, SF_PRIVATE_KEY_FILE: '/keys/a.pem' })).to.include({ privateKeyFile: '/keys/a.pem' });
    expect(connectionConfigFromEnv({ ...jwtEnv, SF_JWT_KEY_FILE: '/keys/old.pem' })).to.include({ privateKeyFile: '/keys/old.pem' });
    expect(connectionConfigFromEnv({ ...jwtEnv, SF_JWT_KEY: 'PEM' })).to.include({ privateKey: 'PEM' });
    expect(connectionConfigFromEnv({ ...jwtEnv, SF_PRIVATE_KEY_FILE: '/keys/a.pem', SF_JWT_KEY_FILE: '/keys/a.pem' })).to.include({ privateKeyFile: '/keys/a.pem' });
    expect(() => connectionConfigFromEnv({ ...jwtEnv, SF_PRIVATE_KEY_FILE: '/keys/a.pem', SF_JWT_KEY_FILE: '/keys/b.pem' }))
      .to.throw(ConfigError, 'SF_PRIVATE_KEY_FILE: also set under its old name SF_JWT_KEY_FILE with another value; keep only SF_PRIVATE_KEY_FILE');
    expect(() => connectionConfigFromEnv(jwtEnv)).to.throw(ConfigError, /SF_PRIVATE_KEY: set exactly one of .*SF_PRIVATE_KEY_FILE/);
    expect(() => connectionConfigFromEnv({ SF_AUTH_FLOW: 'jwt', SF_PRIVATE_KEY: 'PEM' })).to.throw(ConfigError, /SF_CLIENT_ID: .*\n.*SF_USERNAME: /);
    expect(() => connectionConfigFromEnv({ SF_AUTH_FLOW: 'magic' })).to.throw(ConfigError, /SF_AUTH_FLOW: must be one of/);
    expect(() => connectionConfigFromEnv({ SF_AUTH_FLOW: 'refresh-token', SF_CLIENT_ID: 'c', SF_REFRESH_TOKEN: 'r', SF_LOGIN_URL: 'not a url' })).to.throw(ConfigError, /SF_LOGIN_URL: /);
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
