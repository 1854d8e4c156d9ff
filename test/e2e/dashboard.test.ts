// The dashboard in headless Chromium against a running service (pipeline and store as in-process doubles):
// the verdict with the record ids to fix, readiness as a checklist, Reco against the best baseline, segment
// cards in the org's currency, account search by name with every kind of recommendation, the runs chart,
// and the empty state of a service that has never synced. Saves docs/dashboard.png for the README.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { accountId, fakePipeline, MemoryStore, seedResults, startTestService, TOKEN } from '../service/doubles.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = path.resolve('docs/dashboard.png');
const BAD_LINE_IDS = ['00kQy0000000001AAA', '00kQy0000000002AAA', '00kQy0000000003AAA'];

function fullStore(): MemoryStore {
  const store = new MemoryStore();
  seedResults(store, 90);
  store.currencyCode = 'GBP';
  store.segments[0].profile = { recencyDays: 12, frequency: 9, orders365: 7, monetary: 1240.456, averageOrderValue: 137.8341, tenureDays: 800, basketBreadth: 4.25 };
  store.report = {
    source: 'test window 2026-09-04 to 2026-12-04', generatedAt: '2026-11-23T10:00:00.000Z',
    tasks: {
      crossSell: { reco: { 'ndcg@10': 0.081, 'recall@10': 0.142 }, popularity: { 'ndcg@10': 0.043, 'recall@10': 0.071 }, recoFirstStage: { 'ndcg@10': 0.09, 'recall@10': 0.15 } },
      buyAgain: { reco: { 'ndcg@10': 0.212, 'recall@10': 0.301 }, ownHistory: { 'ndcg@10': 0.25, 'recall@10': 0.33 }, popularity: { 'ndcg@10': 0.1, 'recall@10': 0.2 } },
    },
  };
  const quality = {
    asOf: '2026-11-23', input: { Account: 95 }, output: { accounts: 90, products: 40, opportunities: 300, lines: 1000, activities: 0, feedback: 0 },
    rules: [
      { rule: 'non-positive-quantity-or-price', action: 'dropped', object: 'OpportunityLineItem', count: 9, examples: BAD_LINE_IDS },
      { rule: 'non-product', action: 'dropped', object: 'Product2', count: 17, examples: ['01tQy0000000001AAA'] },
      { rule: 'duplicate-product-code', action: 'repaired', object: 'Product2', count: 2, examples: ['01tQy0000000002AAA'] },
    ],
    readiness: [
      { model: 'segmentation', ready: true, detail: 'accounts with won orders 90/50' },
      { model: 'buy-again', ready: false, detail: 'accounts with 2+ won orders 12/30' },
    ],
    ready: false,
  };
  for (const [n, status, ms] of [[1, 'Succeeded', 70_000], [2, 'Failed', 4_000], [3, 'Succeeded', 12_000]] as const) {
    store.runs.push({
      id: `run-2026-11-2${n}-0001`, kind: n === 1 ? 'Full' : 'Incremental', status, startedAt: `2026-11-2${n}T09:00:00.000Z`,
      finishedAt: new Date(Date.parse(`2026-11-2${n}T09:00:00.000Z`) + ms).toISOString(), durationMs: ms,
      stages: (['extract', 'clean'] as const).map((stage) => ({ stage, status: 'done', records: 1000 })), counts: { accounts: 90 },
      dataQuality: quality, error: status === 'Failed' ? 'the org did not answer' : null,
    });
  }
  return store;
}

