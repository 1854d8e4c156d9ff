import { expect } from 'chai';
import type { Connection } from 'jsforce';
import { FaultSpecError, type LocalOrg } from '../../local-org/src/index.js';
import { rejection, startTestOrg, tokenConnection } from './http-fixture.js';

// jsforce retries GET/PUT/DELETE on 5xx and socket errors after 0.5 s (then 1, 2, 4, 8 s), never POST/PATCH:
// targeted faults on the first call keep these tests to a single retry.
describe('local-org HTTP: fault injection (jsforce)', () => {
  let org: LocalOrg;
  let conn: Connection;

  before(async () => {
    org = await startTestOrg();
    conn = tokenConnection(org);
    conn.bulk2.pollInterval = 20;
  });
  afterEach(() => org.setFaults(null));
  after(async () => org.close());

  it('503 on a GET is retried by jsforce; on a POST it surfaces as SERVER_UNAVAILABLE', async () => {
    org.setFaults('503@1');
    const used = org.apiUsage().used;
    const res = await conn.query('SELECT Id FROM Organization');
    expect(res.totalSize).to.equal(1);
    expect(org.apiUsage().used - used, 'the failed call and its retry').to.equal(2);
    org.setFaults('503@1');
    const err = await rejection(() => conn.sobject('Account').create({ Name: 'x' }));
    expect(err.errorCode).to.equal('SERVER_UNAVAILABLE');
    expect((await conn.query("SELECT Id FROM Account WHERE Name = 'x'")).totalSize).to.equal(0);
  });

  it('500 answers UNKNOWN_EXCEPTION with an ErrorId', async () => {
    org.setFaults('500@1');
    const err = await rejection(() => conn.sobject('Account').create({ Name: 'y' }));
    expect(err.errorCode).to.equal('UNKNOWN_EXCEPTION');
    expect(err.message).to.match(/ErrorId/);
  });

  it('lock fails a single DML with 400 and one record of a collection or Bulk job', async () => {
    org.setFaults('lock@1');
    const single = await rejection(() => conn.sobject('Account').create({ Name: 'Locked' }));
    expect(single.errorCode).to.equal('UNABLE_TO_LOCK_ROW');

    org.setFaults('lock@1');
    const res = (await conn.sobject('Account').create([{ Name: 'L1' }, { Name: 'L2' }])) as unknown as { success: boolean; errors: { statusCode: string }[] }[];
    expect(res.map((r) => r.success)).to.deep.equal([false, true]);
    expect(res[0].errors[0].statusCode).to.equal('UNABLE_TO_LOCK_ROW');

    org.setFaults('lock@1');
    const all = (await conn.sobject('Account').create([{ Name: 'L3' }, { Name: 'L4' }], { allOrNone: true })) as unknown as { success: boolean; errors: { statusCode: string }[] }[];
    expect(all.map((r) => r.errors[0]?.statusCode)).to.deep.equal(['UNABLE_TO_LOCK_ROW', 'ALL_OR_NONE_OPERATION_ROLLED_BACK']);
    expect((await conn.query("SELECT Id FROM Account WHERE Name IN ('L3', 'L4')")).totalSize).to.equal(0);

    org.setFaults('lock@1');
    const bulk = await conn.bulk2.loadAndWaitForResults({ object: 'Account', operation: 'insert', input: 'Name\nB1\nB2\n' });
    expect(bulk.failedResults.map((r) => String(r.sf__Error).split(':')[0])).to.deep.equal(['UNABLE_TO_LOCK_ROW']);
    expect(bulk.successfulResults).to.have.length(1);
  });

  it('counts what it injected, by kind, since the spec was set', async () => {
    expect(org.faultsInjected()).to.deep.equal({});
    org.setFaults('slow:1@1;503@1;lock=1');
    await conn.query('SELECT Id FROM Organization'); // slowed and failed once (not the retry), then answered
    await conn.sobject('Account').create([{ Name: 'C1' }, { Name: 'C2' }]);
    expect(org.faultsInjected()).to.deep.equal({ slow: 1, '503': 1, lock: 2 });
    org.setFaults('500@9');
    expect(org.faultsInjected()).to.deep.equal({});
  });

  it('a lock rate draws per record', async () => {
    org.setFaults('lock=1');
    const all = (await conn.sobject('Account').create([{ Name: 'R1' }, { Name: 'R2' }, { Name: 'R3' }])) as unknown as { success: boolean }[];
    expect(all.map((r) => r.success)).to.deep.equal([false, false, false]);
    org.setFaults('lock=0');
    const none = (await conn.sobject('Account').create([{ Name: 'R4' }, { Name: 'R5' }])) as unknown as { success: boolean }[];
    expect(none.map((r) => r.success)).to.deep.equal([true, true]);
  });

  it('expire invalidates the session: jsforce refreshes and replays the call', async () => {
    const c = tokenConnection(org);
    const tokens: string[] = [];
    c.on('refresh', (t: string) => tokens.push(t));
    org.setFaults('expire@1');
    const res = await c.sobject('Account').create({ Name: 'After refresh' });
    expect(res.success).to.equal(true);
    expect(tokens).to.have.length(1);
    expect((await c.query("SELECT Id FROM Account WHERE Name = 'After refresh'")).totalSize).to.equal(1);
  });

  it('expire on a Bulk 2.0 call: the 401 body names INVALID_SESSION_ID, so bulk2 refreshes too', async () => {
    const c = tokenConnection(org);
    c.bulk2.pollInterval = 20;
    await c.query('SELECT Id FROM Organization'); // an earlier expire may have revoked the shared token
    const tokens: string[] = [];
    c.on('refresh', (t: string) => tokens.push(t));
    org.setFaults('expire@1~/jobs');
    const rows = await (await c.bulk2.query('SELECT Id FROM Organization')).toArray();
    expect(rows).to.have.length(1);
    expect(tokens).to.have.length(1);
  });

  it('slow delays the call and drop closes the socket (GET retried, POST fails)', async () => {
    org.setFaults('slow:300@1');
    const t0 = Date.now();
    await conn.query('SELECT Id FROM Organization');
    expect(Date.now() - t0).to.be.at.least(290);

    org.setFaults('drop@1');
    expect((await conn.query('SELECT Id FROM Organization')).totalSize).to.equal(1);
    org.setFaults('drop@1');
    const err = await rejection(() => conn.sobject('Account').create({ Name: 'dropped' }));
    expect(err.message).to.match(/fetch failed|socket|ECONNRESET|terminated|other side closed/i);
  });

  it('scopes a rule to a path and replays rate-based faults identically for the same seed', async () => {
    org.setFaults('500@1,2~/sobjects');
    expect((await conn.query('SELECT Id FROM Organization')).totalSize).to.equal(1);
    expect((await rejection(() => conn.sobject('Account').create({ Name: 's1' }))).errorCode).to.equal('UNKNOWN_EXCEPTION');
    expect((await rejection(() => conn.sobject('Account').create({ Name: 's2' }))).errorCode).to.equal('UNKNOWN_EXCEPTION');
    expect((await conn.sobject('Account').create({ Name: 's3' })).success).to.equal(true);

    const run = async (): Promise<boolean[]> => {
      org.setFaults('500=0.5;seed=42');
      const out: boolean[] = [];
      for (let i = 0; i < 16; i++) out.push(await conn.sobject('Account').create({ Name: `r${i}` }).then(() => true, () => false));
      return out;
    };
    const first = await run();
    expect(await run()).to.deep.equal(first);
    expect(first).to.include(true).and.to.include(false);
  });

  it('rejects a bad spec with an error naming the problem', async () => {
    expect(() => org.setFaults('boom@1')).to.throw(FaultSpecError, /unknown fault kind "boom"/);
    expect(() => org.setFaults('503=2')).to.throw(FaultSpecError, /between 0 and 1/);
    expect(() => org.setFaults('503@0')).to.throw(FaultSpecError, /positive integers/);
    expect(() => org.setFaults('lock:5@1')).to.throw(FaultSpecError, /only valid for slow/);
  });
});
