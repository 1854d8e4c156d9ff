// The dashboard on real pipeline output: local-org seeded with a real-data sample, a full run through the
// real pipeline, then headless Chromium with the token injected as the demo does. Guards the page against
// the shapes the real stages produce (data-quality report, segments, reasons), which the doubles only imitate.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type BrowserContext } from 'playwright-core';
import type { LocalOrg } from '@reco/local-org';
import { retailSample } from '@reco/local-org';
import { startRecoOrg } from '../support/reco-org.js';
import { loadConfig } from '@reco/sync-server/config/load-config.js';
import { startServer } from '@reco/sync-server/server.js';
import { writeFileSync } from 'node:fs';
import { Connection } from 'jsforce';
import { cleanMirror } from '@reco/sync-server/clean/clean.js';
import { retailDataFromDataset } from '@reco/sync-server/evaluate/from-dataset.js';
import { retailDataFromMirror } from '@reco/sync-server/evaluate/from-mirror.js';
import { loadRetail } from '@reco/sync-server/evaluate/protocol.js';
import { evaluate } from '@reco/sync-server/evaluate/run-evaluation.js';
import { extractAll } from '@reco/sync-server/extract/extract.js';
import { openMirror } from '@reco/sync-server/mirror/db.js';
import { dayToIso } from '@reco/sync-server/recommend/purchase-log.js';
import { api, memoryLogger, TOKEN, waitFor } from '../service/doubles.js';

