// The dashboard's impact section in headless Chromium, over a real measurement store: both groups, the lift with
// its interval, the two charts, and the explanation of why replayed history shows no lift.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SqliteSql } from '../../sync-server/src/mirror/sqlite-sql.js';
import { expect } from 'chai';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildReport, readConversions, readExposures, recordExposures, saveConversions, type Conversion } from '../../sync-server/src/impact/index.js';
import type { Recommendation } from '../../sync-server/src/domain/types.js';
import { fakePipeline, MemoryStore, seedResults, startTestService, TOKEN, api } from '../service/doubles.js';

const CHROMIUM = '/usr/bin/chromium';
const rec = (accountId: string, productId: string): Recommendation => ({
  accountId, productId, kind: 'Cross-sell', rank: 1, score: 0.5, confidence: 'Medium', reason: 'r', evidence: {}, expectedRevenue: null, opportunityId: null,
});

describe('impact: dashboard section (headless Chromium)', function () {
  this.timeout(60_000);
  let service: Awaited<ReturnType<typeof startTestService>>;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  let db: SqliteSql;
  const consoleErrors: string[] = [];

  before(async () => {
    // Three weeks; 20 treated and 20 holdout accounts a week, 4 products each; a quarter of each group's converted.
    db = new SqliteSql(new DatabaseSync(':memory:'), ':memory:');
    const conversions: Conversion[] = [];
    for (const [w, day] of ['2026-03-02', '2026-03-09', '2026-03-16'].entries()) {
      const shown = Array.from({ length: 20 }, (_v, k) => `T${w}-${k}`);
      const held = Array.from({ length: 20 }, (_v, k) => `H${w}-${k}`);
      await recordExposures(db, { recommendations: shown.flatMap((a) => ['P1', 'P2', 'P3', 'P4'].map((p) => rec(a, p))), shadow: held.flatMap((a) => ['P1', 'P2', 'P3', 'P4'].map((p) => rec(a, p))) }, day);
      for (const a of [...shown.slice(0, 5), ...held.slice(0, 5)]) conversions.push({ externalId: `${a}-P1-XS`, lineId: `L${a}`, opportunityId: `O${a}`, convertedOn: day, amount: 80, won: true });
    }
    await saveConversions(db, conversions);
    // Reps accepted four shown recommendations on the day they were made: two of them sold (won), two did not.
    const reactions = ['T0-0-P1-XS', 'T0-1-P1-XS', 'T0-6-P1-XS', 'T0-7-P1-XS'].map((ext, k) => ({ id: `a0R${k}`, externalId: ext, type: 'Accepted' as const, at: '2026-03-02T10:00:00.000Z' }));
    const store = new MemoryStore();
    seedResults(store, 30);
    service = await startTestService({ store, pipeline: fakePipeline(store, 5), impact: async (q) => ({ ...buildReport(await readExposures(db), await readConversions(db), { windowDays: q.windowDays ?? 90, since: q.since, by: q.by, holdoutShare: 0.5, reactions }), replay: { from: '2026-03-02', to: '2026-05-31', weeks: 13 } }) });
    profile = mkdtempSync(path.join(os.tmpdir(), 'reco-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    page = context.pages()[0] ?? await context.newPage();
    page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  });
  after(async () => {
    await context?.close();
    await service?.close();
    await db?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('GET /impact answers the report, and names a bad parameter', async () => {
    const ok = await api(service.url, '/impact?by=month');
    expect(ok.status).to.equal(200);
    expect(ok.body.impact.periods.map((p: { period: string }) => p.period)).to.deep.equal(['2026-03']);
    const bad = await api(service.url, '/impact?window=abc');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.message).to.match(/window/);
    expect((await api(service.url, '/impact', { token: null })).status).to.equal(401);
  });

  it('shows both groups, the lift with its interval, the charts and why replayed history shows no lift', async () => {
    await page.goto(`${service.url}/dashboard/`);
    await page.fill('#token-input', TOKEN);
    await page.click('#token-form button[type=submit]');
    await page.locator('#impact[data-loaded="true"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('#impact .verdict').textContent()).to.match(/^No detectable effect yet: \+?0\.0 pts .* includes 0; need about \d+ more accounts/);
    const rows = await page.locator('#impact tbody tr').allTextContents();
    expect(rows[0]).to.contain('Treated (shown)').and.contain('60').and.contain('240').and.contain('6.3%');
    expect(rows[1]).to.contain('Holdout (shadow)').and.contain('6.3%');
    expect(await page.locator('#impact .lift').textContent()).to.match(/Conversion lift \+0\.0 pts \(95% CI -[\d.]+ pts to \+[\d.]+ pts\) · window 90 days/);
    expect(await page.locator('#impact .accepted').textContent()).to.match(/^Accepted → won: 2 of 4 recommendations reps accepted were followed by a won sale within the window \(50\.0%\), won revenue 160\.00; of all shown recommendations 6\.3% were won\. Observational/);
    expect(await page.locator('#impact .replay').textContent()).to.match(/^Measured on a replayed quarter: the lists Reco would have made each week from 2026-03-02 to 2026-05-31 \(13 weekly model runs/);
    expect(await page.locator('#impact-rates-chart').isVisible()).to.equal(true);
    expect(await page.locator('#impact-lift-chart').isVisible()).to.equal(true);
    expect(await page.locator('#impact .why').textContent()).to.contain('a lift near 0 is the honest answer');
    expect(consoleErrors.filter((e) => !/status of 40[01]/.test(e))).to.deep.equal([]);
  });
});
