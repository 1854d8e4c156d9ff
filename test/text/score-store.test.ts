import { expect } from 'chai';
import { DatabaseSync } from 'node:sqlite';
import { SqliteSql } from '../../sync-server/src/mirror/sqlite-sql.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as sentiment from '../../sync-server/src/text/sentiment.js';
import { accountTextSignals, enforceExcerptLimits, joinTextParts, loadTextScores, rescoreChanged, themeSummary, type TextRecord } from '../../sync-server/src/text/index.js';

const SECRET = 'Account 99-1234 was debited twice and the replacement card never arrived';

function records(): TextRecord[] {
  return [
    { id: '500A', object: 'Case', accountId: '001A', date: '2024-05-01T10:00:00.000Z', systemModstamp: '2024-05-01T10:00:00.000Z', parts: ['Card not arrived', 'Still waiting for my card, no response to my emails.'], isClosed: false },
    { id: '500B', object: 'Case', accountId: '001A', date: '2024-05-20T10:00:00.000Z', systemModstamp: '2024-05-20T10:00:00.000Z', parts: ['Thanks', 'Great help, all sorted.'], isClosed: true },
    { id: '02sA', object: 'EmailMessage', accountId: '001A', date: '2024-05-21T10:00:00.000Z', systemModstamp: '2024-05-21T10:00:00.000Z', parts: ['Complaint', SECRET] },
  ];
}

