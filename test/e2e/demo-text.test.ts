// The demo's text path end to end: local-org seeded the way `npm run demo` seeds it (Online Retail accounts
// plus Cases carrying real BANKING77 queries), a full sync, the Account_Insight__c the write-back leaves in
// the org, and the account's record page in headless Chromium showing the sentiment, trend and themes that
// came from its Cases. Then the operator turns excerpts off (RECO_TEXT_EXCERPTS=off) and the next run leaves
// no quoted text anywhere: not in the org, not on the page, not in the mirror's files.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Connection } from 'jsforce';
import { loadConfig } from '@reco/sync-server/config/load-config.js';
import { createConnection } from '@reco/sync-server/connect/connect.js';
import { openMirror, type SqliteMirror } from '@reco/sync-server/mirror/db.js';
import { loadModelOutput } from '@reco/sync-server/mirror/results.js';
import { runPipeline, type PipelineOptions } from '@reco/sync-server/pipeline/run-pipeline.js';
import { pipelineSettings } from '@reco/sync-server/server.js';
import { startRecoOrg } from '../support/reco-org.js';
import { retailSample, type LocalOrg } from '@reco/local-org';
import { memoryLogger } from '../service/doubles.js';
import { ensurePreviewBundle, openPreviewBrowser, servePreview, type PreviewBrowser, type PreviewServer } from './preview-browser.js';

// The file the demo seeds its Cases from (sync-server/src/demo.ts).
const BANKING77 = join(import.meta.dirname, '../../../shared/data/text/banking77-test.csv.gz');
// About 60 Cases on 40 accounts: enough texts for org-wide themes (a term needs 5 texts to be readable).
const CUSTOMERS = 40;
const FAST: Partial<PipelineOptions> = { extract: { bulkPollInterval: 100 }, writeback: { retryBaseMs: 20 } };

type Insight = {
  Account__c: string; Sentiment_Score__c: number | null; Sentiment_Trend__c: number | null; Negative_Cases_30__c: number | null;
  Negative_Cases_90__c: number | null; Top_Themes__c: string | null; Text_Excerpt__c: string | null;
};
const INSIGHT_SOQL = 'SELECT Account__c, Sentiment_Score__c, Sentiment_Trend__c, Negative_Cases_30__c, Negative_Cases_90__c, Top_Themes__c, Text_Excerpt__c FROM Account_Insight__c';

/** The record page's trend words for a Sentiment_Trend__c value (recoAccountInsight: steps of 0.1). */
const trendLabel = (t: number | null) => (t === null ? 'No trend yet' : t <= -0.1 ? 'Getting worse' : t >= 0.1 ? 'Improving' : 'Steady');
const themeNames = (top: string) => top.split('; ').map((part) => part.replace(/ ×\d+$/, ''));
const squash = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

