// The admin walk-through (README.md), end to end with the real Salesforce CLI (@salesforce/cli, pinned in the
// root devDependencies) in an isolated HOME: a BLANK local-org (standard objects and Online Retail history
// only) → `sf org login access-token` → `sf project deploy start --source-dir force-app` from the repo root →
// `sf org assign permset` for the admin, the integration user and the rep → `npm run pack:plugin` and
// `sf plugins install file:<tarball>`, its npm pointed at a loopback registry holding exactly the packages of
// package-lock.json (support/lockfile-registry.ts: the tarballs `npm ci` cached, so nothing leaves the machine)
// → `sf reco org check` → `sf reco sync run --full` → `sf data query` on Reco's objects → `sf reco recommend
// show`. Nothing is set up behind sf's back.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { INTEGRATION_USERNAME, retailSample, SALES_REP_USERNAME, startLocalOrg, type LocalOrg } from '@reco/local-org';
import { RECO_SOURCE } from '../support/reco-org.js';
import { startLockfileRegistry, type LockfileRegistry } from '../support/lockfile-registry.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
// The pinned CLI's own entry (its package exports no paths, so it is found where npm installs it).
const SF_BIN = join(ROOT, 'node_modules/@salesforce/cli/bin/run.js');
const ALIAS = 'reco-org';
// Port 9 (discard) on loopback: nothing listens, so a connection is refused at once.
const DEAD_PROXY = 'http://127.0.0.1:9';
// Reco's objects the sync writes to; their counts in the org must add up to what the run reports written.
const WRITTEN_OBJECTS = ['Product_Recommendation__c', 'Customer_Segment__c', 'Account_Insight__c'];

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

/** The components the source tree holds, counted from its folders (not through any converter). */
function sourceComponentCount(): number {
  const root = join(RECO_SOURCE, 'main/default');
  const entries = (rel: string) => (existsSync(join(root, rel)) ? readdirSync(join(root, rel), { withFileTypes: true }) : []);
  const objects = entries('objects').filter((d) => d.isDirectory()).map((d) => d.name);
  const fields = objects.reduce((n, o) => n + entries(`objects/${o}/fields`).filter((f) => f.name.endsWith('.field-meta.xml')).length, 0);
  const permsets = entries('permissionsets').filter((f) => f.name.endsWith('.permissionset-meta.xml')).length;
  const bundles = entries('lwc').filter((d) => d.isDirectory() && !d.name.startsWith('.') && !d.name.startsWith('__')).length;
  // Everything else in the tree would be a component type this count does not know: fail loudly instead.
  expect(readdirSync(root).sort()).to.deep.equal(['lwc', 'objects', 'permissionsets']);
  return objects.length + fields + permsets + bundles;
}

/** The version package-lock.json installs at the top of node_modules. */
function lockedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  return lock.packages[`node_modules/${name}`]?.version ?? 'missing';
}

