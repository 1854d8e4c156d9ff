import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Connection } from 'jsforce';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../local-org/src/cli.ts');

describe('local-org CLI', () => {
  let dir: string;
  let child: ChildProcess | undefined;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'local-org-cli-'));
  });
  after(() => {
    if (child?.pid && child.exitCode === null) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves an org and writes a 0600 credentials file jsforce can log in with', async () => {
    const creds = path.join(dir, 'creds.json');
    child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--credentials-file', creds, '--daily-api-limit', '100'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child?.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening at (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child?.once('exit', (code) => reject(new Error(`cli exited with ${code}: ${out}`)));
    });
    expect(statSync(creds).mode & 0o777).to.equal(0o600);
    const c = JSON.parse(readFileSync(creds, 'utf8')) as Record<string, string>;
    expect(c.instanceUrl).to.equal(url);
    const conn = new Connection({ oauth2: { clientId: c.clientId, clientSecret: c.clientSecret, loginUrl: c.loginUrl } });
    await conn.login(c.username, c.password);
    expect((await conn.query('SELECT Id FROM Organization')).totalSize).to.equal(1);
    expect(conn.limitInfo.apiUsage?.limit).to.equal(100);
    const byToken = new Connection({ instanceUrl: c.instanceUrl, accessToken: c.accessToken });
    expect((await byToken.query('SELECT Id FROM Organization')).totalSize).to.equal(1);
  });

  it('names the bad flag and exits with 2', () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', cli, '--daily-api-limit', 'lots'], { encoding: 'utf8' });
    expect(res.status).to.equal(2);
    expect(res.stderr).to.contain('--daily-api-limit must be an integer');
    const spec = spawnSync(process.execPath, ['--import', 'tsx', cli, '--faults', '503@x'], { encoding: 'utf8' });
    expect(spec.status).to.equal(2);
    expect(spec.stderr).to.contain('--faults');
  });
});
