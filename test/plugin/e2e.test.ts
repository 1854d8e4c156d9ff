// Every `sf reco` command run as a real process (plugin/bin/dev.js) against local-org, authorised the way
// `sf` accepts an org without a stored login: an access token as --target-org plus SF_ORG_INSTANCE_URL.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { LocalOrg } from '@reco/local-org';
import { retailSample } from '@reco/local-org';
import { startRecoOrg } from '../support/reco-org.js';
import { ensureAssigned } from '../support/org-admin.js';

const PLUGIN_BIN = resolve(fileURLToPath(import.meta.url), '../../../plugin/bin/dev.js');

type Run = { code: number; stdout: string; stderr: string };
type JsonOut<T> = { status: number; result: T; name?: string; message?: string; actions?: string[]; data?: unknown };

describe('sf reco commands against local-org (e2e)', function () {
  this.timeout(240_000);
  let org: LocalOrg;
  let home: string;

  const sf = (args: string[]): Promise<Run> =>
    new Promise((res) => {
      const child = spawn(process.execPath, [PLUGIN_BIN, ...args], {
        env: {
          ...process.env,
          HOME: home,
          RECO_DATA_DIR: join(home, 'reco-data'),
          SF_ORG_INSTANCE_URL: org.url,
          SF_DISABLE_TELEMETRY: 'true',
          SF_AUTOUPDATE_DISABLE: 'true',
          SF_SKIP_NEW_VERSION_CHECK: 'true',
          NO_COLOR: '1',
          FORCE_COLOR: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => res({ code: code ?? 1, stdout, stderr }));
    });
  const json = <T>(r: Run): JsonOut<T> => JSON.parse(r.stdout) as JsonOut<T>;
  const target = (): string[] => ['--target-org', org.credentials.accessToken];

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'reco-plugin-e2e-'));
    org = await startRecoOrg({ seed: { onlineRetail: await retailSample(150) } });
  });
  after(async () => {
    await org?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('org check: reports the org ready, with permission sets and data readiness', async () => {
    const r = await sf(['reco', 'org', 'check', ...target(), '--json']);
    const out = json<{ ready: boolean; permissionSets: Array<{ name: string; present: boolean }>; readiness: Array<{ ready: boolean }> }>(r);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(out.result.ready).to.equal(true);
    expect(out.result.permissionSets.map((p) => p.present)).to.deep.equal([true, true, true]);
    expect(out.result.readiness.every((x) => x.ready)).to.equal(true);
    const human = await sf(['reco', 'org', 'check', ...target()]);
    expect(human.code).to.equal(0);
    expect(human.stdout).to.include('Data readiness').and.include('is ready for Reco');
  });

  it('org check with an access token: names the token\'s user and their permission sets, and never prints the token', async () => {
    const token = org.credentials.accessToken;
    await ensureAssigned(org, 'Reco_Admin');
    const r = await sf(['reco', 'org', 'check', ...target(), '--json']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const out = json<{ username: string; permissionSets: Array<{ name: string; assignedToYou: boolean }> }>(r);
    expect(out.result.username).to.equal(org.credentials.username);
    expect(out.result.permissionSets.map((p) => [p.name, p.assignedToYou])).to.deep.equal([
      ['Reco_Admin', true],
      ['Reco_Sales_Rep', false],
      ['Reco_Integration', false],
    ]);
    const human = await sf(['reco', 'org', 'check', ...target()]);
    expect(human.code).to.equal(0);
    expect(human.stdout).to.include(`${org.credentials.username} is ready for Reco`);
    for (const run of [r, human]) {
      expect(run.stdout, 'stdout').not.to.include(token);
      expect(run.stderr, 'stderr').not.to.include(token);
    }
  });

  it('sync run --full: runs the pipeline and writes results into the org', async () => {
    const r = await sf(['reco', 'sync', 'run', '--full', ...target(), '--json']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const out = json<{ status: string; recordsRead: number; recordsWritten: number; apiCalls: number }>(r);
    expect(out.result.status).to.equal('Succeeded');
    expect(out.result.recordsRead).to.be.greaterThan(1000);
    expect(out.result.recordsWritten).to.be.greaterThan(150);
    expect(out.result.apiCalls).to.be.greaterThan(0);
    const recs = await org.store.db.prepare('SELECT COUNT(*) AS n FROM Product_Recommendation__c WHERE IsDeleted = 0').get();
    expect(Number((recs as { n: number }).n)).to.be.greaterThan(0);
  });

  it('status: shows the run just made, newest first, in both outputs', async () => {
    const r = await sf(['reco', 'status', ...target(), '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const out = json<{ runs: Array<{ status: string; kind: string }> }>(r);
    expect(out.result.runs[0]).to.include({ status: 'Succeeded', kind: 'Full' });
    const human = await sf(['reco', 'status', ...target()]);
    expect(human.stdout).to.include('Succeeded').and.include('Full');
  });

  it('segments list: lists named segments whose sizes add up to the modelled accounts', async () => {
    const r = await sf(['reco', 'segments', 'list', ...target(), '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const out = json<{ segments: Array<{ name: string; accounts: number; description: string }> }>(r);
    expect(out.result.segments.length).to.be.greaterThan(1);
    expect(new Set(out.result.segments.map((s) => s.name)).size).to.equal(out.result.segments.length);
    expect(out.result.segments.reduce((n, s) => n + s.accounts, 0)).to.be.greaterThan(100);
  });

  it('recommend show: an account by name gets ranked recommendations with reasons', async () => {
    const acct = org.store.db
      .prepare('SELECT a.Name AS name FROM Account a JOIN Product_Recommendation__c r ON r.Account__c = a.Id GROUP BY a.Id ORDER BY COUNT(*) DESC LIMIT 1')
      .get() as { name: string };
    const r = await sf(['reco', 'recommend', 'show', ...target(), '--account', acct.name, '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const out = json<{ account: { name: string }; recommendations: Array<{ reason: string; rank: number; kind: string }> }>(r);
    expect(out.result.account.name).to.equal(acct.name);
    expect(out.result.recommendations.length).to.be.greaterThan(0);
    expect(out.result.recommendations.every((x) => typeof x.reason === 'string' && x.reason.length > 10)).to.equal(true);
    const human = await sf(['reco', 'recommend', 'show', ...target(), '--account', acct.name, '--kind', 'buy-again']);
    expect(human.stdout).to.include(`Recommendations for ${acct.name}`).and.include('Reason');
  });

  it('recommend explain: shows why the top recommendation is there, with its score parts', async () => {
    const top = org.store.db
      .prepare("SELECT a.Name AS account, p.ProductCode AS code, r.Kind__c AS kind FROM Product_Recommendation__c r JOIN Account a ON a.Id = r.Account__c JOIN Product2 p ON p.Id = r.Product__c WHERE r.Rank__c = 1 AND r.IsDeleted = 0 LIMIT 1")
      .get() as { account: string; code: string; kind: string };
    const r = await sf(['reco', 'recommend', 'explain', ...target(), '--account', top.account, '--product', top.code, '--json']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const out = json<{ recommended: boolean; rank: number; kind: string; parts: Record<string, number>; verdict: string }>(r);
    expect(out.result).to.include({ recommended: true, rank: 1, kind: top.kind });
    expect(Object.keys(out.result.parts).length).to.be.greaterThan(1);
    expect(out.result.verdict).to.include('rank 1');
    // In plain words by default; the raw score parts (feature names) only with --verbose.
    const human = await sf(['reco', 'recommend', 'explain', ...target(), '--account', top.account, '--product', top.code]);
    expect(human.stdout).to.include('Recommended as').and.not.include('Score parts');
    const verbose = await sf(['reco', 'recommend', 'explain', ...target(), '--account', top.account, '--product', top.code, '--verbose']);
    expect(verbose.stdout).to.include('Score parts');
    const missing = await sf(['reco', 'recommend', 'explain', ...target(), '--account', top.account, '--product', 'NO-SUCH-CODE', '--json']);
    expect(missing.code).to.equal(1);
    expect(json<unknown>(missing).name).to.equal('ProductNotFoundError');
  });

  it('evaluate: scores the models against baselines on the org history and gives a verdict', async () => {
    const r = await sf(['reco', 'evaluate', ...target(), '--json']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const out = json<{ crossSell: { reco: { users: number; 'ndcg@10': number }; bestBaseline: string }; buyAgain: { reco: { users: number } }; verdict: string }>(r);
    expect(out.result.crossSell.reco.users).to.be.greaterThan(0);
    expect(out.result.buyAgain.reco.users).to.be.greaterThan(0);
    expect(out.result.crossSell.reco['ndcg@10']).to.be.within(0, 1);
    expect(out.result.verdict).to.match(/cross-sell:/).and.match(/buy-again:/);
  });

  it('rejects a bad flag value and an unknown account with clear errors and non-zero exits', async () => {
    const bad = await sf(['reco', 'recommend', 'show', ...target(), '--account', 'x', '--kind', 'upsell']);
    expect(bad.code).to.not.equal(0);
    expect(bad.stderr).to.match(/cross-sell|buy-again/);
    const unknown = await sf(['reco', 'recommend', 'show', ...target(), '--account', 'No Such Customer', '--json']);
    expect(unknown.code).to.equal(1);
    const err = json<unknown>(unknown);
    expect(err.name).to.equal('AccountNotFoundError');
    expect(err.message).to.include('No Such Customer');
    expect(err.actions?.length).to.be.greaterThan(0);
  });
});