describe('admin dashboard on a real run (headless Chromium)', function () {
  this.timeout(180_000);
  let org: LocalOrg;
  let dir: string;
  let context: BrowserContext | undefined;
  let service: Awaited<ReturnType<typeof startServer>> | undefined;
  let sample: string;

  before(async () => {
    sample = await retailSample(120);
    org = await startRecoOrg({ port: 0, seed: { onlineRetail: sample } });
    dir = mkdtempSync(path.join(os.tmpdir(), 'reco-dashboard-live-'));
    const config = loadConfig({ env: {}, overrides: {
      auth: { token: TOKEN }, server: { port: 0 }, store: { path: path.join(dir, 'mirror.db') }, schedule: { enabled: false }, dashboard: { injectToken: true },
      evaluation: { file: path.join(dir, 'evaluation.json') },
    } });
    const c = org.credentials;
    service = await startServer(config, {
      logger: memoryLogger().logger,
      connection: { flow: 'refresh-token', loginUrl: c.loginUrl, instanceUrl: c.instanceUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken, accessToken: c.accessToken },
    });
    const outcome = await service.coordinator.trigger('Full', 'manual').done;
    expect(outcome?.status).to.equal('Succeeded');
  });

  after(async () => {
    await context?.close();
    await service?.close();
    await org?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders the verdict, readiness, segments, runs and a by-name account lookup without asking for the token', async () => {
    context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
      executablePath: '/usr/bin/chromium', headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = context.pages()[0] ?? await context.newPage();
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.goto(`${service!.url}/dashboard/`);
    for (const section of ['#verdict', '#readiness', '#evaluation', '#segments', '#account', '#runs']) await page.locator(`${section}[data-loaded="true"]`).waitFor({ timeout: 20_000 });
    expect(await page.locator('#token-form').isHidden()).to.equal(true);
    // The real cleaning report: a verdict in words, the readiness checklist of the real models.
    expect(await page.locator('#verdict').getAttribute('data-verdict')).to.be.oneOf(['working', 'attention']);
    expect(await page.locator('#verdict .headline').textContent()).to.match(/^Reco is (working|serving recommendations)/);
    for (const id of await page.locator('#verdict .record-id').allTextContents()) expect(id).to.match(/^[a-zA-Z0-9]{18}$/);
    const checks = await page.locator('#readiness .checklist li .label').allTextContents();
    expect(checks).to.include.members(['The last sync succeeded', 'Enough customers to form segments', 'Enough baskets and products for cross-sell', 'Enough repeat customers for buy-again']);
    for (const detail of await page.locator('#readiness .checklist li .detail').allTextContents()) expect(detail).not.to.match(/\d+\/\d+/);
    expect(await page.locator('#segments .segment-card').count()).to.be.greaterThan(1);
    for (const line of await page.locator('#segments .segment-card li').allTextContents()) {
      expect(line).not.to.match(/[a-z][A-Z]|\d\.\d{3}/);
    }
    expect(await page.locator('#segments figcaption').textContent()).to.match(/^[\d,]+ accounts: each dot is one/);
    expect(await page.locator('#evaluation .meta').textContent()).to.contain('No evaluation yet');
    expect(await page.locator('#evaluation-chart').isHidden()).to.equal(true);
    expect(await page.locator('#runs tbody tr').first().textContent()).to.contain('Full').and.contain('Succeeded');

    // Search by the name the org gives the account, not its Id.
    const accountId = await waitFor(() => service!.cache.sampleAccount() ?? undefined, 1000, 'an account with recommendations');
    const name = (await api(service!.url, `/accounts?q=${accountId}`)).body.accounts[0]?.name as string | undefined;
    expect(name).to.be.a('string').and.not.equal(accountId);
    await page.fill('#account-query', name!);
    await page.click('#account-form button[type=submit]');
    const match = page.locator('#account-matches button', { hasText: name! }).first();
    await Promise.race([match.waitFor().then(() => match.click()), page.locator('#account-result .recommendation').first().waitFor()]);
    await page.locator('#account-result[data-loaded="true"] .recommendation').first().waitFor();
    expect(await page.locator('#account-result h3').textContent()).to.contain(name!).and.contain(accountId);
    const first = await page.locator('#account-result .recommendation .reason').first().textContent();
    expect(first?.length).to.be.greaterThan(10);
    expect(await page.locator('#account-result .insight').textContent()).to.match(/^Segment /);
    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/dashboard-live.png', fullPage: true });
  });

  it('evaluates on the org\'s dates, as `sf reco evaluate` does, and the dashboard shows that window', async () => {
    // The windows follow from the data's last day, so equal data means equal windows; the models run once.
    // The demo's path: the sync server's own mirror (what `npm run evaluate -- --mirror` reads).
    const demoData = await retailDataFromMirror(path.join(dir, 'mirror.db'));
    // The CLI's path (plugin/src/shared/org-dataset.ts): its own extract of the org, cleaned the same way.
    const c = org.credentials;
    const cli = openMirror(path.join(dir, 'cli.db'));
    try {
      await extractAll(new Connection({ instanceUrl: c.instanceUrl, accessToken: c.accessToken, version: '62.0' }), cli, { runId: 'cli-test' });
      const cliData = retailDataFromDataset((await cleanMirror(cli.sql)).dataset);
      expect([demoData.lastDay, demoData.rows, demoData.accounts.length]).to.deep.equal([cliData.lastDay, cliData.rows, cliData.accounts.length]);
    } finally {
      cli.close();
    }
    // The source file's own dates (2010-2011) are not the org's: evaluating the CSV is what made them disagree.
    const csvLastDay = dayToIso((await loadRetail(sample)).lastDay);
    const demo = evaluate(demoData);
    expect(csvLastDay.slice(0, 4)).to.equal('2011');
    expect(demo.windows.testTo.slice(0, 4)).not.to.equal('2011');
    expect(demo.windows.testTo).to.equal(dayToIso(demoData.lastDay));

    writeFileSync(path.join(dir, 'evaluation.json'), JSON.stringify(demo));
    const page = context!.pages()[0];
    await page.reload();
    await page.locator('#evaluation[data-loaded="true"] .comparisons li').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('#evaluation .meta').textContent()).to.contain(`test window ${demo.windows.testFrom} to ${demo.windows.testTo}`);
  });
});
