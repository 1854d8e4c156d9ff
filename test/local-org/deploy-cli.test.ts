// The real Salesforce CLI (@salesforce/cli, pinned in the root package.json) deploying Reco from the repo
// root to a blank local-org, as the README's admin walk-through does: `sf org login access-token`, then
// `sf project deploy start` (SOAP by default; REST with SF_ORG_METADATA_REST_DEPLOY=true) and `--dry-run`.
// Also the local-org command line: --blank serves nothing deployed, the default deploys force-app.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Connection } from 'jsforce';
import type { LocalOrg } from '../../local-org/src/index.js';
import { RECO_SOURCE } from '../support/reco-org.js';
import { sourceComponents } from './deploy-fixture.js';
import { startTestOrg, tokenConnection } from './http-fixture.js';

const ROOT = path.dirname(RECO_SOURCE);
// The CLI's package exports nothing to resolve, so its run file is found beside the workspace root's node_modules.
const SF = path.join(ROOT, 'node_modules/@salesforce/cli/bin/run.js');
const LOCAL_ORG_CLI = path.join(ROOT, 'local-org/src/cli.ts');

type Run = { code: number | null; stdout: string; stderr: string };

/** Runs a command without blocking the event loop (the org under test is served by this process). */
function run(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The JSON an `sf … --json` command printed (warnings may precede it on stdout). */
function json(r: Run): { status: number; result: Record<string, unknown>; message?: string; name?: string; data?: unknown } {
  const start = r.stdout.indexOf('{');
  if (start < 0) throw new Error(`no JSON in sf output (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout.slice(start));
}

async function customObjects(conn: Connection): Promise<string[]> {
  return (await conn.describeGlobal()).sobjects.filter((o) => o.custom).map((o) => o.name).sort();
}

describe('sf project deploy start against local-org (real CLI)', function () {
  this.timeout(600_000);
  let org: LocalOrg;
  let home: string;
  let env: NodeJS.ProcessEnv;
  const sf = (args: string[], cwd = ROOT, extra: NodeJS.ProcessEnv = {}) => run([SF, ...args], { cwd, env: { ...env, ...extra } });

  before(async () => {
    org = await startTestOrg({}, { blank: true });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'reco-sf-home-'));
    env = {
      PATH: process.env.PATH,
      HOME: home,
      SF_DISABLE_TELEMETRY: 'true',
      SF_AUTOUPDATE_DISABLE: 'true',
      SF_SKIP_NEW_VERSION_CHECK: 'true',
      SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
      SF_ACCESS_TOKEN: org.credentials.accessToken,
    };
    const login = await sf(['org', 'login', 'access-token', '--instance-url', org.url, '--no-prompt', '--alias', 'local', '--json']);
    expect(login.code, login.stdout + login.stderr).to.equal(0);
    expect(login.stdout).to.not.include(org.credentials.accessToken);
  });
  after(async () => {
    await org.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('--dry-run validates every component and changes nothing', async () => {
    const r = await sf(['project', 'deploy', 'start', '--target-org', 'local', '--dry-run', '--json']);
    const out = json(r);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(out.result).to.include({ status: 'Succeeded', success: true, checkOnly: true });
    expect(await customObjects(tokenConnection(org, '66.0'))).to.deep.equal([]);
  });

  it('deploys from the repo root over SOAP; local-org then reports exactly the source tree', async () => {
    const r = await sf(['project', 'deploy', 'start', '--target-org', 'local', '--json']);
    const out = json(r);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(out.result).to.include({ status: 'Succeeded', success: true, checkOnly: false });
    const files = out.result.files as { state: string; type: string; fullName: string }[];
    expect(files.filter((f) => f.state === 'Failed')).to.deep.equal([]);
    const expected = sourceComponents();
    const conn = tokenConnection(org, '66.0');
    expect(await customObjects(conn)).to.deep.equal(expected.objects);
    const fields: string[] = [];
    for (const o of expected.objects) for (const f of (await conn.describe(o)).fields) if (f.custom) fields.push(`${o}.${f.name}`);
    expect(fields.sort()).to.deep.equal(expected.fields);
    expect((await conn.query<{ Name: string }>('SELECT Name FROM PermissionSet ORDER BY Name')).records.map((p) => p.Name)).to.deep.equal(expected.permissionSets);
    const bundles = await conn.metadata.list([{ type: 'LightningComponentBundle' }]);
    expect((Array.isArray(bundles) ? bundles : [bundles]).map((b) => b.fullName).sort()).to.deep.equal(expected.bundles);
    // The CLI matched every server row to a local file: each type shows up in its table.
    expect(new Set(files.map((f) => f.type))).to.deep.equal(new Set(['CustomObject', 'CustomField', 'PermissionSet', 'LightningComponentBundle']));
  });

  it('deploys over REST with org-metadata-rest-deploy, and a broken copy fails with the server\'s errors', async () => {
    const rest = await sf(['project', 'deploy', 'start', '--target-org', 'local', '--json'], ROOT, { SF_ORG_METADATA_REST_DEPLOY: 'true' });
    expect(rest.code, rest.stdout + rest.stderr).to.equal(0);
    expect(json(rest).result).to.include({ status: 'Succeeded', success: true });
    // All Created on a blank org, all Unchanged after the SOAP deploy of the same source; never Changed.
    const states = [...new Set((json(rest).result.files as { state: string }[]).map((f) => f.state))];
    expect(states).to.have.lengthOf(1);
    expect(['Created', 'Unchanged']).to.include(states[0]);

    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'reco-sf-broken-'));
    try {
      for (const f of ['sfdx-project.json', '.forceignore']) fs.copyFileSync(path.join(ROOT, f), path.join(copy, f));
      fs.cpSync(RECO_SOURCE, path.join(copy, 'force-app'), { recursive: true });
      const rep = path.join(copy, 'force-app/main/default/permissionsets/Reco_Sales_Rep.permissionset-meta.xml');
      fs.writeFileSync(
        rep,
        fs.readFileSync(rep, 'utf8').replace(/(<objectPermissions>(?:(?!<\/objectPermissions>)[\s\S])*<object>Account_Insight__c<\/object>[\s\S]*?<\/objectPermissions>)/, (b) => b.replace('<allowDelete>false</allowDelete>', '<allowDelete>true</allowDelete>')),
      );
      for (const extra of [{}, { SF_ORG_METADATA_REST_DEPLOY: 'true' }]) {
        const r = await sf(['project', 'deploy', 'start', '--target-org', 'local', '--json'], copy, extra);
        expect(r.code, r.stdout).to.equal(1);
        const out = json(r);
        expect(out.status).to.equal(1);
        expect(out.result).to.include({ status: 'Failed', success: false });
        const failed = (out.result.files as { state: string; fullName: string; error?: string; problemType?: string }[]).filter((f) => f.state === 'Failed');
        expect(failed.map((f) => [f.fullName, f.problemType, f.error])).to.deep.include([
          'Reco_Sales_Rep',
          'Error',
          'Permission Delete Account_Insight__c depends on permission(s): Edit Account_Insight__c',
        ]);
      }
      // Nothing of the failed deploy was applied: the rep still may not delete insights.
      const conn = tokenConnection(org, '66.0');
      const perms = await conn.query<{ PermissionsDelete: boolean }>("SELECT PermissionsDelete FROM ObjectPermissions WHERE SobjectType = 'Account_Insight__c' AND ParentId IN (SELECT Id FROM PermissionSet WHERE Name = 'Reco_Sales_Rep')");
      expect(perms.records.map((p) => p.PermissionsDelete)).to.deep.equal([false]);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('npm run local-org: --blank and the default deploy', function () {
  this.timeout(120_000);

  async function serve(args: string[]): Promise<{ url: string; creds: Record<string, string>; stop: () => void; out: string }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reco-lo-cli-'));
    const credsFile = path.join(dir, 'creds.json');
    const child = spawn(process.execPath, ['--import', 'tsx', LOCAL_ORG_CLI, '--port', '0', '--credentials-file', credsFile, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening at (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', (code) => reject(new Error(`local-org exited with ${code}: ${out}`)));
    });
    const creds = JSON.parse(fs.readFileSync(credsFile, 'utf8')) as Record<string, string>;
    return {
      url,
      creds,
      out,
      stop: () => {
        child.kill('SIGTERM');
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  it('--blank serves standard objects only', async () => {
    const s = await serve(['--blank']);
    try {
      expect(s.out).to.include('blank org');
      const conn = new Connection({ instanceUrl: s.url, accessToken: s.creds.accessToken, version: '66.0' });
      expect(await customObjects(conn)).to.deep.equal([]);
      expect((await conn.query('SELECT Id FROM PermissionSet')).totalSize).to.equal(0);
    } finally {
      s.stop();
    }
  });

  it('by default deploys force-app through the deploy path and assigns Reco_Admin / Reco_Integration / Reco_Sales_Rep', async () => {
    const s = await serve([]);
    try {
      expect(s.out).to.match(/deployed \d+ components from force-app/);
      const conn = new Connection({ instanceUrl: s.url, accessToken: s.creds.accessToken, version: '66.0' });
      expect(await customObjects(conn)).to.deep.equal(sourceComponents().objects);
      const held = await conn.query<{ Assignee: { Username: string }; PermissionSet: { Name: string } }>('SELECT Assignee.Username, PermissionSet.Name FROM PermissionSetAssignment ORDER BY PermissionSet.Name');
      expect(held.records.map((r) => `${r.Assignee.Username}:${r.PermissionSet.Name}`)).to.deep.equal([
        'admin@reco.local:Reco_Admin',
        'integration@reco.local:Reco_Integration',
        'sales.rep@reco.local:Reco_Sales_Rep',
      ]);
    } finally {
      s.stop();
    }
  });

  it('refuses --blank together with --deploy', async () => {
    const r = await run(['--import', 'tsx', LOCAL_ORG_CLI, '--blank', '--deploy', RECO_SOURCE], { cwd: ROOT, env: process.env });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('give either --blank or --deploy DIR, not both');
  });
});
