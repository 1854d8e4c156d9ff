// The text score store behaves the same on node:sqlite and on PostgreSQL: scores saved, loaded and replaced
// only when a text changed, deleted with their terms, the operator's excerpt limits enforced on stored rows,
// and the term index counting each text once.
import { expect } from 'chai';
import { SOURCE_OBJECTS } from '../../sync-server/src/extract/objects.js';
import { dropOrphanTextScores, scoreAndStripText } from '../../sync-server/src/extract/text-objects.js';
import type { Sql } from '../../sync-server/src/lib/sql.js';
import { enforceExcerptLimits, loadTextScores, rescoreChanged, type TextRecord } from '../../sync-server/src/text/index.js';
import { MIN_READABLE_DF, termHash } from '../../sync-server/src/text/score-store.js';
import { sqlEngines } from '../support/sql-engines.js';

const kase = (id: string, text: string, over: Partial<TextRecord> = {}): TextRecord => ({
  id, object: 'Case', accountId: '001A', date: '2024-05-01T10:00:00.000Z', systemModstamp: 's1', parts: ['Issue', text], isClosed: false, ...over,
});
const CARD = ['My card has not arrived', 'Card still not arrived, terrible', 'The card never arrived', 'No card yet, it has not arrived', 'Card not arrived and no response'];

