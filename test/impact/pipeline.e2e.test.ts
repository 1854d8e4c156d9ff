// The measurement through the real sync path: local-org seeded as of a cutoff, a Full sync on the cutoff, real
// invoices replayed week by week with an Incremental sync each week. Holdout accounts get nothing in the org,
// conversions reach the Converted_* fields and the run's figures, and neither they nor a rep's decision move
// on a re-sync.
import { expect } from 'chai';
import { readConversions, readExposures } from '../../sync-server/src/impact/index.js';
import { loadModelOutput } from '../../sync-server/src/mirror/results.js';
import { runPipeline, type PipelineOptions } from '../../sync-server/src/pipeline/run-pipeline.js';
import { replayQuarter } from '../../sync-server/src/simulate/replay-quarter.js';
import { addRep, repUpdate } from '../sync/rep.js';
import { seededImpactOrg, type ImpactOrg } from './org.js';

const CUTOFF = '2026-09-07';
const FAST: Partial<PipelineOptions> = { writeback: { retryBaseMs: 20 }, modelOptions: { holdoutShare: 0.3, tune: 'off' } };
type Converted = { External_Id__c: string; Status__c: string; Converted_Opportunity__c: string | null; Converted_On__c: string | null; Converted_Amount__c: number | null; Converted_Won__c: boolean };

