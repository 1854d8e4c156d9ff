// Where an admin reads the measurement: the service's GET /impact use case over the mirror, and sf reco impact.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { openMirror, type Mirror } from '../../sync-server/src/mirror/db.js';
import { applyPage } from '../../sync-server/src/mirror/records.js';
import { linesFromMirror, measureImpact, recordExposures, saveConversions } from '../../sync-server/src/impact/index.js';
import { mirrorImpactSource } from '../../sync-server/src/http/use-cases/impact.js';
import { impactQuery, parseInput } from '../../sync-server/src/http/validation.js';
import type { Recommendation } from '../../sync-server/src/domain/types.js';
import RecoImpact from '../../plugin/src/commands/reco/impact.js';

const rec = (accountId: string, productId: string): Recommendation => ({
  accountId, productId, kind: 'Cross-sell', rank: 1, score: 0.5, confidence: 'Medium', reason: 'r', evidence: {}, expectedRevenue: null, opportunityId: null,
});

describe('impact: the API use case over the mirror', () => {
  let dir: string;
  let mirror: Mirror;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reco-impact-api-'));
    mirror = openMirror(join(dir, 'mirror.db'));
    // Four treated and four holdout accounts, each recommended P1 on 1 March.
    const ids = ['001A', '001B', '001C', '001D', '001E', '001F', '001G', '001H'];
    await recordExposures(mirror.sql, { recommendations: ids.slice(0, 4).map((a) => rec(a, 'P1')), shadow: ids.slice(4).map((a) => rec(a, 'P1')) }, '2026-03-01');
    // Replayed sales: created now, but CloseDate is the day the sale happened (20 and 60 days later).
    const opp = (id: string, account: string, close: string) => ({ Id: id, SystemModstamp: '2026-12-01T00:00:00.000Z', AccountId: account, IsWon: true, CloseDate: close });
    await applyPage(mirror.sql, 'Opportunity', [opp('O1', '001A', '2026-03-21'), opp('O2', '001B', '2026-04-30'), opp('O3', '001E', '2026-04-30')], 'r1');
    const line = (id: string, oppId: string) => ({ Id: id, SystemModstamp: '2026-12-01T00:00:00.000Z', OpportunityId: oppId, Product2Id: 'P1', TotalPrice: 50, CreatedDate: '2026-12-01T10:00:00.000Z' });
    await applyPage(mirror.sql, 'OpportunityLineItem', [line('L1', 'O1'), line('L2', 'O2'), line('L3', 'O3')], 'r1');
    await measureImpact(mirror.sql, await linesFromMirror(mirror.sql), 90);
  });
  after(() => {
    mirror.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a replayed sale on its close day, not the day it was loaded', async () => {
    expect((await linesFromMirror(mirror.sql)).map((l) => l.on).sort()).to.deep.equal(['2026-03-21', '2026-04-30', '2026-04-30']);
  });

  it('reports the stored measurement, and another window in memory without changing it', async () => {
    const source = mirrorImpactSource(mirror.sql, { windowDays: 90, holdoutShare: 0.5 });
    const r = await source({});
    expect([r.treated.converted, r.holdout.converted]).to.deep.equal([2, 1]);
    expect(r.lift.conversion).to.equal(0.25);
    const short = await source({ windowDays: 30 });
    expect([short.treated.converted, short.holdout.converted]).to.deep.equal([1, 0]);
    expect((await source({})).treated.converted, 'the stored conversions are untouched').to.equal(2);
    expect((await source({ since: '2026-03-02' })).treated.accounts).to.equal(0);
  });

  it('validates the query and names the bad parameter', () => {
    expect(parseInput(impactQuery, { since: '2026-03-01', window: '30', by: 'month' }, 'query')).to.deep.equal({ since: '2026-03-01', window: 30, by: 'month' });
    expect(() => parseInput(impactQuery, { since: '2026-02-30' }, 'query')).to.throw(/since/);
    expect(() => parseInput(impactQuery, { window: '0' }, 'query')).to.throw(/window/);
    expect(() => parseInput(impactQuery, { by: 'day' }, 'query')).to.throw(/by/);
    expect(() => parseInput(impactQuery, { foo: '1' }, 'query')).to.throw(/unknown parameter foo/);
  });
});

