// The LWC preview in headless Chromium: Reco's record-page components, built with LWC open source and served
// by the preview router over a local org. A rep's view renders both lists with reasons and the account
// insight; Dismiss (with a reason) and Accept change the list at once and the record in the org.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { Connection } from 'jsforce';
import type { Page } from 'playwright-core';
import type { LocalOrg } from '@reco/local-org';
import { startRecoOrg } from '../support/reco-org.js';
import { ensurePreviewBundle, openPreviewBrowser, servePreview, type PreviewBrowser, type PreviewServer } from './preview-browser.js';

const OUTPUT = path.resolve('test-output');

type Ids = { account: string; holdoutAccount: string; opportunity: string; recs: Record<string, string> };

/** The rows a rep should see, and one already dismissed that must stay hidden. */
async function seed(conn: Connection): Promise<Ids> {
  const one = async (type: string, record: Record<string, unknown>) => {
    const result = (await conn.sobject(type).create(record)) as { id: string; success: boolean };
    expect(result.success, `create ${type}`).to.equal(true);
    return result.id;
  };
  const account = await one('Account', { Name: 'Retrospot Gifts Ltd' });
  const holdoutAccount = await one('Account', { Name: 'Holdout Traders' });
  const opportunity = await one('Opportunity', { Name: 'Autumn order', AccountId: account, StageName: 'Prospecting', CloseDate: '2026-12-15' });
  const products: Record<string, string> = {};
  for (const name of ['Jumbo Bag Red Retrospot', 'Party Bunting', 'White Hanging Heart T-Light Holder', 'Assorted Colour Bird Ornament', 'Regency Cakestand 3 Tier']) {
    products[name] = await one('Product2', { Name: name, IsActive: true });
  }
  const champions = await one('Customer_Segment__c', { Name: 'Champions', Description__c: 'Bought recently, buy often and spend the most.' });
  const loyal = await one('Customer_Segment__c', { Name: 'Loyal', Description__c: 'Steady repeat buyers.' });
  await one('Account_Insight__c', {
    Account__c: account, Segment__c: champions, Previous_Segment__c: loyal, Segment_Changed_On__c: '2026-10-12',
    Lifecycle_Stage__c: 'Active', Recency_Days__c: 12, Frequency__c: 9, Monetary__c: 15820.4, Average_Order_Value__c: 1757.82,
    Engagement_Score__c: 71.5, Churn_Risk__c: 18, Holdout__c: false,
    Sentiment_Score__c: -0.42, Sentiment_Trend__c: -0.3, Negative_Cases_30__c: 3, Negative_Cases_90__c: 4,
    Top_Themes__c: 'card arrive / new card ×3; refund ×1', Text_Excerpt__c: 'Still waiting for my new card',
  });
  await one('Account_Insight__c', { Account__c: holdoutAccount, Segment__c: loyal, Holdout__c: true, Churn_Risk__c: 40 });
  // The account's one list, both kinds merged by chance as the model step would write it.
  const NEXT_BEST: Record<string, number> = {
    'White Hanging Heart T-Light Holder': 1, 'Jumbo Bag Red Retrospot': 2, 'Party Bunting': 3, 'Assorted Colour Bird Ornament': 4, 'Regency Cakestand 3 Tier': 5,
  };
  const rec = (accountId: string, product: string, kind: string, rank: number, score: number, reason: string, status = 'New') =>
    one('Product_Recommendation__c', {
      Account__c: accountId, Product__c: products[product], Kind__c: kind, Rank__c: rank, Next_Best_Rank__c: NEXT_BEST[product], Score__c: score,
      Confidence__c: score > 0.7 ? 'High' : 'Medium', Reason__c: reason, Status__c: status, Expected_Revenue__c: Math.round(score * 1000),
      Evidence__c: JSON.stringify({ coPurchaseRate: score, similarAccounts: rank * 10 }),
    });
  const recs = {
    bag: await rec(account, 'Jumbo Bag Red Retrospot', 'Cross-sell', 1, 0.82, 'Bought by 64% of accounts that buy Lunch Bag Red Retrospot'),
    bunting: await rec(account, 'Party Bunting', 'Cross-sell', 2, 0.55, 'Popular with accounts in the Champions segment', 'Accepted'),
    cakestand: await rec(account, 'Regency Cakestand 3 Tier', 'Cross-sell', 3, 0.4, 'Dismissed earlier', 'Dismissed'),
    heart: await rec(account, 'White Hanging Heart T-Light Holder', 'Buy again', 1, 0.91, 'Reordered every 30 days; last order 34 days ago'),
    bird: await rec(account, 'Assorted Colour Bird Ornament', 'Buy again', 2, 0.47, 'Bought in 6 of the last 12 months'),
    hidden: await rec(holdoutAccount, 'Party Bunting', 'Cross-sell', 1, 0.9, 'Must never be shown to a holdout account'),
  };
  return { account, holdoutAccount, opportunity, recs };
}

