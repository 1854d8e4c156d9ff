// The sf-org flow: an admin runs `sf org login ...` once and Reco connects by the alias or username. The sf
// CLI's state (auth files, aliases, the generic keychain's key) lives under HOME, so the test points HOME and
// the keychain settings at a temp dir, stores an authorisation for a running local-org as `sf` would, and
// restores the environment afterwards.
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalOrg } from '@reco/local-org';
import { startRecoOrg } from '../support/reco-org.js';
import { AuthInfo, StateAggregator } from '@salesforce/core';
import { AuthError, createConnection } from '../../sync-server/src/connect/connect.js';
import { runningUserId } from '../../sync-server/src/connect/identity.js';
import { checkOrg } from '../../sync-server/src/pipeline/org-check.js';

const ENV: Record<string, string> = {
  SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
  SFDX_USE_GENERIC_UNIX_KEYCHAIN: 'true',
  SF_DISABLE_TELEMETRY: 'true',
  SF_LOG_LEVEL: 'fatal',
};

/** Points HOME (where the sf CLI keeps its state) at a fresh temp dir; the returned function undoes it. */
function isolatedSfHome(): { home: string; restore: () => Promise<void> } {
  const home = mkdtempSync(join(tmpdir(), 'reco-sf-home-'));
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries({ ...ENV, HOME: home, USERPROFILE: home })) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  return {
    home,
    restore: async () => {
      await StateAggregator.clearInstanceAsync(join(home, '.sfdx'));
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('sync: the sf-org flow (sf CLI alias or username)', function () {
  this.timeout(60_000);
  let org: LocalOrg;
  let home: string;
  let restore: () => Promise<void>;
  const alias = 'reco-local';

  before(async () => {
    org = await startRecoOrg({ port: 0 });
    ({ home, restore } = isolatedSfHome());
    // What `sf org login access-token --alias reco-local` leaves behind: an encrypted auth file and an alias.
    const c = org.credentials;
    const auth = await AuthInfo.create({ accessTokenOptions: { accessToken: c.accessToken, instanceUrl: c.instanceUrl, loginUrl: c.loginUrl } });
    await auth.save();
    await (await StateAggregator.getInstance()).aliases.setAndSave(alias, auth.getUsername());
    expect(auth.getUsername()).to.equal(c.username);
  });

  after(async () => {
    await restore();
    await org.close();
  });

  it('connects by alias and by username, queries and passes the org check', async () => {
    for (const targetOrg of [alias, org.credentials.username]) {
      const conn = await createConnection({ flow: 'sf-org', targetOrg });
      expect(conn.instanceUrl, targetOrg).to.equal(org.url);
      const users = await conn.query<{ Username: string }>('SELECT Username FROM User');
      expect(users.records.map((u) => u.Username), targetOrg).to.include(org.credentials.username);
      expect(await runningUserId(conn), targetOrg).to.equal(org.store.identity.adminUserId);
      const check = await checkOrg(conn);
      expect(check.ok, JSON.stringify(check.problems)).to.equal(true);
    }
  });

  it('keeps the access token encrypted at rest', () => {
    const token = org.credentials.accessToken;
    const files = filesUnder(home);
    expect(files.some((f) => f.endsWith(`${org.credentials.username}.json`))).to.equal(true);
    for (const f of files) expect(readFileSync(f, 'utf8'), f).not.to.include(token);
  });

  it('names an unknown alias and the command that fixes it, without any secret', async () => {
    const err = await createConnection({ flow: 'sf-org', targetOrg: 'no-such-org' }).catch((e: Error) => e);
    expect(err).to.be.instanceOf(AuthError);
    const msg = (err as Error).message;
    expect(msg).to.include('"no-such-org"').and.include('sf org login web --alias no-such-org');
    expect(msg).not.to.include(org.credentials.accessToken);
  });

  it('for an unknown username, says to log in as that user rather than to make an alias of it', async () => {
    const err = await createConnection({ flow: 'sf-org', targetOrg: 'nobody@example.com' }).catch((e: Error) => e);
    expect(err).to.be.instanceOf(AuthError);
    expect((err as Error).message).to.include('"nobody@example.com"').and.include('sf org login web').and.not.include('--alias nobody@example.com');
  });
});

describe('sync: the sf-org flow after `sf org login web` (refresh token stored)', function () {
  this.timeout(60_000);
  let org: LocalOrg;
  let restore: () => Promise<void>;

  before(async () => {
    org = await startRecoOrg({ port: 0 });
    ({ restore } = isolatedSfHome());
    const c = org.credentials;
    const auth = await AuthInfo.create({ oauth2Options: { refreshToken: c.refreshToken, clientId: c.clientId, clientSecret: c.clientSecret, loginUrl: c.loginUrl } });
    await auth.save();
    await (await StateAggregator.getInstance()).aliases.setAndSave('reco-web', auth.getUsername());
  });
  after(async () => {
    await restore();
    await org.close();
  });

  it('re-authenticates through the stored refresh token when the session expires', async () => {
    const conn = await createConnection({ flow: 'sf-org', targetOrg: 'reco-web' });
    const before = conn.accessToken;
    org.setFaults('expire@1');
    const res = await conn.query('SELECT Id FROM User');
    org.setFaults(null);
    expect(res.totalSize).to.be.greaterThan(0);
    expect(conn.accessToken).to.be.a('string').and.not.equal(before);
  });
});