describe('admin walk-through with the real sf: blank org → deploy → permsets → packed plugin → sync → query (NUT)', function () {
  this.timeout(120_000);
  let home: string;
  let tarball: string;
  let installed: string;
  let org: LocalOrg;
  let registry: LockfileRegistry;
  let npmCache: string;
  const timings: string[] = [];
  const timed = async <T>(label: string, step: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await step();
    } finally {
      timings.push(`${label} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  };

  // A fresh sf: its own HOME, none of the caller's sf, XDG, Reco or npm settings, no update checks. npm (which sf
  // runs to install the plugin's public dependencies) gets the loopback registry and an empty cache of its own,
  // so every package it installs came from that registry; every proxy is a closed loopback port, so any request
  // to anywhere else would fail fast instead of leaving the machine.
  const sfEnv = (): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = {};
    // The caller's proxy settings go too: sf's own requests go to the loopback org only, and npm gets a dead proxy.
    for (const [k, v] of Object.entries(process.env)) if (!/^(SF_|SFDX_|XDG_|RECO_|npm_|https?_proxy$|no_proxy$)/i.test(k) && k !== 'DEBUG') env[k] = v;
    return {
      ...env,
      HOME: home,
      npm_config_cache: npmCache,
      npm_config_registry: registry.url,
      npm_config_proxy: DEAD_PROXY,
      npm_config_https_proxy: DEAD_PROXY,
      npm_config_noproxy: '127.0.0.1',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      SF_AUTOUPDATE_DISABLE: 'true',
      SF_DISABLE_AUTOUPDATE: 'true',
      SF_DISABLE_TELEMETRY: 'true',
      SF_SKIP_NEW_VERSION_CHECK: 'true',
      SF_HIDE_RELEASE_NOTES: 'true',
      SF_USE_PROGRESS_BAR: 'false',
      SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
    };
  };
  const sf = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> => run(process.execPath, ['--no-deprecation', SF_BIN, ...args], { ...sfEnv(), ...extra });
  /** The JSON an `sf … --json` command printed (sf may print a warning line before it). */
  const json = <T>(r: Run): JsonOut<T> => {
    const start = r.stdout.indexOf('{');
    if (start < 0) throw new Error(`no JSON from sf (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    return JSON.parse(r.stdout.slice(start)) as JsonOut<T>;
  };
  const target = ['--target-org', ALIAS];
  const noToken = (r: Run): void => {
    expect(r.stdout, 'stdout shows the access token').not.to.include(org.credentials.accessToken);
    expect(r.stderr, 'stderr shows the access token').not.to.include(org.credentials.accessToken);
  };
  const count = async (object: string): Promise<number> => {
    const r = await sf(['data', 'query', '-q', `SELECT COUNT() FROM ${object}`, ...target, '--json']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    return json<{ totalSize: number }>(r).result.totalSize;
  };

  before(async function () {
    this.timeout(300_000);
    home = mkdtempSync(join(tmpdir(), 'reco-nut-sf-'));
    npmCache = join(home, '.npm');
    registry = await startLockfileRegistry(join(ROOT, 'package-lock.json'));
    // The build + pack (minutes of tsc) runs beside the org's start and the admin's first steps.
    const packing = timed('build + pack', () => run('npm', ['run', '--silent', 'pack:plugin'], { ...process.env }));
    org = await timed('blank org + seed', async () => startLocalOrg({ seed: { onlineRetail: await retailSample(120) } }));
    const login = await timed('login', () => sf(['org', 'login', 'access-token', '--instance-url', org.url, '--alias', ALIAS, '--no-prompt', '--json'], { SF_ACCESS_TOKEN: org.credentials.accessToken }));
    expect(login.code, login.stdout + login.stderr).to.equal(0);
    noToken(login);
    const packed = await packing;
    expect(packed.code, packed.stderr).to.equal(0);
    tarball = packed.stdout.trim().split('\n').pop() ?? '';
    installed = join(home, '.local/share/sf/node_modules/@reco/plugin-reco');
  });
  after(async () => {
    console.log(`      timings: ${timings.join(', ')}`);
    await org?.close();
    await registry?.close();
    // The install is ~30,000 files (200 MB); deleting them took up to 2 minutes on a busy shared disk, so a
    // detached rm finishes the clean-up after the suite instead of holding it up.
    if (home) spawn('rm', ['-rf', home], { detached: true, stdio: 'ignore' }).unref();
  });

  it('the org starts blank: sf sees no custom object until Reco is deployed', async () => {
    const r = await sf(['sobject', 'list', '--sobject', 'custom', ...target, '--json']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(json<string[]>(r).result).to.deep.equal([]);
  });

  it('sf project deploy start --source-dir force-app (repo root) deploys exactly the source tree', async () => {
    const r = await timed('deploy', () => sf(['project', 'deploy', 'start', '--source-dir', 'force-app', ...target, '--json']));
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const out = json<{ status: string; success: boolean; numberComponentsDeployed: number; numberComponentErrors: number; files: Array<{ state: string }> }>(r);
    expect(out.result).to.include({ status: 'Succeeded', success: true, numberComponentErrors: 0 });
    expect(out.result.numberComponentsDeployed).to.equal(sourceComponentCount());
    expect(out.result.files.filter((f) => f.state === 'Failed')).to.deep.equal([]);
    const objects = await sf(['sobject', 'list', '--sobject', 'custom', ...target, '--json']);
    expect(json<string[]>(objects).result.sort()).to.deep.equal(readdirSync(join(RECO_SOURCE, 'main/default/objects')).sort());
  });

  it('sf org assign permset: Reco_Admin to the admin, Reco_Integration and Reco_Sales_Rep on behalf of their users', async () => {
    const admin = await sf(['org', 'assign', 'permset', '--name', 'Reco_Admin', ...target, '--json']);
    expect(admin.code, admin.stdout + admin.stderr).to.equal(0);
    expect(json<{ successes: Array<{ name: string; value: string }> }>(admin).result.successes).to.deep.equal([{ name: org.credentials.username, value: 'Reco_Admin' }]);
    for (const [name, user] of [['Reco_Integration', INTEGRATION_USERNAME], ['Reco_Sales_Rep', SALES_REP_USERNAME]]) {
      const r = await sf(['org', 'assign', 'permset', '--name', name, '--on-behalf-of', user, ...target, '--json']);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(json<{ successes: Array<{ name: string; value: string }> }>(r).result.successes).to.deep.equal([{ name: user, value: name }]);
    }
    const held = await sf(['data', 'query', '-q', "SELECT Assignee.Username, PermissionSet.Name FROM PermissionSetAssignment WHERE PermissionSet.Name LIKE 'Reco%'", ...target, '--json']);
    expect(held.code, held.stdout + held.stderr).to.equal(0);
    const pairs = json<{ records: Array<{ Assignee: { Username: string }; PermissionSet: { Name: string } }> }>(held).result.records.map((x) => `${x.Assignee.Username}:${x.PermissionSet.Name}`);
    expect(pairs.sort()).to.deep.equal([`${INTEGRATION_USERNAME}:Reco_Integration`, `${org.credentials.username}:Reco_Admin`, `${SALES_REP_USERNAME}:Reco_Sales_Rep`].sort());
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
      'package/node_modules/@reco/sync-server/lib/text/sentiment-calibration.json',
    ]) {
      expect(files, f).to.include(f);
    }
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).to.deep.equal([]);
  });

  it('sf plugins install file:<tarball> installs from the loopback registry, with nothing to compile TypeScript, and sf lists the reco commands', async function () {
    this.timeout(240_000);
    // An admin allows this one unsigned plugin by its install URL, as sf's own docs tell them to.
    mkdirSync(join(home, '.config/sf'), { recursive: true });
    writeFileSync(join(home, '.config/sf/unsignedPluginAllowList.json'), JSON.stringify([`file:${tarball}`]));
    const install = await timed('plugins install', () => sf(['plugins', 'install', `file:${tarball}`]));
    expect(install.code, install.stdout + install.stderr).to.equal(0);
    // The plugin's public dependencies came from the registry, at the versions the repository was tested with.
    expect([...registry.tarballs]).to.include.members(['@oclif/core@' + lockedVersion('@oclif/core'), '@salesforce/sf-plugins-core@' + lockedVersion('@salesforce/sf-plugins-core')]);
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

  it("sf reco org check --json: ready, the login's own user with Reco_Admin, and no token in the output", async () => {
    const r = await sf(['reco', 'org', 'check', ...target, '--json']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const out = json<{ ready: boolean; username: string; permissionSets: Array<{ name: string; present: boolean; assignedToYou: boolean }> }>(r);
    expect(out.result.ready).to.equal(true);
    expect(out.result.username).to.equal(org.credentials.username);
    expect(out.result.permissionSets.find((p) => p.name === 'Reco_Admin')).to.include({ present: true, assignedToYou: true });
    noToken(r);
  });

  it('sf reco sync run --full writes records, sf data query counts exactly those, and recommend show ranks them with reasons', async () => {
    const r = await timed('sync run', () => sf(['reco', 'sync', 'run', '--full', ...target, '--json']));
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const out = json<{ status: string; recordsRead: number; recordsWritten: number; recordsFailed: number; dataDir: string }>(r);
    expect(out.result.status).to.equal('Succeeded');
    expect(out.result.recordsRead).to.be.greaterThan(1000);
    expect(out.result.recordsWritten).to.be.greaterThan(0);
    expect(out.result.recordsFailed).to.equal(0);
    expect(out.result.dataDir.startsWith(home), out.result.dataDir).to.equal(true);
    noToken(r);

    // The plain form an admin types: sf prints the count as its total.
    const plain = await sf(['data', 'query', '-q', 'SELECT COUNT() FROM Product_Recommendation__c', ...target]);
    expect(plain.code, plain.stdout + plain.stderr).to.equal(0);
    const recs = Number(/Total number of records retrieved: (\d+)/.exec(plain.stdout)?.[1] ?? NaN);
    expect(recs).to.be.greaterThan(100);
    // A first Full into an empty org creates every record it writes, so the org holds exactly what it reported.
    const counts = await Promise.all(WRITTEN_OBJECTS.map(count));
    expect(counts[0]).to.equal(recs);
    expect(counts.reduce((a, b) => a + b, 0)).to.equal(out.result.recordsWritten);

    const rows = await sf(['data', 'query', '-q', 'SELECT Account__c, Rank__c FROM Product_Recommendation__c WHERE Rank__c = 1', ...target, '--json']);
    expect(rows.code, rows.stdout + rows.stderr).to.equal(0);
    const [top] = json<{ records: Array<{ Account__c: string }> }>(rows).result.records;
    const account = await sf(['data', 'get', 'record', '--sobject', 'Account', '--record-id', top.Account__c, ...target, '--json']);
    expect(account.code, account.stdout + account.stderr).to.equal(0);
    const name = json<{ Name: string }>(account).result.Name;
    const ofAccount = await sf(['data', 'query', '-q', `SELECT COUNT() FROM Product_Recommendation__c WHERE Account__c = '${top.Account__c}'`, ...target, '--json']);
    const n = json<{ totalSize: number }>(ofAccount).result.totalSize;

    const show = await sf(['reco', 'recommend', 'show', ...target, '--account', name, '--json']);
    expect(show.code, show.stdout + show.stderr).to.equal(0);
    const shown = json<{ account: { name: string }; recommendations: Array<{ kind: string | null; product: string | null; rank: number | null; reason: string | null }> }>(show);
    expect(shown.result.account.name).to.equal(name);
    expect(shown.result.recommendations.length).to.be.greaterThan(0);
    expect(shown.result.recommendations.length).to.be.at.most(n);
    // Each kind (cross-sell, buy-again) is its own ranking: 1, 2, 3 … in the order shown.
    const kinds = new Set(shown.result.recommendations.map((x) => x.kind));
    expect(kinds.size).to.be.greaterThan(0);
    for (const kind of kinds) {
      const ranks = shown.result.recommendations.filter((x) => x.kind === kind).map((x) => x.rank ?? 0);
      expect(ranks, String(kind)).to.deep.equal(ranks.map((_, i) => i + 1));
    }
    expect(shown.result.recommendations.every((x) => (x.product ?? '').length > 0 && (x.reason ?? '').length > 10)).to.equal(true);
  });
});
