// The fault campaign's short version (issue 15): a few seeded runs with every fault kind local-org injects,
// kills and rep actions, each converging to the fault-free state with no secret in any log. The long version
// is `npm run test:chaos` (docs/reliability.md). Set RECO_CHAOS_SEED / RECO_CHAOS_RUNS to replay a CI run.
import { expect } from 'chai';
import { FAULT_KINDS, parseFaultSpec } from '@reco/local-org';
import { describeRun, runCampaign, summaryLine } from './campaign.js';
import { convergingLines, duplicates, lineDiff, lostDecisions, orphans, stateHash, stuckRuns, type OrgState, type RecRow } from './org-state.js';
import { planRun } from './plan.js';
import { SecretScanner } from './secrets.js';

const rec = (id: string, over: Partial<RecRow> = {}): RecRow => ({
  Id: id, External_Id__c: `ext-${id}`, Account__c: 'A1', Product__c: `P-${id}`, Kind__c: 'Cross-sell', Rank__c: 1, Score__c: 0.5, Confidence__c: 'High', Reason__c: 'r',
  Evidence__c: '{}', Expected_Revenue__c: 1, Opportunity__c: null, Status__c: 'New', Dismiss_Reason__c: null, Run__c: 'RUN1', ...over,
});
const state = (over: Partial<OrgState> = {}): OrgState => ({
  recs: [rec('R1'), rec('R2')],
  insights: [],
  segments: [],
  runs: [{ Id: 'RUN1', External_Id__c: 'run-1', Status__c: 'Succeeded', Error__c: null, Summary__c: null }],
  reactions: [],
  accountIds: new Set(['A1', 'A2']),
  productIds: new Set(['P-R1', 'P-R2', 'P-R3']),
  ...over,
});