describe('sf reco impact (unit)', () => {
  const $$ = new TestContext();
  const testOrg = new MockTestOrgData();
  let server: Server;
  let url: string;
  let seen: IncomingMessage[];
  let dir: string;
  let mirror: Mirror;
  let ux: ReturnType<typeof stubSfCommandUx>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reco-impact-cmd-'));
    mirror = openMirror(join(dir, 'mirror.db'));
    await recordExposures(mirror.sql, { recommendations: [rec('001A', 'P1'), rec('001B', 'P1')], shadow: [rec('001E', 'P1'), rec('001F', 'P1')] }, '2026-03-02');
    // A rep accepted 001B's recommendation on 3 March; it sold, won, on the 20th.
    const at = '2026-12-01T00:00:00.000Z';
    await applyPage(mirror.sql, 'Product_Recommendation__c', [{ Id: 'a01B', SystemModstamp: at, External_Id__c: '001B-P1-XS' }], 'r1');
    await applyPage(mirror.sql, 'Recommendation_Reaction__c', [{ Id: 'a02B', SystemModstamp: at, CreatedDate: '2026-03-03T09:00:00.000+0000', Recommendation__c: 'a01B', Reaction__c: 'Accepted' }], 'r1');
    await saveConversions(mirror.sql, [{ externalId: '001B-P1-XS', lineId: 'L9', opportunityId: 'O9', convertedOn: '2026-03-20', amount: 40, won: true }]);
    const source = mirrorImpactSource(mirror.sql, { windowDays: 90, holdoutShare: 0.5 });
    server = createServer(async (req, res) => {
      seen.push(req);
      const q = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ impact: await source({ since: q.since, windowDays: q.window ? Number(q.window) : undefined, by: q.by as 'week' }) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    mirror.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await $$.stubAuths(testOrg);
    ux = stubSfCommandUx($$.SANDBOX);
    seen = [];
  });
  afterEach(() => $$.restore());

  it('reads the report from the server with the token, the window and the period', async () => {
    const r = await RecoImpact.run(['--target-org', testOrg.username, '--server-url', url, '--server-token', 's3cret-token', '--window', '30', '--by', 'month', '--since', '2026-03-01']);
    expect(seen[0].url).to.equal('/api/impact?by=month&since=2026-03-01&window=30');
    expect(seen[0].headers.authorization).to.equal('Bearer s3cret-token');
    expect(r.source).to.equal('server');
    expect(r.windowDays).to.equal(30);
    expect(r.treated.accounts).to.equal(2);
    expect(r.holdout.accounts).to.equal(2);
    expect(r.periods.map((p) => p.period)).to.deep.equal(['2026-03']);
    expect(r.verdict).to.match(/^No detectable effect yet/);
  });

  it('shows accepted → won beside the lift, in the table output and in --json', async () => {
    const r = await RecoImpact.run(['--target-org', testOrg.username, '--server-url', url, '--server-token', 't']);
    expect(r.acceptedWon).to.deep.equal({ accepted: 1, won: 1, wonRate: 1, wonRevenue: 40, treatedWonRate: 0.5 });
    const lines = ux.log.args.map((a: unknown[]) => String(a[0]));
    expect(lines.find((l: string) => l.startsWith('Accepted → won'))).to.equal(
      'Accepted → won (treated accounts): 1 of 1 recommendations reps accepted were followed by a won sale within the window (100.0%), won revenue 40.00; of all shown recommendations, 50.0% were won. Reps accept what they already mean to sell, so this does not measure what Reco caused: the lift above does.',
    );
  });

  it('refuses --since or --window without a server, saying what to add', async () => {
    try {
      await RecoImpact.run(['--target-org', testOrg.username, '--window', '30']);
      expect.fail('should have thrown');
    } catch (err) {
      expect((err as Error).name).to.equal('NeedsServerError');
      expect((err as { actions?: string[] }).actions?.join(' ')).to.match(/--server-url/);
    }
  });

  it('rejects a --since that is not a date', async () => {
    try {
      await RecoImpact.run(['--target-org', testOrg.username, '--since', 'last week', '--server-url', url, '--server-token', 't']);
      expect.fail('should have thrown');
    } catch (err) {
      expect((err as Error).message).to.match(/--since must be a date/);
    }
  });
});