for (const engine of sqlEngines()) {
  describe(`text score store on ${engine.name}`, function () {
    this.timeout(60_000);
    let sql: Sql;
    beforeEach(async () => {
      sql = await engine.open();
    });
    after(() => engine.cleanup());

    const df = async (term: string): Promise<{ df: number; surface: string | null } | undefined> =>
      sql.get<{ df: number; surface: string | null }>('SELECT df, surface FROM reco_text_term WHERE hash = ?', [termHash(term)]);

    it('saves, loads and replaces scores only for texts that changed, and drops deleted ones', async () => {
      const texts = [kase('500B', 'Great help, all sorted.', { isClosed: true }), kase('500A', 'Still waiting for my card, no response.'), kase('02sA', 'Complaint', { object: 'EmailMessage', isClosed: undefined })];
      expect(await rescoreChanged(sql, texts)).to.deep.equal({ scored: 3, unchanged: 0, deleted: 0 });
      expect(await rescoreChanged(sql, texts), 'saved again unchanged').to.deep.equal({ scored: 0, unchanged: 3, deleted: 0 });
      const first = await loadTextScores(sql);
      expect(first.map((r) => [r.id, r.label, r.isClosed])).to.deep.equal([['02sA', first[0].label, null], ['500A', 'negative', false], ['500B', 'positive', true]]);
      expect(first[1].score).to.be.a('number').and.below(0);

      const next = [kase('500B', 'It broke again, useless.', { systemModstamp: 's2', isClosed: true }), texts[1]];
      expect(await rescoreChanged(sql, next, { deletedIds: ['02sA', 'gone'] })).to.deep.equal({ scored: 1, unchanged: 1, deleted: 1 });
      const rows = await loadTextScores(sql);
      expect(rows.map((r) => [r.id, r.label])).to.deep.equal([['500A', 'negative'], ['500B', 'negative']]);
    });

    it('keeps excerpts within the object limits, and enforces a tighter limit on rows already stored', async () => {
      await rescoreChanged(sql, [kase('500A', 'Still waiting for my card, no response to my emails for a week.'), kase('02sA', 'A private email body', { object: 'EmailMessage' })]);
      const stored = await loadTextScores(sql);
      expect(stored.find((r) => r.id === '02sA')?.excerpt, 'emails keep no excerpt by default').to.equal(null);
      expect(stored.find((r) => r.id === '500A')?.excerpt).to.contain('Still waiting');
      expect(await enforceExcerptLimits(sql, { Case: 20 })).to.equal(1);
      const short = (await loadTextScores(sql)).find((r) => r.id === '500A')?.excerpt ?? '';
      expect(short.length, short).to.be.at.most(20).and.above(0);
      expect(await enforceExcerptLimits(sql, { Case: 0 })).to.equal(1);
      expect(await enforceExcerptLimits(sql, { Case: 0 }), 'nothing left to remove').to.equal(0);
      expect((await loadTextScores(sql)).map((r) => r.excerpt)).to.deep.equal([null, null]);
    });

    it('counts each text once in the term index, names a term from the fifth text, and uncounts replaced and deleted texts', async () => {
      await rescoreChanged(sql, CARD.slice(0, 4).map((t, i) => kase(`500${i}`, t)));
      expect(await df('arriv')).to.deep.equal({ df: 4, surface: null });
      await rescoreChanged(sql, [kase('5004', CARD[4])]);
      expect(await df('arriv')).to.deep.equal({ df: MIN_READABLE_DF, surface: 'arrived' });
      await rescoreChanged(sql, [kase('5000', 'Refund missing', { systemModstamp: 's2' })], { deletedIds: ['5001'] });
      expect((await df('arriv'))?.df).to.equal(3);
      expect((await df('refund'))?.df).to.equal(1);
      await rescoreChanged(sql, [], { deletedIds: ['5000', '5002', '5003', '5004'] });
      expect((await df('arriv'))?.df).to.equal(0);
      expect(await loadTextScores(sql)).to.deep.equal([]);
    });

    it('scores a page of emails, taking the account from the mirrored Case, and forgets scores the mirror no longer has', async () => {
      // The mirror's records table as the store keeps it (JSON text per record).
      await sql.exec('CREATE TABLE records (object TEXT NOT NULL, id TEXT NOT NULL, modstamp TEXT NOT NULL, data TEXT NOT NULL, run_id TEXT NOT NULL, PRIMARY KEY (object, id))');
      await sql.run('INSERT INTO records (object, id, modstamp, data, run_id) VALUES (?, ?, ?, ?, ?)', ['Case', '500A', 's', JSON.stringify({ Id: '500A', AccountId: '001Q' }), 'r1']);
      const email = SOURCE_OBJECTS.find((o) => o.name === 'EmailMessage');
      if (!email) throw new Error('no EmailMessage source');
      const page = [
        { Id: '02s1', SystemModstamp: 's', ParentId: '500A', Subject: 'Card', TextBody: 'My card has not arrived', Incoming: true, MessageDate: '2024-05-01T10:00:00.000Z' },
        { Id: '02s2', SystemModstamp: 's', ParentId: null, RelatedToId: '001R', Subject: 'Thanks', TextBody: 'All sorted, thanks', Incoming: true, MessageDate: '2024-05-02T10:00:00.000Z' },
      ];
      const { records, stats } = await scoreAndStripText(sql, email, page);
      expect(stats).to.deep.equal({ scored: 2, unchanged: 0, deleted: 0 });
      expect(records.map((r) => Object.keys(r).filter((k) => k === 'TextBody' || k === 'Subject'))).to.deep.equal([[], []]);
      expect((await loadTextScores(sql)).map((r) => [r.id, r.accountId])).to.deep.equal([['02s1', '001Q'], ['02s2', '001R']]);
      await sql.run('INSERT INTO records (object, id, modstamp, data, run_id) VALUES (?, ?, ?, ?, ?)', ['EmailMessage', '02s2', 's', '{}', 'r1']);
      expect(await dropOrphanTextScores(sql, 'EmailMessage')).to.equal(1);
      expect((await loadTextScores(sql)).map((r) => r.id)).to.deep.equal(['02s2']);
    });

    it('writes nothing when one text of the batch cannot be stored', async () => {
      const bad = kase('500X', 'Card not arrived', { date: null as unknown as string });
      const error = await rescoreChanged(sql, [kase('500A', 'Card not arrived'), bad]).catch((e: Error) => e);
      expect(error).to.be.instanceOf(Error);
      expect(await loadTextScores(sql)).to.deep.equal([]);
      expect(await df('arriv')).to.equal(undefined);
    });
  });
}
