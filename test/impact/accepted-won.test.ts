// "Accepted → won": shown recommendations a rep accepted (insert-only reactions, with their time), and which of
// them were followed by a won sale of the product within the window; reported beside the holdout comparison.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { acceptedWon, buildReport, reactionsFromMirror, runFigures, type Conversion, type Exposure, type ReactionEvent } from '../../sync-server/src/impact/index.js';
import { mirrorImpactSource } from '../../sync-server/src/http/use-cases/impact.js';
import { openMirror } from '../../sync-server/src/mirror/db.js';
import { applyPage } from '../../sync-server/src/mirror/records.js';
import { recordExposures, saveConversions } from '../../sync-server/src/impact/index.js';

const exp = (ext: string, account: string, shown = true): Exposure => ({ externalId: ext, accountId: account, productId: ext.split('-')[1], kind: 'Cross-sell', shown, firstOn: '2026-03-01' });
const conv = (ext: string, on: string, won: boolean, amount = 100): Conversion => ({ externalId: ext, lineId: `L-${ext}`, opportunityId: `O-${ext}`, convertedOn: on, amount, won });
const react = (id: string, ext: string, type: ReactionEvent['type'], at: string): ReactionEvent => ({ id, externalId: ext, type, at: `${at}T10:00:00.000+0000` });

describe('impact: accepted → won', () => {
  const shown = ['A1-P1-XS', 'A1-P2-XS', 'A2-P1-XS', 'A2-P2-XS', 'A3-P1-XS', 'A3-P2-XS', 'A4-P1-XS'].map((e) => exp(e, e.split('-')[0]));
  const conversions = new Map([
    conv('A1-P1-XS', '2026-03-20', true, 120), // accepted on 3/05, won on 3/20: counts
    conv('A1-P2-XS', '2026-03-20', false), // accepted, converted, deal not won
    conv('A2-P1-XS', '2026-03-10', true), // accepted only after the sale: not accepted → won
    conv('A2-P2-XS', '2026-03-25', true, 80), // accepted, sold, then dismissed: it was accepted when it sold
    conv('A3-P1-XS', '2026-03-25', true), // accepted, then dismissed before the sale
    conv('A4-P1-XS', '2026-03-25', true, 999), // nobody reacted
  ].map((c) => [c.externalId, c]));
  const reactions = [
    react('a1', 'A1-P1-XS', 'Accepted', '2026-03-05'),
    react('a2', 'A1-P2-XS', 'Accepted', '2026-03-05'),
    react('a3', 'A2-P1-XS', 'Accepted', '2026-03-15'),
    react('a4', 'A2-P2-XS', 'Accepted', '2026-03-02'),
    react('a5', 'A2-P2-XS', 'Dismissed', '2026-04-02'),
    react('a6', 'A3-P1-XS', 'Accepted', '2026-03-02'),
    react('a7', 'A3-P1-XS', 'Dismissed', '2026-03-03'),
    react('a8', 'A3-P2-XS', 'Accepted', '2026-03-02'), // accepted, no sale yet
  ];

  it('counts an acceptance standing on the day of the sale, and only a won sale as won', () => {
    const r = acceptedWon(shown, conversions, reactions);
    expect(r).to.deep.include({ accepted: 4, acceptedAccounts: 3, converted: 3, won: 2, wonRate: 0.5, wonRevenue: 200 });
    expect(r.treatedWonRate).to.be.closeTo(5 / 7, 1e-12);
    expect(r.note).to.match(/not a measure of what Reco caused/);
  });

  it('uses the newest reaction on the sale day (time, then id), whatever order they come in', () => {
    const shuffled = [...reactions].reverse();
    expect(acceptedWon(shown, conversions, shuffled)).to.deep.equal(acceptedWon(shown, conversions, reactions));
    // Same second, the higher id is the newer: the dismissal wins and the acceptance no longer stands.
    const tie = [react('a9', 'A1-P1-XS', 'Dismissed', '2026-03-05'), react('a1', 'A1-P1-XS', 'Accepted', '2026-03-05')];
    expect(acceptedWon([shown[0]], conversions, tie).accepted).to.equal(0);
  });

  it('is part of the report, leaves holdout lists out, follows `since`, and reaches Reco_Run__c', () => {
    const shadow = [exp('H1-P1-XS', 'H1', false), exp('H2-P1-XS', 'H2', false)];
    const withShadowReaction = [...reactions, react('h1', 'H1-P1-XS', 'Accepted', '2026-03-02')];
    const all = [...conversions.values(), conv('H1-P1-XS', '2026-03-20', true)];
    const r = buildReport([...shown, ...shadow], all, { windowDays: 90, reactions: withShadowReaction });
    expect(r.acceptedWon).to.deep.include({ accepted: 4, won: 2, wonRevenue: 200 });
    expect(buildReport([...shown, ...shadow], all, { windowDays: 90 }).acceptedWon.accepted, 'no reactions, nothing accepted').to.equal(0);
    expect(buildReport([...shown, ...shadow], all, { windowDays: 90, since: '2026-03-02', reactions }).acceptedWon.accepted).to.equal(0);
    expect(runFigures(r)).to.deep.include({ Impact_Accepted__c: 4, Impact_Accepted_Won__c: 2, Impact_Accepted_Won_Rate__c: 50, Impact_Accepted_Won_Revenue__c: 200 });
  });

  it('reads reactions from the mirror through their recommendation, skipping orphans and unknown types', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reco-accepted-'));
    const mirror = openMirror(join(dir, 'mirror.db'));
    try {
      const at = '2026-12-01T00:00:00.000Z';
      await applyPage(mirror.sql, 'Product_Recommendation__c', [{ Id: 'a01R1', SystemModstamp: at, External_Id__c: '001A-P1-XS' }, { Id: 'a01R2', SystemModstamp: at, External_Id__c: '001B-P1-XS' }], 'r1');
      await applyPage(mirror.sql, 'Recommendation_Reaction__c', [
        { Id: 'a02X1', SystemModstamp: at, CreatedDate: '2026-03-05T09:00:00.000+0000', Recommendation__c: 'a01R1', Reaction__c: 'Accepted' },
        { Id: 'a02X2', SystemModstamp: at, CreatedDate: '2026-03-05T09:00:00.000+0000', Recommendation__c: 'a01GONE', Reaction__c: 'Accepted' },
        { Id: 'a02X3', SystemModstamp: at, CreatedDate: '2026-03-05T09:00:00.000+0000', Recommendation__c: 'a01R2', Reaction__c: 'Maybe' },
      ], 'r1');
      expect(await reactionsFromMirror(mirror.sql)).to.deep.equal([{ id: 'a02X1', externalId: '001A-P1-XS', type: 'Accepted', at: '2026-03-05T09:00:00.000+0000' }]);

      // The API's report (GET /impact, the dashboard, sf reco impact --server-url) reads them.
      const rec = (accountId: string) => ({ accountId, productId: 'P1', kind: 'Cross-sell' as const, rank: 1, score: 0.5, confidence: 'Medium' as const, reason: 'r', evidence: {}, expectedRevenue: null, opportunityId: null });
      await recordExposures(mirror.sql, { recommendations: [rec('001A'), rec('001B')], shadow: [rec('001E')] }, '2026-03-01');
      await saveConversions(mirror.sql, [conv('001A-P1-XS', '2026-03-20', true, 75)]);
      const report = await mirrorImpactSource(mirror.sql, { windowDays: 90, holdoutShare: 0.5 })({});
      expect(report.acceptedWon).to.deep.include({ accepted: 1, won: 1, wonRate: 1, wonRevenue: 75 });
    } finally {
      mirror.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
