import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractObject } from '../../sync-server/src/extract/extract.js';
import { SOURCE_OBJECTS } from '../../sync-server/src/extract/objects.js';
import { openMirror, type Mirror } from '../../sync-server/src/mirror/db.js';
import { readRecords } from '../../sync-server/src/mirror/records.js';
import { loadTextScores } from '../../sync-server/src/text/index.js';
import { startFakeQueryOrg, type FakeOrg, type FakeRecord } from '../sync/fake-query-server.js';

const src = (name: string) => SOURCE_OBJECTS.find((o) => o.name === name)!;
const CASE_BODY = 'I have been charged twice and the support line never answers, this is unacceptable';
const EMAIL_BODY = 'My passport number is X1234567 and my new card still has not arrived';

function kase(id: string, stamp: string, description: string, extra: Partial<FakeRecord> = {}): FakeRecord {
  return {
    Id: id, SystemModstamp: stamp, IsDeleted: false, AccountId: '001000000000001AAA', ContactId: null, Subject: 'Billing',
    Description: description, Status: 'New', Priority: 'High', Type: 'Other', Reason: 'Billing', Origin: 'Email',
    CreatedDate: '2024-05-01T10:00:00.000+0000', ClosedDate: null, IsClosed: false, ...extra,
  };
}

describe('text: extraction of customer text (scores in, bodies out)', () => {
  let dir: string;
  let mirror: Mirror;
  let org: FakeOrg;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reco-textx-'));
    mirror = openMirror(dir);
    org = await startFakeQueryOrg({
      Case: [kase('500000000000001AAA', '2024-05-01T10:00:00.000+0000', CASE_BODY), kase('500000000000002AAA', '2024-05-01T10:00:01.000+0000', 'Thanks, the team was great')],
      EmailMessage: [{
        Id: '02s000000000001AAA', SystemModstamp: '2024-05-02T10:00:00.000+0000', IsDeleted: false, ParentId: '500000000000001AAA',
        RelatedToId: null, Subject: 'Re: card', TextBody: EMAIL_BODY, Incoming: true, MessageDate: '2024-05-02T09:00:00.000+0000', Status: '0',
        CreatedDate: '2024-05-02T10:00:00.000+0000',
      }],
    });
  });
  afterEach(async () => {
    mirror.close();
    await org.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scores every text, mirrors the records without their text fields, and keeps no email body', async () => {
    const c = await extractObject(org.conn, mirror, src('Case'), { runId: 'r1' });
    const e = await extractObject(org.conn, mirror, src('EmailMessage'), { runId: 'r1' });
    expect(c).to.include({ upserted: 2, textScored: 2, textUnchanged: 0 });
    expect(e).to.include({ upserted: 1, textScored: 1 });
    for (const r of (await readRecords<Record<string, unknown>>(mirror.sql, 'Case'))) {
      expect(r).to.not.have.any.keys('Description', 'Subject');
      expect(r).to.include({ AccountId: '001000000000001AAA', Status: 'New' });
    }
    expect((await readRecords<Record<string, unknown>>(mirror.sql, 'EmailMessage'))[0]).to.not.have.any.keys('TextBody', 'Subject');
    const scores = new Map((await loadTextScores(mirror.sql)).map((s) => [s.id, s]));
    expect(scores.get('500000000000001AAA')).to.include({ label: 'negative', accountId: '001000000000001AAA', isClosed: false });
    expect(scores.get('500000000000002AAA')!.label).to.equal('positive');
    // The email's account comes from its Case; it keeps no excerpt by default.
    expect(scores.get('02s000000000001AAA')).to.include({ accountId: '001000000000001AAA', excerpt: null, label: 'negative' });
    mirror.close();
    const file = readFileSync(join(dir, 'reco-mirror.db')).toString('latin1') + readWal(dir);
    expect(file).to.not.contain('X1234567');
    expect(file).to.not.contain('passport');
    mirror = openMirror(dir);
  });

  it('does not score an agent\'s reply (Incoming false) as customer text, and forgets it if it was scored before', async () => {
    const emails = org.records.get('EmailMessage')!;
    emails.push({
      Id: '02s000000000002AAA', SystemModstamp: '2024-05-03T10:00:00.000+0000', IsDeleted: false, ParentId: '500000000000001AAA',
      RelatedToId: null, Subject: 'Re: card', TextBody: 'We are so sorry for the trouble, we apologise for the delay with your card.', Incoming: false,
      MessageDate: '2024-05-03T09:00:00.000+0000', Status: '3', CreatedDate: '2024-05-03T10:00:00.000+0000',
    });
    await extractObject(org.conn, mirror, src('Case'), { runId: 'r1' });
    const first = await extractObject(org.conn, mirror, src('EmailMessage'), { runId: 'r1' });
    expect(first).to.include({ upserted: 2, textScored: 1 });
    expect((await loadTextScores(mirror.sql)).map((s) => s.id)).to.not.include('02s000000000002AAA');
    expect((await readRecords<Record<string, unknown>>(mirror.sql, 'EmailMessage')).find((r) => r.Id === '02s000000000002AAA')).to.not.have.any.keys('TextBody', 'Subject');
    // The customer's own email, re-saved as outbound by a mistaken integration, loses its score.
    emails[0] = { ...emails[0], Incoming: false, SystemModstamp: '2024-06-01T10:00:00.000+0000' };
    await extractObject(org.conn, mirror, src('EmailMessage'), { runId: 'r2', overlapMs: 0 });
    expect((await loadTextScores(mirror.sql)).filter((s) => s.object === 'EmailMessage')).to.deep.equal([]);
  });

  it('re-scores only the texts that changed on the next incremental read', async () => {
    await extractObject(org.conn, mirror, src('Case'), { runId: 'r1' });
    const rows = org.records.get('Case')!;
    rows[1] = { ...rows[1], Description: 'It broke again. Useless.', SystemModstamp: '2025-01-01T00:00:00.000+0000' };
    const stats = await extractObject(org.conn, mirror, src('Case'), { runId: 'r2', overlapMs: 0 });
    expect(stats).to.include({ fetched: 1, textScored: 1, textUnchanged: 0 });
    expect((await loadTextScores(mirror.sql)).find((s) => s.id === '500000000000002AAA')!.label).to.equal('negative');
  });
});

function readWal(dir: string): string {
  try {
    return readFileSync(join(dir, 'reco-mirror.db-wal')).toString('latin1');
  } catch {
    return '';
  }
}