async function launch(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const sectionsLoaded = async (page: Page): Promise<void> => {
  for (const section of ['#verdict', '#readiness', '#evaluation', '#segments', '#account', '#runs']) {
    await page.locator(`${section}[data-loaded="true"]`).waitFor({ timeout: 10_000 });
  }
};

describe('admin dashboard (headless Chromium)', function () {
  this.timeout(90_000);
  let service: Awaited<ReturnType<typeof startTestService>>;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  before(async () => {
    const store = fullStore();
    service = await startTestService({ store, pipeline: fakePipeline(store, 5) });
    profile = mkdtempSync(path.join(os.tmpdir(), 'reco-chromium-'));
    context = await launch(profile);
    page = context.pages()[0] ?? await context.newPage();
    await page.setViewportSize({ width: 1400, height: 1000 });
    page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  });

  after(async () => {
    await context?.close();
    await service?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('asks for the token, then opens on a verdict naming the records to fix', async () => {
    await page.goto(`${service.url}/dashboard/`);
    await page.locator('#token-form').waitFor({ state: 'visible' });
    expect(await page.locator('#error').textContent()).to.contain('Enter the API token');
    await page.fill('#token-input', TOKEN);
    await page.click('#token-form button[type=submit]');
    await sectionsLoaded(page);

    // The verdict is the first section, and says what is wrong in words.
    expect(await page.locator('main > section').first().getAttribute('id')).to.equal('verdict');
    expect(await page.locator('#verdict').getAttribute('data-verdict')).to.equal('attention');
    expect(await page.locator('#verdict .verdict-badge').textContent()).to.equal('Needs attention');
    expect(await page.locator('#verdict .headline').textContent()).to.contain('one check fails').and.contain('enough repeat customers for buy-again');
    // Bad lines are listed with their ids; fee products (expected) are not a thing to fix.
    const fixes = await page.locator('#verdict .fix').allTextContents();
    expect(fixes).to.have.length(1);
    expect(fixes[0]).to.contain('Opportunity product line with zero or negative quantity or price').and.contain('9 opportunity line item records left out');
    expect(await page.locator('#verdict .fix .record-id').allTextContents()).to.deep.equal(BAD_LINE_IDS);
  });

  it('shows readiness as a checklist with the numbers behind each check', async () => {
    const items = await page.locator('#readiness .checklist li').all();
    const texts = await Promise.all(items.map((i) => i.textContent()));
    const classes = await Promise.all(items.map((i) => i.getAttribute('class')));
    expect(texts).to.have.length(4);
    expect(texts[1]).to.contain('The last sync succeeded');
    expect(texts[2]).to.contain('Enough customers to form segments').and.contain('90 accounts with won orders (50 needed)');
    expect(texts[3]).to.contain('Enough repeat customers for buy-again').and.contain('12 accounts with 2+ won orders (30 needed)');
    expect(classes).to.deep.equal(['ok', 'ok', 'ok', 'not-ok']);
    expect(await page.locator('#readiness .repaired summary').textContent()).to.equal('Fixed automatically');
  });

  it('compares Reco with the best simple baseline, the detail one click away', async () => {
    const comparisons = await page.locator('#evaluation .comparisons li').allTextContents();
    // Cross-sell: best baseline is popularity (Reco's own first stage is not a baseline); lift 0.081/0.043 = +88.4%.
    expect(comparisons[0]).to.contain('Cross-sell').and.contain('88.4% better').and.contain('"Best sellers"');
    expect(comparisons[1]).to.contain('Buy again').and.contain('does not beat "The account\'s own past orders"');
    expect(await page.locator('#evaluation .meta').textContent()).to.contain('2026-09-04 to 2026-12-04');
    const chart = await page.evaluate(`(() => {
      const c = Chart.getChart(document.getElementById('evaluation-chart'));
      return { labels: c.data.labels, datasets: c.data.datasets.map((d) => [d.label, d.data]) };
    })()`) as { labels: string[]; datasets: unknown };
    expect(chart.labels).to.deep.equal(['Cross-sell', 'Buy again']);
    expect(chart.datasets).to.deep.equal([['Reco', [0.081, 0.212]], ['Best simple rule', [0.043, 0.25]]]);
    expect(await page.locator('#evaluation .tables').isVisible()).to.equal(false);
    await page.click('#evaluation details summary');
    const rows = await page.locator('#evaluation .tables table').first().locator('tbody tr').allTextContents();
    expect(rows).to.deep.equal(['Reco0.0810.142', 'Best sellers0.0430.071', 'Reco without re-ranking0.090.15']);
  });

  it('shows segments as named cards with plain figures in the org\'s currency', async () => {
    const cards = await page.locator('#segments .segment-card').allTextContents();
    expect(cards).to.have.length(3);
    expect(cards[0]).to.contain('Champions').and.contain('30 accounts · 33%')
      .and.contain('last ordered 12 days ago').and.contain('9 orders').and.contain('£1,240 spent in all').and.contain('£138 per order')
      .and.contain('customer for 2.2 years').and.contain('Basket breadth: 4.25');
    for (const line of await page.locator('#segments .segment-card li').allTextContents()) {
      expect(line).not.to.match(/[a-z][A-Z]/); // no camelCase keys
      expect(line).not.to.match(/\d\.\d{3}/); // no 3-decimal floats
    }
    const datasets = await page.evaluate(`Chart.getChart(document.getElementById('segment-chart')).data.datasets.map((d) => [d.label, d.data.length])`);
    expect(datasets).to.deep.equal([['Champions', 30], ['Loyal', 30], ['At-risk', 30]]);
    expect(await page.locator('#segments figcaption').textContent()).to.match(/^90 accounts: each dot is one/);
  });

  it('finds accounts by name and shows every kind of recommendation', async () => {
    await page.fill('#account-query', 'globex');
    await page.click('#account-form button[type=submit]');
    await page.locator('#account-matches[data-loaded="true"]').waitFor();
    const matches = await page.locator('#account-matches li').allTextContents();
    expect(matches).to.have.length(10);
    expect(matches.every((m) => m.includes('Globex Trading'))).to.equal(true);
    await page.fill('#account-query', 'Globex Trading 7');
    await page.click('#account-form button[type=submit]');
    await page.locator('#account-matches[data-loaded="true"]').waitFor();
    expect(await page.locator('#account-matches button').allTextContents()).to.deep.equal(['Globex Trading 7', 'Globex Trading 72', 'Globex Trading 77']);
    await page.locator('#account-matches button', { hasText: 'Globex Trading 7' }).first().click();
    await page.locator('#account-result[data-loaded="true"] .recommendation').first().waitFor();
    expect(await page.locator('#account-result h3').textContent()).to.equal(`Globex Trading 7 ${accountId(7)}`);
    expect(await page.locator('#account-result .kind-group h4').allTextContents()).to.deep.equal(['Cross-sell (1)', 'Buy again (1)']);
    expect(await page.locator('#account-result .reason').first().textContent()).to.equal('Bought by similar champions accounts (Cross-sell)');
    expect(await page.locator('#account-result .insight').textContent()).to.match(/^Segment Champions · Active · last order \d+ days ago · \d+ orders · £[\d,]+ spent · churn risk 10%$/);

    // An Id (15 characters) goes straight to the account, named.
    await page.fill('#account-query', accountId(8).slice(0, 15));
    await page.click('#account-form button[type=submit]');
    await page.locator('#account-result[data-loaded="true"] h3', { hasText: 'Initech Trading 8' }).waitFor();

    await page.fill('#account-query', 'zzz-nobody');
    await page.click('#account-form button[type=submit]');
    await page.locator('#account-matches[data-loaded="true"]').waitFor();
    expect(await page.locator('#account-matches').textContent()).to.equal('No account name contains "zzz-nobody".');
  });

  it('draws the sync history as a chart, with the table one click away, and saves the screenshot', async () => {
    const bars = await page.evaluate(`(() => {
      const d = Chart.getChart(document.getElementById('runs-chart')).data.datasets[0];
      return { data: d.data, colours: d.backgroundColor };
    })()`) as { data: number[]; colours: string[] };
    expect(bars.data).to.deep.equal([70, 4, 12]); // oldest first, seconds
    expect(bars.colours).to.deep.equal(['#2e9e5b', '#c8423b', '#2e9e5b']);
    expect(await page.locator('#runs tbody').isVisible()).to.equal(false);
    await page.click('#runs details summary');
    expect(await page.locator('#runs tbody tr').first().textContent()).to.contain('run-2026-11-23-0001').and.contain('12.0 s');
    expect(await page.locator('#run-now').textContent()).to.equal('Sync changes now');

    await page.fill('#account-query', 'Globex Trading 7');
    await page.click('#account-form button[type=submit]');
    await page.locator('#account-matches button').first().click();
    await page.locator('#account-result[data-loaded="true"] .recommendation').first().waitFor();
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    // The 401 before the token is expected; nothing else may fail.
    expect(consoleErrors.filter((e) => !/status of 401/.test(e))).to.deep.equal([]);
  });

  it('shows a service that never synced as "not synced yet", with no empty charts', async () => {
    const empty = new MemoryStore();
    const fresh = await startTestService({ store: empty, pipeline: fakePipeline(empty, 5), injectToken: true });
    const tab = await context.newPage();
    try {
      await tab.goto(`${fresh.url}/dashboard/`);
      await sectionsLoaded(tab);
      expect(await tab.locator('#verdict').getAttribute('data-verdict')).to.equal('not-started');
      expect(await tab.locator('#verdict .headline').textContent()).to.contain('Run the first full sync');
      expect(await tab.locator('#run-now').textContent()).to.equal('Run the first full sync');
      for (const figure of ['#segments figure', '#runs figure', '#evaluation figure']) expect(await tab.locator(figure).isHidden(), figure).to.equal(true);
      expect(await tab.locator('main').textContent()).not.to.contain('variance');
      expect(await tab.locator('#segments .meta').textContent()).to.equal('Segments appear after the first successful sync.');
      // The button starts a Full run (nothing is mirrored to be incremental to).
      await tab.click('#run-now');
      await tab.locator('#runs tbody tr').first().waitFor({ state: 'attached' });
      expect(empty.runs[0]?.kind).to.equal('Full');
    } finally {
      await tab.close();
      await fresh.close();
    }
  });
});
