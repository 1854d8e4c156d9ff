// The plugin as an admin gets it: `npm run pack:plugin` builds one tarball, the real `sf` (the pinned
// @salesforce/cli devDependency) installs it into a fresh, isolated home with nothing else installed, and the
// installed commands run against local-org with no TypeScript anywhere at run time.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import type { LocalOrg } from '@reco/local-org';
import { startRecoOrg } from '../support/reco-org.js';
import { retailSample } from '../support/retail-sample.js';
import { ensureAssigned } from '../support/org-admin.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
// The pinned CLI's own entry (its package exports no paths, so it is found where npm installs it).
const SF_BIN = join(ROOT, 'node_modules/@salesforce/cli/bin/run.js');

type Run = { code: number; stdout: string; stderr: string };
type JsonOut<T> = { status: number; result: T; name?: string; message?: string };

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<Run> {
  return new Promise((res) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => res({ code: code ?? 1, stdout, stderr }));
  });
}

/** The org the installed plugin talks to: a blank org with Reco deployed and its permission sets assigned. */
async function startInstalledOrg(): Promise<LocalOrg> {
  const org = await startRecoOrg({ seed: { onlineRetail: await retailSample(120) } });
  await ensureAssigned(org, 'Reco_Admin');
  return org;
}

describe('the packed plugin installed into a fresh sf (e2e)', function () {
  this.timeout(120_000);
  let home: string;
  let tarball: string;
  let installed: string;
  let org: LocalOrg;

  // A fresh sf: its own HOME, none of the caller's sf, XDG or Reco settings, no update checks. npm (which sf runs to
  // install) keeps the caller's download cache so a re-run does not fetch every public dependency again.
  const sfEnv = (): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(SF_|SFDX_|XDG_|RECO_|npm_)/i.test(k)) env[k] = v;
    return {
      ...env,
      HOME: home,
      npm_config_cache: process.env.npm_config_cache ?? join(process.env.HOME ?? tmpdir(), '.npm'),
      npm_config_prefer_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      SF_DISABLE_AUTOUPDATE: 'true',
      SF_AUTOUPDATE_DISABLE: 'true',
      SF_DISABLE_TELEMETRY: 'true',
      SF_SKIP_NEW_VERSION_CHECK: 'true',
      SF_ORG_INSTANCE_URL: org?.url,
      NO_COLOR: '1',
      FORCE_COLOR: '0',
    };
  };
  const sf = (args: string[]): Promise<Run> => run(process.execPath, [SF_BIN, ...args], sfEnv());
  const json = <T>(r: Run): JsonOut<T> => JSON.parse(r.stdout) as JsonOut<T>;
  // sf accepts an access token as --target-org (with SF_ORG_INSTANCE_URL): no stored login needed.
  const target = (): string[] => ['--target-org', org.credentials.accessToken];
  const noToken = (r: Run): void => {
    expect(r.stdout, 'stdout shows the access token').not.to.include(org.credentials.accessToken);
    expect(r.stderr, 'stderr shows the access token').not.to.include(org.credentials.accessToken);
  };

  before(async function () {
    this.timeout(240_000);
    home = mkdtempSync(join(tmpdir(), 'reco-packed-sf-'));
    const started0 = performance.now();
    const [packed, started] = await Promise.all([run('npm', ['run', '--silent', 'pack:plugin'], { ...process.env }), startInstalledOrg()]);
    org = started;
    expect(packed.code, packed.stderr).to.equal(0);
    tarball = packed.stdout.trim().split('\n').pop() ?? '';
    // An admin allows this one unsigned plugin by its install URL, as sf's own docs tell them to.
    mkdirSync(join(home, '.config/sf'), { recursive: true });
    writeFileSync(join(home, '.config/sf/unsignedPluginAllowList.json'), JSON.stringify([`file:${tarball}`]));
    const packedAt = performance.now();
    const install = await sf(['plugins', 'install', `file:${tarball}`]);
    expect(install.code, install.stdout + install.stderr).to.equal(0);
    // The two slow steps, for whoever watches this suite's time budget.
    const s = (ms: number): string => (ms / 1000).toFixed(0);
    console.log(`      build + pack (beside the org's start) ${s(packedAt - started0)} s, sf plugins install ${s(performance.now() - packedAt)} s`);
    installed = join(home, '.local/share/sf/node_modules/@reco/plugin-reco');
  });
  after(async () => {
    await org?.close();
    // The install is ~30,000 files (200 MB); deleting them took up to 2 minutes on a busy shared disk, so a
    // detached rm finishes the clean-up after the suite instead of holding it up.
    if (home) spawn('rm', ['-rf', home], { detached: true, stdio: 'ignore' }).unref();
  });

  it('pack:plugin prints the absolute path of one tarball that carries the compiled plugin and engine, no TypeScript', () => {
    expect(isAbsolute(tarball), tarball).to.equal(true);
    expect(existsSync(tarball), tarball).to.equal(true);
    const files = spawnSync('tar', ['tzf', tarball], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const f of [
      'package/oclif.manifest.json',
      'package/lib/commands/reco/org/check.js',
      'package/messages/reco.org.check.md',
      'package/node_modules/@reco/sync-server/lib/index.js',
      'package/node_modules/@reco/sync-server/lib/models/list-worker.js',
      'package/node_modules/@reco/sync-server/lib/models/similarity-worker.js',
      'package/node_modules/@reco/sync-server/lib/dashboard/index.html',
    ]) {
      expect(files, f).to.include(f);
    }
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).to.deep.equal([]);
  });

  it('installs with nothing to compile TypeScript, and sf lists the reco commands', async () => {
    const data = join(home, '.local/share/sf/node_modules');
    expect(existsSync(join(installed, 'lib/commands/reco/sync/run.js'))).to.equal(true);
    expect(existsSync(join(data, 'tsx')), 'tsx installed').to.equal(false);
    expect(existsSync(join(data, 'typescript')), 'typescript installed').to.equal(false);
    const help = await sf(['reco', '--help']);
    expect(help.code, help.stderr).to.equal(0);
    for (const topic of ['reco org', 'reco sync', 'reco recommend', 'reco segments', 'reco status', 'reco evaluate']) expect(help.stdout).to.include(topic);
  });

  it('the installed engine starts its model workers from the compiled files, without tsx', () => {
    const models = pathToFileURL(join(installed, 'node_modules/@reco/sync-server/lib/models/')).href;
    const script = [
      `const { runModels, runModelsInWorkers } = await import('${models}run-models.js');`,
      `const { syntheticDataset } = await import('${models}synthetic.js');`,
      'const ds = syntheticDataset({ accounts: 200, products: 60, linesPerAccount: 8, seed: 2 });',
      "const out = await runModelsInWorkers(ds, { tune: 'off' }, undefined, undefined, { workers: 2, minAccounts: 0 });",
      "const same = JSON.stringify(out.recommendations) === JSON.stringify(runModels(ds, { tune: 'off' }).recommendations);",
      'console.log(JSON.stringify({ recommendations: out.recommendations.length, same }));',
    ].join('\n');
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: home, encoding: 'utf8', env: { PATH: process.env.PATH }, timeout: 90_000 });
    expect(child.status, child.stderr).to.equal(0);
    const result = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as { recommendations: number; same: boolean };
    expect(result.recommendations).to.be.greaterThan(100);
    expect(result.same).to.equal(true);
  });

  it('org check --json: ready, the token\'s own user with their permission sets, and no token in the output', async () => {
    const r = await sf(['reco', 'org', 'check', ...target(), '--json']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const out = json<{ ready: boolean; username: string; permissionSets: Array<{ name: string; present: boolean; assignedToYou: boolean }> }>(r);
    expect(out.result.ready).to.equal(true);
    expect(out.result.username).to.equal(org.credentials.username);
    expect(out.result.permissionSets.find((p) => p.name === 'Reco_Admin')).to.include({ present: true, assignedToYou: true });
    noToken(r);
  });

  it('sync run --json writes recommendations into the org, and recommend show --json returns them', async () => {
    const r = await sf(['reco', 'sync', 'run', '--full', ...target(), '--json']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const out = json<{ status: string; recordsRead: number; recordsWritten: number; dataDir: string }>(r);
    expect(out.result.status).to.equal('Succeeded');
    expect(out.result.recordsRead).to.be.greaterThan(1000);
    expect(out.result.dataDir.startsWith(home), out.result.dataDir).to.equal(true);
    noToken(r);
    const inOrg = org.store.db.prepare('SELECT COUNT(*) AS n FROM Product_Recommendation__c WHERE IsDeleted = 0').get() as { n: number };
    expect(Number(inOrg.n)).to.be.greaterThan(100);
    expect(out.result.recordsWritten).to.be.at.least(Number(inOrg.n));

    const acct = org.store.db
      .prepare('SELECT a.Name AS name, COUNT(*) AS n FROM Account a JOIN Product_Recommendation__c r ON r.Account__c = a.Id WHERE r.IsDeleted = 0 GROUP BY a.Id ORDER BY n DESC, a.Name LIMIT 1')
      .get() as { name: string; n: number };
    const show = await sf(['reco', 'recommend', 'show', ...target(), '--account', acct.name, '--json']);
    expect(show.code, show.stdout + show.stderr).to.equal(0);
    const shown = json<{ account: { name: string }; recommendations: Array<{ product: string | null; rank: number | null; reason: string | null }> }>(show);
    expect(shown.result.account.name).to.equal(acct.name);
    expect(shown.result.recommendations.length).to.be.greaterThan(0);
    expect(shown.result.recommendations.length).to.be.at.most(Number(acct.n));
    expect(shown.result.recommendations.every((x) => (x.rank ?? 0) >= 1 && (x.reason ?? '').length > 10)).to.equal(true);
  });
});
