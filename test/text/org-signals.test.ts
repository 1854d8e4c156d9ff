import { expect } from 'chai';
import { DatabaseSync } from 'node:sqlite';
import { orgTextSignals, rescoreChanged, type TextRecord } from '../../sync-server/src/text/index.js';

const CARD = ['My new card has still not arrived', 'The card I ordered never arrived, still waiting', 'Card not arrived after three weeks, terrible', 'Still no card, it has not arrived', 'Where is my card? It never arrived and nobody answers', 'Card delivery failed, card not arrived'];
const REFUND = ['Still waiting for my refund, this is unacceptable', 'Refund not received, no response from support', 'I was charged twice and the refund never came', 'Where is my refund? Terrible service', 'Refund still missing after a month, awful', 'No refund yet, I am fed up'];

function records(): TextRecord[] {
  const out: TextRecord[] = [];
  [...CARD, ...REFUND].forEach((t, i) => {
    const account = i % 2 === 0 ? '001A' : '001B';
    out.push({ id: `500${String(i).padStart(3, '0')}`, object: 'Case', accountId: account, date: `2024-06-${String(10 + i).padStart(2, '0')}T00:00:00Z`, systemModstamp: 's1', parts: ['Issue', t], isClosed: i > 3 });
  });
  out.push({ id: '500999', object: 'Case', accountId: '001C', date: '2024-06-20T00:00:00Z', systemModstamp: 's1', parts: ['Thanks', 'Great help, all sorted, thank you'], isClosed: true });
  return out;
}

describe('text: org signals (themes from stored term hashes)', () => {
  it('finds readable themes without bodies and counts them per account; ids survive a rerun', () => {
    const db = new DatabaseSync(':memory:');
    rescoreChanged(db, records());
    const asOf = new Date('2024-07-01T00:00:00Z');
    const first = orgTextSignals(db, asOf, { k: 2 });
    const names = first.themes.map((t) => t.name).join(' | ');
    expect(names).to.match(/arriv/);
    expect(names).to.match(/refund/);
    const a = first.accounts.get('001A')!;
    expect(a.negative30).to.equal(6);
    expect(a.themes.reduce((s, t) => s + t.count, 0)).to.equal(6);
    expect(a.openCaseAgeDays).to.equal(21);
    expect(first.accounts.get('001C')!.negative90).to.equal(0);
    const again = orgTextSignals(db, asOf, { k: 2 });
    expect(again.themes.map((t) => t.id)).to.deep.equal(first.themes.map((t) => t.id));
    db.close();
  });

  it('gives a word used by fewer than five texts no readable form', () => {
    const db = new DatabaseSync(':memory:');
    rescoreChanged(db, [...records(), { id: '02s1', object: 'EmailMessage', accountId: '001A', date: '2024-06-25T00:00:00Z', systemModstamp: 's', parts: ['Passport Zyxwvut99 rejected, card not arrived'] }]);
    const readable = (db.prepare('SELECT surface FROM reco_text_term WHERE surface IS NOT NULL').all() as { surface: string }[]).map((r) => r.surface).join(' ');
    expect(readable).to.contain('arrived');
    expect(readable.toLowerCase()).to.not.contain('passport');
    expect(readable.toLowerCase()).to.not.contain('zyxwvut99');
    db.close();
  });
});
