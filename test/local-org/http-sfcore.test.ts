import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { LocalOrg } from '../../local-org/src/index.js';
import { startTestOrg, tokenConnection } from './http-fixture.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('local-org HTTP: @salesforce/core with an access token', () => {
  let org: LocalOrg;
  let home: string;

  before(async () => {
    org = await startTestOrg();
    home = mkdtempSync(path.join(tmpdir(), 'local-org-sfcore-'));
    await tokenConnection(org).sobject('Account').create([{ Name: 'Core B' }, { Name: 'Core A' }]);
  });
  after(async () => {
    await org.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('creates an Org from an access token + instance URL and queries through it', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'http-sfcore-client.ts'), org.url, org.credentials.accessToken],
      { env: { ...process.env, HOME: home, USERPROFILE: home, SF_DISABLE_TELEMETRY: 'true', SF_LOG_LEVEL: 'fatal' }, timeout: 60_000 },
    );
    const out = JSON.parse(stdout.trim().split('\n').at(-1) as string) as {
      orgId: string;
      names: string[];
      organization: { Id: string; OrganizationType: string };
      apiVersion: string;
    };
    expect(out.names).to.deep.equal(['Core A', 'Core B']);
    expect(out.organization.Id).to.equal(org.store.identity.organizationId);
    expect(out.orgId).to.equal(org.store.identity.organizationId);
    expect(Number(out.apiVersion)).to.be.within(31, 67);
  });
});
