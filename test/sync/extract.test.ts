import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiBudget, ApiBudgetExceededError } from '../../sync-server/src/connect/api-budget.js';
import { extractObject, sinceCondition } from '../../sync-server/src/extract/extract.js';
import { openMirror, type Mirror } from '../../sync-server/src/mirror/db.js';
import { countRecords, getWatermark, readRecords } from '../../sync-server/src/mirror/records.js';
import { fakeRecords, startFakeQueryOrg, type FakeOrg } from './fake-query-server.js';

const ACCOUNT = { name: 'Account', fields: ['Id', 'SystemModstamp', 'IsDeleted', 'Name'] };

describe('sync: REST extraction into the mirror', () => {
  let dir: string;
  let mirror: Mirror;
  let org: FakeOrg;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reco-extract-'));
    mirror = openMirror(dir);
    org = await startFakeQueryOrg({ Account: fakeRecords('001', 4500, '2024-01-01T00:00:00.000+0000') });
  });
  afterEach(async () => {
    mirror.close();
    await org.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads everything in ceil(n/2000) query pages plus describe and COUNT()', async () => {
    const budget = new ApiBudget(org.conn);
    const stats = await extractObject(org.conn, mirror, ACCOUNT, { runId: 'r1', budget });
    expect(stats).to.include({ mode: 'rest', incremental: false, expected: 4500, fetched: 4500, upserted: 4500 });
    expect((await countRecords(mirror.sql, 'Account'))).to.equal(4500);
    // 1 describe + 1 COUNT() + 3 pages (2000 + 2000 + 500)
    expect(budget.calls).to.equal(5);
    expect(org.requests.filter((r) => r.includes('/query')).length).to.equal(4);
    expect((await getWatermark(mirror.sql, 'Account'))).to.deep.include({ fullDone: true });
  });

  it('picks up exactly the changes and deletes after the watermark', async () => {
    await extractObject(org.conn, mirror, ACCOUNT, { runId: 'r1' });
    const rows = org.records.get('Account')!;
    rows[10] = { ...rows[10], Name: 'Changed', SystemModstamp: '2025-02-01T00:00:00.000+0000' };
    rows[20] = { ...rows[20], IsDeleted: true, SystemModstamp: '2025-02-01T00:00:01.000+0000' };
    rows.push({ Id: '001NEW000000000001', Name: 'New', IsDeleted: false, SystemModstamp: '2025-02-01T00:00:02.000+0000' });
    const budget = new ApiBudget(org.conn);
    // the overlap window is anchored at the previous read (now), long after these stamps: nothing is re-read
    const stats = await extractObject(org.conn, mirror, ACCOUNT, { runId: 'r2', budget, overlapMs: 5 * 60_000 });
    expect(stats).to.include({ incremental: true, fetched: 3, upserted: 2, deleted: 1 });
    expect(budget.calls).to.equal(2); // COUNT() + one page; field list comes from the mirror's cache
    const byId = new Map((await readRecords<{ Id: string; Name: string }>(mirror.sql, 'Account')).map((r) => [r.Id, r.Name]));
    expect(byId.size).to.equal(4500);
    expect(byId.get(rows[10].Id)).to.equal('Changed');
    expect(byId.has(rows[20].Id)).to.equal(false);
    expect(byId.get('001NEW000000000001')).to.equal('New');
  });

  it('resumes a full load from the last committed page after a crash', async () => {
    const ac = new AbortController();
    let pages = 0;
    const err = await extractObject(org.conn, mirror, ACCOUNT, {
      runId: 'r1',
      signal: ac.signal,
      onProgress: (e) => {
        if (e.phase === 'page' && ++pages === 1) ac.abort(new Error('killed'));
      },
    }).catch((e: Error) => e);
    expect((err as Error).message).to.equal('killed');
    expect((await countRecords(mirror.sql, 'Account'))).to.equal(2000);
    expect((await getWatermark(mirror.sql, 'Account'))).to.deep.include({ fullDone: false });
    const stats = await extractObject(org.conn, mirror, ACCOUNT, { runId: 'r1' });
    expect((await countRecords(mirror.sql, 'Account'))).to.equal(4500);
    expect(stats.swept).to.equal(0);
    expect((await getWatermark(mirror.sql, 'Account'))).to.deep.include({ fullDone: true });
  });

  it('resumes exactly after the last (SystemModstamp, Id) when records share one stamp', async () => {
    org.records.set('Account', fakeRecords('001', 4500, '2024-01-01T00:00:00.000+0000').map((r) => ({ ...r, SystemModstamp: '2024-01-01T00:00:00.000+0000' })));
    const ac = new AbortController();
    await extractObject(org.conn, mirror, ACCOUNT, { runId: 'r1', signal: ac.signal, onProgress: (e) => e.phase === 'page' && ac.abort(new Error('killed')) }).catch(() => undefined);
    expect((await getWatermark(mirror.sql, 'Account'))).to.deep.include({ lastId: org.records.get('Account')![1999].Id, fullDone: false });
    const stats = await extractObject(org.conn, mirror, ACCOUNT, { runId: 'r1' });
    expect(stats.fetched).to.equal(2500);
    expect((await countRecords(mirror.sql, 'Account'))).to.equal(4500);
  });

  it('widens the incremental read to the overlap window when records changed just before the last read', () => {
    const wm = { object: 'Account', modstamp: '2026-01-01T10:00:00.000Z', lastId: '001A', fullDone: true, syncedAt: '2026-01-01T10:01:00.000Z' };
    expect(sinceCondition(wm, 5 * 60_000)).to.equal('SystemModstamp > 2026-01-01T09:56:00.000Z');
    expect(sinceCondition({ ...wm, syncedAt: '2026-02-01T00:00:00.000Z' }, 5 * 60_000)).to.equal(
      "(SystemModstamp > 2026-01-01T10:00:00.000Z OR (SystemModstamp = 2026-01-01T10:00:00.000Z AND Id > '001A'))",
    );
  });

  it('counts per budget from its creation, through one transport hook per connection', async () => {
    const first = new ApiBudget(org.conn);
    await org.conn.query('SELECT COUNT() FROM Account');
    const second = new ApiBudget(org.conn);
    await org.conn.query('SELECT COUNT() FROM Account');
    expect([first.calls, second.calls]).to.deep.equal([2, 1]);
    expect(second.byKind).to.deep.equal({ query: 1 });
    expect(org.requests.length).to.equal(2);
  });

  it('stops before the configured share of the daily API limit', async () => {
    const budget = new ApiBudget(org.conn, { maxShareOfDailyLimit: 0.0002 }); // 3 of 15,000
    const err = await extractObject(org.conn, mirror, ACCOUNT, { runId: 'r1', budget }).catch((e: Error) => e);
    expect(err).to.be.instanceOf(ApiBudgetExceededError);
    expect((err as Error).message).to.match(/daily API requests/);
  });
});
