// The dashboard in headless Chromium against a running service (pipeline and store as in-process doubles):
// every section renders with data, the token gate works, and the account search shows reasons.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { accountId, fakePipeline, MemoryStore, seedResults, startTestService, TOKEN } from '../service/doubles.js';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.resolve('test-output');

describe('admin dashboard (headless Chromium)', function () {
  this.timeout(60_000);
  let service: Awaited<ReturnType<typeof startTestService>>;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  before(async () => {
    const store = new MemoryStore();
    seedResults(store, 90);
    store.report = {
      source: 'Online Retail, last 90 days held out', generatedAt: '2026-11-23T10:00:00.000Z',
      tasks: {
        crossSell: { reco: { 'precision@10': 0.081, 'recall@10': 0.142 }, popularity: { 'precision@10': 0.043, 'recall@10': 0.071 } },
        buyAgain: { reco: { 'precision@10': 0.212, 'recall@10': 0.301 }, 'repeat-last': { 'precision@10': 0.150, 'recall@10': 0.222 } },
      },
    };
    store.runs.push({
      id: 'run-2026-11-23-0001', kind: 'Full', status: 'Succeeded', startedAt: '2026-11-23T09:00:00.000Z', finishedAt: '2026-11-23T09:01:10.000Z', durationMs: 70_000,
      stages: ['extract', 'clean', 'features'].map((stage) => ({ stage, status: 'done', records: 1000 })), counts: { accounts: 90 },
      dataQuality: {
        lines: { read: 1000, rejected: 12, reasons: { negativeQuantity: 9, missingProduct: 3 } }, duplicatesRemoved: 4,
        rules: [{ rule: 'non-product', action: 'dropped', count: 17, examples: ['01t000000000001AAA'] }],
      },
      error: null,
    });
    service = await startTestService({ store, pipeline: fakePipeline(store, 5) });
    profile = mkdtempSync(path.join(os.tmpdir(), 'reco-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = context.pages()[0] ?? await context.newPage();
    page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  });

  after(async () => {
    await context?.close();
    await service?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('asks for the token, then renders every section with data', async () => {
    await page.goto(`${service.url}/dashboard/`);
    await page.locator('#token-form').waitFor({ state: 'visible' });
    expect(await page.locator('#error').textContent()).to.contain('Enter the API token');
    await page.fill('#token-input', TOKEN);
    await page.click('#token-form button[type=submit]');
    for (const section of ['#runs', '#quality', '#segments', '#evaluation']) {
      await page.locator(`${section}[data-loaded="true"]`).waitFor({ timeout: 10_000 });
    }

    const runRows = await page.locator('#runs tbody tr').allTextContents();
    expect(runRows).to.have.length(1);
    expect(runRows[0]).to.contain('run-2026-11-23-0001').and.contain('Succeeded').and.contain('70.0 s');

    const quality = await page.locator('#quality tbody tr').allTextContents();
    expect(quality).to.include.members(['lines › read1,000', 'lines › rejected12', 'lines › reasons › negativeQuantity9', 'duplicatesRemoved4', 'rules › non-productaction dropped · count 17']);

    const segments = await page.locator('#segments tbody tr').allTextContents();
    expect(segments).to.have.length(3);
    expect(segments[0]).to.contain('Champions').and.contain('30');

    // A string, not a function: tsx would wrap a function's inner helpers in __name(), undefined in the page.
    const charts = await page.evaluate(`(() => {
      const describe = (id) => Chart.getChart(document.getElementById(id))?.data.datasets.map((d) => [d.label, d.data.length]);
      return { segments: describe('segment-chart'), evaluation: describe('evaluation-chart'), labels: Chart.getChart(document.getElementById('evaluation-chart'))?.data.labels };
    })()`) as { segments: unknown; evaluation: unknown; labels: unknown };
    expect(charts.segments).to.deep.equal([['Champions', 30], ['Loyal', 30], ['At-risk', 30]]);
    expect(charts.evaluation).to.deep.equal([['reco', 4], ['popularity', 4], ['repeat-last', 4]]);
    expect(charts.labels).to.deep.equal(['crossSell precision@10', 'crossSell recall@10', 'buyAgain precision@10', 'buyAgain recall@10']);
    expect(await page.locator('#segments figcaption').textContent()).to.contain('90 accounts on the first two principal components');
    expect(await page.locator('#evaluation-chart').isVisible()).to.equal(true);
  });

  it('shows one account\'s recommendations with reasons from the search box', async () => {
    const id = accountId(7);
    await page.fill('#account-id', id.slice(0, 15));
    await page.click('#account-form button[type=submit]');
    await page.locator('#account-result[data-loaded="true"] .recommendation').first().waitFor();
    const recs = await page.locator('#account-result .recommendation').allTextContents();
    expect(recs).to.have.length(2);
    expect(recs[0]).to.contain('Product 6-Cross-sell').and.contain('Bought by similar champions accounts (Cross-sell)');
    expect(await page.locator('#account-result h3').textContent()).to.equal(id);
    expect(await page.locator('#account-result .insight').textContent()).to.contain('Segment champions');

    await page.fill('#account-id', 'not-an-id');
    await page.click('#account-form button[type=submit]');
    await page.locator('#account-result .error').waitFor();
    expect(await page.locator('#account-result .error').textContent()).to.contain('must be a Salesforce id of 15 or 18 letters and digits');

    await page.fill('#account-id', id);
    await page.click('#account-form button[type=submit]');
    await page.locator('#account-result .recommendation').first().waitFor();
    mkdirSync(OUTPUT, { recursive: true });
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.screenshot({ path: path.join(OUTPUT, 'dashboard.png'), fullPage: true });
    // The 401 before the token and the 400 for the bad id are expected; nothing else may fail.
    expect(consoleErrors.filter((e) => !/status of 40[01]/.test(e))).to.deep.equal([]);
  });
});