describe('chaos: the checks the fault campaign applies', () => {
  it('hashes what must converge and ignores record ids and run stamps', () => {
    const a = state();
    const b = state({ recs: [rec('R1', { Id: 'other-id', Run__c: 'RUN2' }), rec('R2')] });
    expect(stateHash(convergingLines(b))).to.equal(stateHash(convergingLines(a)));
    const moved = state({ recs: [rec('R1', { Score__c: 0.6 }), rec('R2')] });
    expect(stateHash(convergingLines(moved))).to.not.equal(stateHash(convergingLines(a)));
    expect(lineDiff(convergingLines(moved), convergingLines(a)).count).to.equal(2);
    // Accounts a rep reacted to are compared on their own.
    expect(convergingLines(moved, new Set(['A1']))).to.deep.equal(convergingLines(a, new Set(['A1'])));
  });

  it('finds duplicates, orphans and runs left Running', () => {
    expect(duplicates(state())).to.deep.equal([]);
    expect(duplicates(state({ recs: [rec('R1'), rec('R2', { Product__c: 'P-R1' })] }))).to.deep.equal(['recommendation a1/p-r1/cross-sell x2']);
    expect(orphans(state())).to.deep.equal([]);
    expect(orphans(state({ recs: [rec('R1', { Account__c: 'gone' }), rec('R2', { Run__c: 'RUNX' })] }))).to.deep.equal([
      'recommendation ext-R1: Account__c gone', 'recommendation ext-R2: Run__c RUNX',
    ]);
    expect(stuckRuns(state({ runs: [{ Id: 'RUN1', External_Id__c: 'run-1', Status__c: 'Running', Error__c: null, Summary__c: null }] }))).to.deep.equal(['run-1']);
  });

  it('counts a decision lost when the org does not show it, or recommends a dismissed product again', () => {
    const rep = 'REP';
    const reaction = { Id: 'X1', Recommendation__c: 'R1', Account__c: 'A1', Product__c: 'P-R1', Reaction__c: 'Dismissed', Dismiss_Reason__c: 'Bad timing', CreatedById: rep, LastModifiedById: rep };
    const d = [{ recommendationId: 'R1', accountId: 'A1', productId: 'P-R1', reaction: 'Dismissed' as const, reason: 'Bad timing' }];
    const kept = state({ recs: [rec('R1', { Status__c: 'Dismissed', Dismiss_Reason__c: 'Bad timing' }), rec('R2')], reactions: [reaction] });
    expect(lostDecisions(kept, d, rep)).to.deep.equal([]);
    expect(lostDecisions(state({ reactions: [reaction] }), d, rep)).to.deep.equal(['ext-R1: rep Dismissed (Bad timing), org New']);
    const again = state({ recs: [...kept.recs, rec('R3', { Product__c: 'P-R1', Kind__c: 'Buy-again' })], reactions: [reaction] });
    expect(lostDecisions(again, d, rep)).to.deep.equal(['ext-R3: recommended again after the rep dismissed ext-R1']);
    expect(lostDecisions(state({ recs: kept.recs, reactions: [{ ...reaction, LastModifiedById: 'RECO' }] }), d, rep)).to.deep.equal(['reaction X1 was modified by RECO']);
  });

  it('finds secrets by value and by shape', () => {
    const s = new SecretScanner();
    s.know('the client secret', 'abcdef0123456789');
    s.scan('log', '{"msg":"ok"}\n{"err":"bad abcdef0123456789"}\n{"auth":"Bearer 00D5g0000000001!AQEAxyzxyzxyzxyzxyzxyzxyz"}\n-----BEGIN PRIVATE KEY-----');
    expect(s.findings.map((f) => `${f.line}:${f.what}`)).to.deep.equal(['2:the client secret', '3:an access token (session id)', '3:a bearer token', '4:a private key']);
    expect(s.linesScanned).to.equal(4);
  });

  it('plans valid fault specs that cover every kind local-org injects within a few runs, reproducibly', () => {
    const shape = { apiCalls: 60, events: 22, durationMs: 6000, writebackEvent: 18 };
    // Two kinds are dealt per run, so ceil(kinds / 2) runs cover them all, whatever kinds local-org gains.
    const plans = Array.from({ length: Math.ceil(FAULT_KINDS.length / 2) }, (_, run) => planRun(7, run, FAULT_KINDS, shape));
    for (const p of plans) expect(() => parseFaultSpec(p.faults), p.faults).to.not.throw();
    expect(new Set(plans.flatMap((p) => p.faultKinds))).to.have.length(FAULT_KINDS.length);
    expect(planRun(7, 2, FAULT_KINDS, shape)).to.deep.equal(plans[2]);
    expect(plans[1].killAtEvent).to.be.within(2, 22);
  });
});

describe('chaos: short fault campaign (CI)', function () {
  this.timeout(600_000);
  it('converges every run to the fault-free state, keeps every rep decision, and logs no secret', async () => {
    const seed = Number(process.env.RECO_CHAOS_SEED ?? 15);
    const runs = Number(process.env.RECO_CHAOS_RUNS ?? Math.max(3, Math.ceil(FAULT_KINDS.length / 2)));
    const report = await runCampaign({ runs, seed, customers: 40, log: (l) => console.log(`      ${l}`) });
    console.log(`      ${summaryLine(report)}`);
    const failed = report.results.filter((r) => !r.ok).map(describeRun);
    expect(failed, failed.join('\n')).to.deep.equal([]);
    expect(report.secrets, JSON.stringify(report.secrets.slice(0, 5))).to.deep.equal([]);
    expect(new Set(report.results.flatMap((r) => r.plan.faultKinds))).to.have.length(FAULT_KINDS.length);
    expect(report.results.some((r) => r.killed), 'a kill landed').to.equal(true);
    expect(report.results.reduce((n, r) => n + r.repActions, 0), 'the rep acted').to.be.greaterThan(0);
    expect(report.linesScanned).to.be.greaterThan(100);
  });
});