describe('LWC preview (headless Chromium)', function () {
  this.timeout(60_000);
  let org: LocalOrg;
  let conn: Connection;
  let ids: Ids;
  let server: PreviewServer | undefined;
  let base: string;
  let browser: PreviewBrowser;
  let page: Page;
  let pageErrors: string[];

  before(async function () {
    this.timeout(360_000); // a fresh checkout builds the bundle first; on a busy 2-core machine that can take minutes
    ensurePreviewBundle();
    org = await startRecoOrg({ port: 0 });
    conn = new Connection({ instanceUrl: org.credentials.instanceUrl, accessToken: org.credentials.accessToken, version: '62.0' });
    ids = await seed(conn);

    server = await servePreview(async () => conn);
    base = server.base;
    browser = await openPreviewBrowser();
    ({ page, pageErrors } = browser);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await org?.close();
  });

  const rows = (list: string) => page.locator(`c-reco-list.${list} c-reco-row`);
  const recordOf = async (id: string) =>
    (await conn.query<{ Status__c: string; Dismiss_Reason__c: string | null }>(
      `SELECT Status__c, Dismiss_Reason__c FROM Product_Recommendation__c WHERE Id = '${id}'`,
    )).records[0];

  type Reaction = { Reaction__c: string; Dismiss_Reason__c: string | null; Account__c: string; Product__c: string };
  const reactionsTo = async (id: string) =>
    (await conn.query<Reaction>(`SELECT Reaction__c, Dismiss_Reason__c, Account__c, Product__c FROM Recommendation_Reaction__c WHERE Recommendation__c = '${id}'`)).records;

  // Most tests look at the two kinds apart; the merged next-best list (the default) has its own test.
  const openAccount = async (id: string) => {
    await page.goto(`${base}/accounts/${id}?showNextBest=false`);
    await rows('cross-sell').first().waitFor({ timeout: 30_000 });
  };

  it('shows one next-best list by default, both kinds in Next_Best_Rank__c order, each labelled', async () => {
    await page.goto(`${base}/accounts/${ids.account}`);
    await rows('next-best').first().waitFor({ timeout: 30_000 });
    expect(await rows('next-best').locator('.product').allTextContents()).to.deep.equal([
      'White Hanging Heart T-Light Holder', 'Jumbo Bag Red Retrospot', 'Party Bunting', 'Assorted Colour Bird Ornament',
    ]);
    expect(await rows('next-best').first().locator('lightning-badge.kind').textContent()).to.equal('Buy again');
    expect(await page.locator('c-reco-list.cross-sell').count()).to.equal(0);
  });

  it('renders both lists with their reasons and the account insight', async () => {
    await openAccount(ids.account);
    expect(await rows('cross-sell').locator('.product').allTextContents()).to.deep.equal(['Jumbo Bag Red Retrospot', 'Party Bunting']);
    expect(await rows('buy-again').locator('.product').allTextContents()).to.deep.equal(['White Hanging Heart T-Light Holder', 'Assorted Colour Bird Ornament']);
    expect(await rows('cross-sell').locator('.reason').allTextContents()).to.deep.equal([
      'Bought by 64% of accounts that buy Lunch Bag Red Retrospot', 'Popular with accounts in the Champions segment',
    ]);
    expect(await rows('buy-again').first().locator('.reason').textContent()).to.equal('Reordered every 30 days; last order 34 days ago');
    expect(await rows('buy-again').first().locator('.score-text').textContent()).to.equal('91%');
    expect(await rows('cross-sell').nth(1).locator('lightning-button.accept button').isDisabled()).to.equal(true); // Party Bunting was accepted earlier

    const insight = page.locator('c-reco-account-insight');
    await insight.locator('.segment').waitFor();
    expect(await insight.locator('.segment').textContent()).to.equal('Champions');
    expect(await insight.locator('.description').textContent()).to.equal('Bought recently, buy often and spend the most.');
    expect(await insight.locator('.churn').textContent()).to.match(/18\s?%/);
    expect(await insight.locator('.segment-change').textContent()).to.match(/Moved from Loyal/);
    // What customers say: sentiment with its trend, negative cases, and the themes with their counts.
    expect(await insight.locator('.trend').textContent()).to.equal('Getting worse');
    expect((await insight.locator('.negative-cases').textContent())?.trim()).to.equal('3 negative cases in 30 days, 4 in 90');
    expect((await insight.locator('.theme').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())).to.deep.equal(['card arrive / new card×3', 'refund×1']);
    expect(pageErrors).to.deep.equal([]);
  });

  it('shows the evidence behind a recommendation on demand', async () => {
    await openAccount(ids.account);
    const row = rows('cross-sell').first();
    await row.locator('button.evidence-toggle').click();
    await row.locator('c-reco-evidence dt').first().waitFor();
    expect(await row.locator('c-reco-evidence dt').allTextContents()).to.deep.equal(['Co purchase rate', 'Similar accounts']);
    expect(await row.locator('button.evidence-toggle').getAttribute('aria-expanded')).to.equal('true');
  });

  it('dismisses with a reason: the row goes at once and a reaction is created in the org', async () => {
    await openAccount(ids.account);
    const row = rows('buy-again').first();
    await row.locator('lightning-button.dismiss button').click();
    const form = row.locator('c-reco-dismiss-form');
    await form.locator('lightning-base-combobox button[aria-haspopup="listbox"]').click();
    await form.locator('lightning-base-combobox-item[data-value="Bought elsewhere"]').click();
    await form.locator('lightning-button.confirm button').click();

    // Locators, not document.querySelectorAll: synthetic shadow hides component internals from the document.
    await rows('buy-again').nth(1).waitFor({ state: 'detached' });
    expect(await rows('buy-again').locator('.product').allTextContents()).to.deep.equal(['Assorted Colour Bird Ornament']);
    await page.locator('.slds-notify_toast[data-variant="success"]').first().waitFor();
    fs.mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT, 'preview-account.png'), fullPage: true });

    const [reaction, ...more] = await reactionsTo(ids.recs.heart);
    expect(more).to.have.length(0);
    expect(reaction).to.include({ Reaction__c: 'Dismissed', Dismiss_Reason__c: 'Bought elsewhere', Account__c: ids.account });
    // The recommendation itself is Reco's: its status follows the reaction at the next sync.
    expect((await recordOf(ids.recs.heart)).Status__c).to.equal('New');
    // A reload reads the org again (the reactions too): still gone.
    await page.reload();
    await rows('buy-again').first().waitFor();
    expect(await rows('buy-again').locator('.product').allTextContents()).to.deep.equal(['Assorted Colour Bird Ornament']);
  });

  it('accepts: the row stays, marked accepted, and a reaction is created in the org', async () => {
    await openAccount(ids.account);
    const row = rows('cross-sell').first();
    await row.locator('lightning-button.accept button').click();
    await row.locator('lightning-button.accept button:disabled').waitFor();
    expect(await row.locator('lightning-button.accept button').textContent()).to.contain('Accepted');
    await page.locator('.slds-notify_toast[data-variant="success"]').first().waitFor();
    expect(await reactionsTo(ids.recs.bag)).to.have.length(1);
    expect((await reactionsTo(ids.recs.bag))[0]).to.include({ Reaction__c: 'Accepted', Dismiss_Reason__c: null });
    expect(await rows('cross-sell').count()).to.equal(2);
    await page.reload();
    await rows('cross-sell').first().locator('lightning-button.accept button:disabled').waitFor();
  });

  it('shows an Opportunity its account’s recommendations, honouring App Builder properties', async () => {
    await page.goto(`${base}/opportunities/${ids.opportunity}?rowsPerList=1&showBuyAgain=false&showNextBest=false`);
    await rows('cross-sell').first().waitFor({ timeout: 30_000 });
    expect(await rows('cross-sell').locator('.product').allTextContents()).to.deep.equal(['Jumbo Bag Red Retrospot']);
    expect(await page.locator('c-reco-list.buy-again').count()).to.equal(0);
  });

  it('shows a holdout account nothing', async () => {
    await page.goto(`${base}/accounts/${ids.holdoutAccount}`);
    await page.locator('c-reco-account-insight .segment').waitFor({ timeout: 30_000 });
    await page.waitForLoadState('networkidle');
    expect(await page.locator('c-reco-recommendations lightning-card').count()).to.equal(0);
    expect(await page.content()).to.not.contain('Must never be shown');
  });

  it('links the accounts that have recommendations from its front page', async () => {
    await page.goto(`${base}/`);
    const links = page.locator('main li a');
    expect(await links.allTextContents()).to.deep.equal(['Holdout Traders', 'Retrospot Gifts Ltd']);
    await links.filter({ hasText: 'Retrospot Gifts Ltd' }).click();
    await rows('next-best').first().waitFor({ timeout: 30_000 });
    expect(page.url()).to.equal(`${base}/accounts/${ids.account}`);
  });

  it('answers bad requests with UI API errors', async () => {
    const bad = await fetch(`${base}/api/records/not-an-id?fields=Account.Name`);
    expect(bad.status).to.equal(400);
    expect(await bad.json()).to.deep.equal([{ errorCode: 'INVALID_ID_FIELD', message: '"not-an-id" is not a record id' }]);
    const unknownList = await fetch(`${base}/api/related-list-records/${ids.account}/Nothing__r`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fields: [] }),
    });
    expect(unknownList.status).to.equal(404);
    const injected = await fetch(`${base}/api/related-list-records/${ids.account}/Product_Recommendations__r`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fields: ["Product_Recommendation__c.Reason__c FROM Account --"] }),
    });
    expect(injected.status).to.equal(400);
    const rejected = await fetch(`${base}/api/records`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiName: 'Recommendation_Reaction__c', fields: { Recommendation__c: ids.recs.bird, Reaction__c: 'Dismissed', Dismiss_Reason__c: 'Because' } }),
    });
    expect(rejected.status).to.equal(400);
    const body = (await rejected.json()) as { output: { fieldErrors: Record<string, unknown[]>; errors: unknown[] } };
    expect([...Object.values(body.output.fieldErrors).flat(), ...body.output.errors]).to.have.length.greaterThan(0);
    expect(await reactionsTo(ids.recs.bird)).to.have.length(0);
    // No token guards the preview, so it writes only what a rep may: a reaction, no edit of any record.
    const createOther = await fetch(`${base}/api/records`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiName: 'Account', fields: { Name: 'Injected' } }),
    });
    expect(createOther.status).to.equal(403);
    for (const [id, fields] of [[ids.recs.bird, { Status__c: 'Dismissed' }], [ids.recs.bird, { Score__c: 1 }], [ids.account, { Name: 'Renamed' }]] as const) {
      const denied = await fetch(`${base}/api/records/${id}`, {
        method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fields }),
      });
      expect(denied.status).to.equal(403);
      expect(((await denied.json()) as { errorCode: string }[])[0].errorCode).to.equal('INSUFFICIENT_ACCESS');
    }
    expect((await conn.sobject('Account').retrieve(ids.account)).Name).to.equal('Retrospot Gifts Ltd');
  });
});
