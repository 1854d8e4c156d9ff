// `npm run demo` writes its org's credentials where the sf CLI can use them, and the printed line logs the
// real `sf` CLI in to the org without the token appearing on the line. Runs the line in a shell with HOME
// pointed at a temp dir, so the machine's own sf state is untouched.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { startLocalOrg, type LocalOrg } from '@reco/local-org';
import { DEMO_ORG_ALIAS, writeDemoCredentials } from '@reco/sync-server/demo-credentials.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

describe('demo: the org credentials file and the sf login line', function () {
  this.timeout(120_000);
  let org: LocalOrg;
  let dir: string;

  before(async () => {
    org = await startLocalOrg({ port: 0 });
    dir = mkdtempSync(path.join(os.tmpdir(), 'reco demo creds '));
  });
  after(async () => {
    await org?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes an owner-only file, prints a line without the token, and that line logs sf in to the org', async () => {
    const file = path.join(dir, "it's here", 'credentials.json');
    const { loginCommand } = writeDemoCredentials(file, org.credentials);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).to.deep.equal(org.credentials);
    expect(loginCommand).not.to.contain(org.credentials.accessToken);
    expect(loginCommand).to.contain(`--alias ${DEMO_ORG_ALIAS}`);

    const home = path.join(dir, 'home');
    const env = {
      ...process.env, HOME: home, USERPROFILE: home, SF_USE_GENERIC_UNIX_KEYCHAIN: 'true', SFDX_USE_GENERIC_UNIX_KEYCHAIN: 'true',
      SF_DISABLE_TELEMETRY: 'true', SF_AUTOUPDATE_DISABLE: 'true', SF_SKIP_NEW_VERSION_CHECK: 'true',
      PATH: `${path.join(ROOT, 'node_modules/node/bin')}:${path.join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`,
    };
    await run('sh', ['-c', loginCommand], { env, cwd: dir });
    const { stdout } = await run('sf', ['org', 'display', '--target-org', DEMO_ORG_ALIAS, '--json'], { env, cwd: dir });
    const shown = JSON.parse(stdout) as { result: { instanceUrl: string; username: string; connectedStatus: string } };
    expect(shown.result.instanceUrl.replace(/\/$/, '')).to.equal(org.credentials.instanceUrl.replace(/\/$/, ''));
    expect(shown.result.username).to.equal(org.credentials.username);
    expect(shown.result.connectedStatus).to.equal('Connected');
  });
});