describe('impact: through the sync pipeline on a replayed month', function () {
  this.timeout(600_000);
  let env: ImpactOrg;
  before(async () => {
    env = await seededImpactOrg({ customers: 250, asOf: CUTOFF });
  });
  after(async () => env?.close());

  const converted = async (): Promise<Converted[]> => (await env.conn.query<Converted>(
    'SELECT External_Id__c, Status__c, Converted_Opportunity__c, Converted_On__c, Converted_Amount__c, Converted_Won__c FROM Product_Recommendation__c WHERE Converted_On__c != null ORDER BY External_Id__c',
    { autoFetch: true, maxFetch: 100_000 })).records.map((r) => {
    const { attributes: _a, ...rest } = r as Converted & { attributes?: unknown };
    return rest;
  });

  it('measures conversions, writes them and the figures to the org, keeps holdout accounts out of it, and is idempotent', async () => {
    const runs = await replayQuarter({ connection: env.conn, mirror: env.mirror }, { cutoff: CUTOFF, weeks: 3, replay: (until) => env.org.replay({ until }), pipeline: FAST });
    for (const r of runs) expect(r.status, r.error ?? '').to.equal('Succeeded');

    const output = (await loadModelOutput(env.mirror.sql))!;
    const holdout = output.insights.filter((i) => i.holdout).map((i) => i.accountId);
    expect(holdout.length).to.be.above(20);
    // Holdout accounts: shadow exposures in the store, nothing in the org.
    const exposures = await readExposures(env.mirror.sql);
    const shadowAccounts = new Set(exposures.filter((e) => !e.shown).map((e) => e.accountId));
    for (const id of holdout.slice(0, 10)) expect(shadowAccounts.has(id), id).to.equal(true);
    const inOrg = await env.conn.query<{ Account__c: string }>(`SELECT Account__c FROM Product_Recommendation__c WHERE Account__c IN ('${holdout.join("','")}')`);
    expect(inOrg.totalSize).to.equal(0);

    // Conversions: in the store for both groups, on the org's records for shown ones only.
    const conversions = await readConversions(env.mirror.sql);
    const shownIds = new Set(exposures.filter((e) => e.shown).map((e) => e.externalId));
    const shownConv = conversions.filter((c) => shownIds.has(c.externalId));
    expect(shownConv.length).to.be.above(0);
    expect(conversions.length).to.be.above(shownConv.length);
    const org1 = await converted();
    expect(org1.map((r) => r.External_Id__c).sort()).to.deep.equal(shownConv.map((c) => c.externalId).sort());
    const one = shownConv[0];
    const rec = org1.find((r) => r.External_Id__c === one.externalId)!;
    expect(rec).to.deep.include({ Converted_Opportunity__c: one.opportunityId, Converted_On__c: one.convertedOn, Converted_Won__c: one.won });
    expect(one.convertedOn >= CUTOFF).to.equal(true);
    // No rep reacted: the sync that saw each conversion set its status to Converted (over New or Expired).
    expect(org1.filter((r) => r.Status__c !== 'Converted')).to.deep.equal([]);

    // The run's figures, for Salesforce reports.
    const last = runs[runs.length - 1];
    const figures = (await env.conn.query<{ Impact_Treated_Accounts__c: number; Impact_Holdout_Accounts__c: number; Impact_Lift__c: number | null; Impact_Verdict__c: string }>(
      `SELECT Impact_Treated_Accounts__c, Impact_Holdout_Accounts__c, Impact_Lift__c, Impact_Verdict__c FROM Reco_Run__c WHERE External_Id__c = '${last.runId}'`)).records[0];
    expect(figures.Impact_Treated_Accounts__c).to.be.above(figures.Impact_Holdout_Accounts__c);
    expect(figures.Impact_Holdout_Accounts__c).to.be.above(0);
    // A Text(255) field: a longer verdict is cut to 254 characters and an ellipsis (org-writes.ts), not silently.
    const verdict = last.impact?.verdict ?? '';
    expect(figures.Impact_Verdict__c).to.equal(verdict.length <= 255 ? verdict : `${verdict.slice(0, 254)}…`);

    // A rep dismisses a converted recommendation; a re-sync on the same day changes no conversion and keeps both.
    const rep = addRep(env.org);
    const sfId = (await env.conn.query<{ Id: string }>(`SELECT Id FROM Product_Recommendation__c WHERE External_Id__c = '${one.externalId}'`)).records[0].Id;
    repUpdate(env.org, rep, 'Product_Recommendation__c', [{ Id: sfId, Status__c: 'Dismissed', Dismiss_Reason__c: 'Not relevant' }]);
    // And the sales rep accepts a shown recommendation that has not sold: accepted, not (yet) won.
    const open = exposures.find((e) => e.shown && !conversions.some((c) => c.externalId === e.externalId))!;
    const openId = (await env.conn.query<{ Id: string }>(`SELECT Id FROM Product_Recommendation__c WHERE External_Id__c = '${open.externalId}'`)).records[0].Id;
    const reacted = env.org.store.asUser(env.org.store.identity.salesRepUserId, () => env.org.store.insert('Recommendation_Reaction__c', [
      { Recommendation__c: openId, Account__c: open.accountId, Product__c: open.productId, Reaction__c: 'Accepted' },
    ]));
    expect(reacted[0].success, JSON.stringify(reacted[0].errors)).to.equal(true);
    const again = await runPipeline({ connection: env.conn, mirror: env.mirror }, { ...FAST, kind: 'Incremental', asOf: '2026-09-28T00:00:00.000Z' });
    expect(again.status, again.error ?? '').to.equal('Succeeded');
    expect(await readConversions(env.mirror.sql)).to.deep.equal(conversions);
    const org2 = await converted();
    expect(org2.map(({ Status__c: _s, ...r }) => r)).to.deep.equal(org1.map(({ Status__c: _s, ...r }) => r));
    expect(org2.find((r) => r.External_Id__c === one.externalId)?.Status__c).to.equal('Dismissed');
    expect(again.impact?.acceptedWon).to.deep.include({ accepted: 1, won: 0 });
    const acceptedFigures = (await env.conn.query<{ Impact_Accepted__c: number; Impact_Accepted_Won__c: number }>(
      `SELECT Impact_Accepted__c, Impact_Accepted_Won__c FROM Reco_Run__c WHERE External_Id__c = '${again.runId}'`)).records[0];
    expect(acceptedFigures).to.deep.include({ Impact_Accepted__c: 1, Impact_Accepted_Won__c: 0 });
  });
});
