import { expect } from 'chai';
import { orgTextSignals, rescoreChanged, TEMPLATE_COPIES, type TextRecord } from '../../sync-server/src/text/index.js';
import { textEvents } from '../../sync-server/src/pipeline/text-signals.js';
import { sqlEngines } from '../support/sql-engines.js';

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

// Every case on both store engines: the themes, their ids and the readable terms come out the same.
for (const engine of sqlEngines()) {
describe(`text: org signals (themes from stored term hashes) on ${engine.name}`, function () {
  this.timeout(60_000);
  after(() => engine.cleanup());

  it('finds readable themes without bodies and counts them per account; ids survive a rerun', async () => {
    const db = await engine.open();
    await rescoreChanged(db, records());
    const asOf = new Date('2024-07-01T00:00:00Z');
    const first = await orgTextSignals(db, asOf, { k: 2 });
    const names = first.themes.map((t) => t.name).join(' | ');
    expect(names).to.match(/arriv/);
    expect(names).to.match(/refund/);
    const a = first.accounts.get('001A')!;
    expect(a.negative30).to.equal(6);
    expect(a.themes.reduce((s, t) => s + t.count, 0)).to.equal(6);
    expect(a.openCaseAgeDays).to.equal(21);
    expect(first.accounts.get('001C')!.negative90).to.equal(0);
    const again = await orgTextSignals(db, asOf, { k: 2 });
    expect(again.themes.map((t) => t.id)).to.deep.equal(first.themes.map((t) => t.id));
  });

  it('leaves a text logged identically on many accounts (a template) out of themes, sentiment and churn events', async () => {
    const db = await engine.open();
    const template = (i: number): TextRecord => ({
      id: `00T${String(i).padStart(3, '0')}`, object: 'Task', accountId: `001T${i}`, date: '2024-06-15T00:00:00Z', systemModstamp: 's1',
      parts: ['Email: we miss you - new range', 'Automated activity logged by the marketing system, unsubscribe link broken.'],
    });
    const copies = Array.from({ length: TEMPLATE_COPIES }, (_, i) => template(i));
    await rescoreChanged(db, [...records(), ...copies]);
    const scored = await db.all<{ label: string }>("SELECT label FROM reco_text_score WHERE object = 'Task'");
    expect(scored.every((r) => r.label === 'negative'), 'the template reads as negative').to.equal(true);
    const signals = await orgTextSignals(db, new Date('2024-07-01T00:00:00Z'), { k: 2 });
    const words = signals.themes.flatMap((t) => [t.name, ...t.topTerms]).join(' ');
    expect(words).to.not.match(/miss|automat|marketing|unsubscribe/);
    expect(signals.accounts.has('001T0')).to.equal(false);
    expect(signals.accounts.get('001A')!.negative30).to.equal(6);
    expect((await textEvents(db)).map((e) => e.accountId)).to.not.include('001T0');
    // One copy fewer is not a template: those texts count.
    const few = await engine.open();
    await rescoreChanged(few, [...records(), ...copies.slice(1)]);
    expect((await orgTextSignals(few, new Date('2024-07-01T00:00:00Z'), { k: 2 })).accounts.get('001T1')!.negative30).to.equal(1);
  });

  it('does not build or name themes from a line most of the org\'s texts share', async () => {
    const db = await engine.open();
    const withFooter = records().map((r) => ({ ...r, parts: [...r.parts, 'Logged through the Acme helpdesk widget.'] }));
    await rescoreChanged(db, withFooter);
    const signals = await orgTextSignals(db, new Date('2024-07-01T00:00:00Z'), { k: 2 });
    const words = signals.themes.flatMap((t) => [t.name, ...t.topTerms]).join(' ');
    expect(words).to.match(/arriv/);
    expect(words).to.match(/refund/);
    expect(words.toLowerCase()).to.not.match(/acme|helpdesk|widget|logged/);
  });

  it('gives a word used by fewer than five texts no readable form', async () => {
    const db = await engine.open();
    await rescoreChanged(db, [...records(), { id: '02s1', object: 'EmailMessage', accountId: '001A', date: '2024-06-25T00:00:00Z', systemModstamp: 's', parts: ['Passport Zyxwvut99 rejected, card not arrived'] }]);
    const readable = (await db.all<{ surface: string }>('SELECT surface FROM reco_text_term WHERE surface IS NOT NULL')).map((r) => r.surface).join(' ');
    expect(readable).to.contain('arrived');
    expect(readable.toLowerCase()).to.not.contain('passport');
    expect(readable.toLowerCase()).to.not.contain('zyxwvut99');
  });
});
}