describe('demo text: seeded Cases -> sync -> Account_Insight__c -> record page (headless Chromium)', function () {
  this.timeout(120_000);
  let dir: string;
  let org: LocalOrg;
  let conn: Connection;
  let mirror: SqliteMirror;
  let server: PreviewServer | undefined;
  let base: string;
  let browser: PreviewBrowser;

  before(async function () {
    this.timeout(360_000); // a fresh checkout builds the preview bundle first
    ensurePreviewBundle();
    dir = mkdtempSync(join(tmpdir(), 'reco-demo-text-'));
    // What the demo does (startDemoOrg): seed accounts and Cases, then install Reco.
    org = await startRecoOrg({ port: 0, db: join(dir, 'org.db'), seed: { onlineRetail: await retailSample(CUSTOMERS), cases: BANKING77 } });
    const c = org.credentials;
    conn = await createConnection({ flow: 'refresh-token', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken });
    mirror = openMirror(join(dir, 'mirror'));
    server = await servePreview(async () => conn);
    base = server.base;
    browser = await openPreviewBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    try {
      mirror?.close();
    } catch { /* closed by the last test */ }
    await org?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const insightOf = async (accountId: string) => (await conn.query<Insight>(`${INSIGHT_SOQL} WHERE Account__c = '${accountId}'`)).records[0];
  const openInsight = async (accountId: string) => {
    const { page } = browser;
    await page.goto(`${base}/accounts/${accountId}`);
    const insight = page.locator('c-reco-account-insight');
    await insight.locator('.segment').waitFor({ timeout: 30_000 });
    return insight;
  };

  let shownAccount = '';
  let shownCaseText = '';

  it('a full sync writes sentiment and Case themes to Account_Insight__c, and the record page shows them', async () => {
    const run = await runPipeline({ connection: conn, mirror }, { kind: 'Full', ...FAST });
    expect(run.status, run.error ?? '').to.equal('Succeeded');

    // Which account's themes come from its own Cases: the mirror keeps each scored text's theme (no body).
    const themes = new Map((((await loadModelOutput(mirror.sql))!.metrics.text as { themes: { id: string; name: string }[] }).themes).map((t) => [t.id, t.name]));
    expect(themes.size, 'org-wide themes found').to.be.greaterThan(0);
    const caseThemes = mirror.db.prepare("SELECT account_id AS account, theme_id AS theme FROM reco_text_score WHERE object = 'Case' AND theme_id IS NOT NULL AND label = 'negative' ORDER BY date DESC").all() as { account: string; theme: string }[];
    expect(caseThemes.length, 'negative Cases placed in a theme').to.be.greaterThan(0);

    const descriptions = async (accountId: string) =>
      (await conn.query<{ Description: string }>(`SELECT Description FROM Case WHERE AccountId = '${accountId}'`)).records.map((r) => r.Description);
    // An account whose insight names a theme of one of its Cases and quotes one of its Cases.
    let pick: { insight: Insight; caseTheme: string; caseText: string } | undefined;
    for (const { account, theme } of caseThemes) {
      const insight = await insightOf(account);
      const name = themes.get(theme)!;
      if (!insight?.Top_Themes__c || !themeNames(insight.Top_Themes__c).includes(name) || !insight.Text_Excerpt__c) continue;
      const quoted = insight.Text_Excerpt__c.replace(/…$/, '');
      const caseText = (await descriptions(account)).find((d) => d.startsWith(quoted));
      if (caseText) {
        pick = { insight, caseTheme: name, caseText };
        break;
      }
    }
    expect(pick, 'an insight with a theme and an excerpt from its own Cases').to.not.equal(undefined);
    const { insight: record, caseTheme } = pick!;
    expect(record.Sentiment_Score__c).to.be.within(-1, 1);
    expect(record.Negative_Cases_90__c).to.be.at.least(1);
    // The seeder's Subject repeats the start of the Description: the excerpt quotes the text once.
    expect(record.Text_Excerpt__c).to.not.contain('\n');

    const insight = await openInsight(record.Account__c);
    await insight.locator('.customer-text').waitFor();
    expect(await insight.locator('.theme-name').allTextContents()).to.deep.equal(themeNames(record.Top_Themes__c!));
    expect(await insight.locator('.theme-name').allTextContents()).to.include(caseTheme);
    expect((await insight.locator('.theme-count').allTextContents()).map(squash)).to.deep.equal(record.Top_Themes__c!.split('; ').map((p) => `×${/×(\d+)$/.exec(p)![1]}`));
    expect(await insight.locator('.trend').textContent()).to.equal(trendLabel(record.Sentiment_Trend__c));
    expect(squash(await insight.locator('.negative-cases').textContent())).to.equal(`${record.Negative_Cases_30__c} negative cases in 30 days, ${record.Negative_Cases_90__c} in 90`);
    expect(squash(await insight.locator('.sentiment').textContent())).to.match(/^-?\d/);
    expect(squash(await insight.locator('.excerpt').textContent())).to.equal(squash(`“${record.Text_Excerpt__c}”`));
    expect(browser.pageErrors).to.deep.equal([]);
    shownAccount = record.Account__c;
    shownCaseText = pick!.caseText;
  });

  it('RECO_TEXT_EXCERPTS=off: the next run removes every excerpt from the org, the page and the mirror, and keeps the themes', async () => {
    expect(shownAccount, 'the first test found an account').to.not.equal('');
    const settings = pipelineSettings(loadConfig({ env: { RECO_API_TOKEN: 'x'.repeat(20), RECO_TEXT_EXCERPTS: 'off' } }));
    // Incremental: the Cases did not change, so nothing is re-scored; the stored excerpts must go anyway.
    const progress: unknown[] = [];
    const { logger, lines } = memoryLogger(); // at debug level: everything the run would log
    const run = await runPipeline({ connection: conn, mirror, logger }, { kind: 'Incremental', ...FAST, extract: { ...FAST.extract, ...settings.extract }, onProgress: (e) => progress.push(e) });
    expect(run.status, run.error ?? '').to.equal('Succeeded');
    expect(lines.length, 'the run logged').to.be.greaterThan(0);
    const fragment = shownCaseText.slice(0, 30);
    // Nothing of it in what the run reports or logs (the service logs these events and the summary) ...
    expect(JSON.stringify([progress, run, lines])).to.not.contain(fragment);
    // ... nor in any field of any of Reco's records in the org.
    for (const object of ['Account_Insight__c', 'Reco_Run__c', 'Customer_Segment__c', 'Product_Recommendation__c']) {
      const fields = (await conn.sobject(object).describe()).fields.map((f) => f.name);
      const rows = await conn.query(`SELECT ${fields.join(', ')} FROM ${object}`, { autoFetch: true, maxFetch: 100_000 });
      expect(JSON.stringify(rows.records), object).to.not.contain(fragment);
    }

    const quoted = (await conn.query(`${INSIGHT_SOQL} WHERE Text_Excerpt__c != null`)).totalSize;
    expect(quoted, 'insights still quoting customer text').to.equal(0);
    const record = await insightOf(shownAccount);
    expect(record.Top_Themes__c).to.be.a('string').and.not.equal('');

    const insight = await openInsight(shownAccount);
    await insight.locator('.customer-text').waitFor();
    expect(await insight.locator('.theme-name').allTextContents()).to.deep.equal(themeNames(record.Top_Themes__c!));
    expect(await insight.locator('.excerpt').count()).to.equal(0);

    mirror.close();
    // Reco's own files hold no sentence of the Case that was quoted before (freed pages and WAL included).
    for (const file of readdirSync(join(dir, 'mirror'))) {
      expect(readFileSync(join(dir, 'mirror', file)).toString('utf8').includes(fragment), `${file} contains "${fragment}"`).to.equal(false);
    }
  });
});
