// The dashboard on real pipeline output: local-org seeded with a real-data sample, a full run through the
// real pipeline, then headless Chromium with the token injected as the demo does. Guards the page against
// the shapes the real stages produce (data-quality report, segments, reasons), which the doubles only imitate.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type BrowserContext } from 'playwright-core';
import type { LocalOrg } from '@reco/local-org';
import { startRecoOrg } from '../support/reco-org.js';
import { loadConfig } from '@reco/sync-server/config/load-config.js';
import { startServer } from '@reco/sync-server/server.js';
import { retailSample } from '../support/retail-sample.js';
import { memoryLogger, TOKEN, waitFor } from '../service/doubles.js';

describe('admin dashboard on a real run (headless Chromium)', function () {
  this.timeout(180_000);
  let org: LocalOrg;
  let dir: string;
  let context: BrowserContext | undefined;
  let service: Awaited<ReturnType<typeof startServer>> | undefined;

  before(async () => {
    org = await startRecoOrg({ port: 0, seed: { onlineRetail: await retailSample(120) } });
    dir = mkdtempSync(path.join(os.tmpdir(), 'reco-dashboard-live-'));
    const config = loadConfig({ env: {}, overrides: { auth: { token: TOKEN }, server: { port: 0 }, store: { path: path.join(dir, 'mirror.db') }, schedule: { enabled: false }, dashboard: { injectToken: true } } });
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

  it('renders run history, data quality, segments and an account\'s reasons without asking for the token', async () => {
    context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
      executablePath: '/usr/bin/chromium', headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = context.pages()[0] ?? await context.newPage();
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.goto(`${service!.url}/dashboard/`);
    for (const section of ['#runs', '#quality', '#segments', '#evaluation']) await page.locator(`${section}[data-loaded="true"]`).waitFor({ timeout: 20_000 });
    expect(await page.locator('#token-form').isHidden()).to.equal(true);
    expect(await page.locator('#runs tbody tr').first().textContent()).to.contain('Full').and.contain('Succeeded');
    expect(await page.locator('#quality tbody tr').count()).to.be.greaterThan(5);
    expect(await page.locator('#segments tbody tr').count()).to.be.greaterThan(1);
    expect(await page.locator('#segments figcaption').textContent()).to.match(/^\d+ accounts on the first two principal components/);
    expect(await page.locator('#evaluation .meta').textContent()).to.contain('No evaluation yet');
    expect(await page.locator('#evaluation-chart').isHidden()).to.equal(true);

    const accountId = await waitFor(() => service!.cache.sampleAccount() ?? undefined, 1000, 'an account with recommendations');
    await page.fill('#account-id', accountId);
    await page.click('#account-form button[type=submit]');
    await page.locator('#account-result .recommendation').first().waitFor();
    const first = await page.locator('#account-result .recommendation .reason').first().textContent();
    expect(first?.length).to.be.greaterThan(10);
    expect(await page.locator('#account-result .insight').textContent()).to.match(/^Segment /);
    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/dashboard-live.png', fullPage: true });
  });
});