describe('text: score store (incremental, privacy)', () => {
  let dir: string;
  let db: SqliteSql;
  const open = (): SqliteSql => new SqliteSql(new DatabaseSync(join(dir, 'reco.db')), join(dir, 'reco.db'));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'reco-text-'));
    db = open();
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('re-scores only records whose content or SystemModstamp changed', async () => {
    expect(await rescoreChanged(db, records())).to.deep.equal({ scored: 3, unchanged: 0, deleted: 0 });
    expect(await rescoreChanged(db, records())).to.deep.equal({ scored: 0, unchanged: 3, deleted: 0 });
    const next = records();
    next[1] = { ...next[1], parts: ['Thanks', 'Actually it broke again, useless.'], systemModstamp: '2024-05-22T10:00:00.000Z' };
    next[2] = { ...next[2], systemModstamp: '2024-05-23T10:00:00.000Z' };
    expect(await rescoreChanged(db, next, { deletedIds: ['500A'] })).to.deep.equal({ scored: 2, unchanged: 1, deleted: 1 });
    const rows = (await loadTextScores(db));
    expect(rows.map((r) => r.id)).to.deep.equal(['02sA', '500B']);
    expect(rows.find((r) => r.id === '500B')!.label).to.equal('negative');
  });

  it('stores no body text for EmailMessage by default, and a short excerpt for Case', async () => {
    await rescoreChanged(db, records());
    const email = (await loadTextScores(db)).find((r) => r.id === '02sA')!;
    expect(email.excerpt).to.equal(null);
    const kase = (await loadTextScores(db)).find((r) => r.id === '500A')!;
    expect(kase.excerpt!.length).to.be.at.most(161);
    await db.close();
    // Nothing of the email body anywhere in the database file, not even a fragment.
    const file = readFileSync(join(dir, 'reco.db')).toString('latin1');
    for (const fragment of ['debited twice', '99-1234', 'replacement card']) expect(file).to.not.contain(fragment);
    db = open();
  });

  it('stores no excerpt at all when every object is set to 0', async () => {
    await rescoreChanged(db, records(), { excerptChars: { Case: 0, CaseComment: 0, Task: 0, Event: 0 } });
    for (const r of (await loadTextScores(db))) expect(r.excerpt).to.equal(null);
    await db.close();
    const file = readFileSync(join(dir, 'reco.db')).toString('latin1');
    for (const fragment of ['Still waiting', 'no response', 'all sorted']) expect(file).to.not.contain(fragment);
    db = open();
  });

  it('removes the excerpts an earlier setting stored once excerpts are off, and shortens them to a lower limit', async () => {
    await rescoreChanged(db, records());
    expect((await loadTextScores(db)).find((r) => r.id === '500A')!.excerpt).to.contain('Still waiting');
    // Unchanged texts are not re-scored, so the new limit must reach the stored rows by itself.
    expect(await rescoreChanged(db, records(), { excerptChars: { Case: 0 } })).to.include({ scored: 0, unchanged: 3 });
    expect((await loadTextScores(db)).find((r) => r.id === '500A')!.excerpt).to.contain('Still waiting');
    expect(await enforceExcerptLimits(db, { Case: 20 })).to.equal(2);
    for (const r of (await loadTextScores(db)).filter((x) => x.object === 'Case')) expect(r.excerpt!.length, r.excerpt!).to.be.at.most(20);
    expect(await enforceExcerptLimits(db, { Case: 0, CaseComment: 0, Task: 0, Event: 0 })).to.equal(2);
    expect(await enforceExcerptLimits(db, { Case: 0 })).to.equal(0);
    for (const r of (await loadTextScores(db))) expect(r.excerpt).to.equal(null);
    await db.close();
    // Not even in the freed space of the file.
    const file = readFileSync(join(dir, 'reco.db')).toString('latin1');
    for (const fragment of ['Still waiting', 'no response', 'all sorted']) expect(file).to.not.contain(fragment);
    db = open();
  });

  it('reads a Case Subject that only repeats the start of its Description once', async () => {
    const description = 'I still have not received my new card, I ordered over a week ago and nobody answers my emails.';
    expect(joinTextParts([`${description.slice(0, 40)}...`, description])).to.equal(description);
    expect(joinTextParts([description, description])).to.equal(description);
    expect(joinTextParts(['Card not arrived', description])).to.equal(`Card not arrived\n${description}`);
    expect(joinTextParts([null, '  ', description, undefined])).to.equal(description);
    await rescoreChanged(db, [{ id: '500C', object: 'Case', accountId: '001A', date: '2024-05-01T10:00:00.000Z', systemModstamp: '2024-05-01T10:00:00.000Z', parts: [description, description] }]);
    expect((await loadTextScores(db))[0].excerpt).to.not.contain('\n');
  });

  it('writes nothing of the body to stdout or stderr while scoring', async () => {
    const written: string[] = [];
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string | Uint8Array) => (written.push(String(chunk)), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      await rescoreChanged(db, records());
      sentiment.scoreSentiment(SECRET);
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
    }
    expect(written.join('')).to.not.contain('debited');
  });

  it('account signals: level, trend, negative counts, open case age, themes with counts', () => {
    const texts = [
      { accountId: '001A', object: 'Case', date: '2024-06-25T00:00:00Z', score: -0.8, label: 'negative' as const, themeId: 'th_card', isClosed: false, excerpt: 'Card not arrived' },
      { accountId: '001A', object: 'Case', date: '2024-06-20T00:00:00Z', score: -0.6, label: 'negative' as const, themeId: 'th_card', isClosed: true, excerpt: null },
      { accountId: '001A', object: 'Task', date: '2024-04-20T00:00:00Z', score: 0.6, label: 'positive' as const, themeId: null, isClosed: null, excerpt: null },
      { accountId: '001A', object: 'Case', date: '2024-02-01T00:00:00Z', score: -0.9, label: 'negative' as const, themeId: 'th_refund', isClosed: false, excerpt: null },
    ];
    const a = accountTextSignals(texts, [{ id: 'th_card', name: 'card arrive', topTerms: [], terms: [], size: 2 }], new Date('2024-07-01T00:00:00Z')).get('001A')!;
    expect(a.negative30).to.equal(2);
    expect(a.negative90).to.equal(2);
    expect(a.negativeCases30).to.equal(2);
    expect(a.sentimentLevel).to.be.closeTo((-0.8 - 0.6 + 0.6) / 3, 1e-9);
    expect(a.sentimentTrend).to.be.closeTo(-0.7 - 0.6, 1e-9);
    expect(a.openCaseAgeDays).to.equal(151);
    expect(a.themes).to.deep.equal([{ id: 'th_card', name: 'card arrive', count: 2 }]);
    expect(a.excerpt).to.equal('Card not arrived');
    expect(themeSummary(a)).to.equal('2 negative in 30 days, 2 in 90: card arrive ×2');
  });
});
