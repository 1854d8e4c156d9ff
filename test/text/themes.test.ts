import { expect } from 'chai';
import { assignTheme, discoverThemes } from '../../sync-server/src/text/index.js';
import { nmi } from '../../sync-server/src/evaluate/text-metrics.js';

const CARD = ['my new card has not arrived', 'card still not arrived after two weeks', 'when will my card arrive', 'the card I ordered never arrived', 'card delivery is late, not arrived'];
const REFUND = ['I want a refund for this charge', 'refund not received yet', 'please refund the duplicate payment', 'how long does a refund take', 'still no refund for my return'];
const APP = ['the app crashes on login', 'app keeps crashing when I open it', 'app crash after the update', 'login to the app fails and crashes', 'the mobile app crashes constantly'];

describe('text: themes', () => {
  const texts = [...CARD, ...REFUND, ...APP];
  const truth = texts.map((_, i) => Math.floor(i / 5));

  it('finds the groups in the texts and names them by their distinctive words', () => {
    const r = discoverThemes(texts, { k: 3 });
    expect(nmi(truth, r.assignment.map((a) => a ?? '-'))).to.be.greaterThan(0.9);
    const names = r.model.themes.map((t) => t.name).join(' | ');
    expect(names).to.match(/arriv/);
    expect(names).to.match(/refund/);
    expect(names).to.match(/app|crash/);
    for (const t of r.model.themes) expect(t.name).to.contain(t.topTerms[0]);
  });

  it('gives the same ids on a rerun, and keeps an id when the texts change a little', () => {
    const a = discoverThemes(texts, { k: 3 });
    const b = discoverThemes(texts, { k: 3 });
    expect(b.model.themes.map((t) => t.id)).to.deep.equal(a.model.themes.map((t) => t.id));
    const changed = discoverThemes([...texts, 'my card has still not arrived, third week'], { k: 3, previous: a.model.themes });
    const cardId = a.assignment[0];
    expect(changed.assignment[0]).to.equal(cardId);
    expect(changed.assignment[texts.length]).to.equal(cardId);
  });

  it('assigns a new text to the nearest theme and none when nothing matches', () => {
    const r = discoverThemes(texts, { k: 3 });
    expect(assignTheme(r.model, 'refund please, I returned it')).to.equal(r.assignment[5]);
    expect(assignTheme(r.model, 'zzz qqq')).to.equal(null);
  });

  it('copes with no usable text', () => {
    expect(discoverThemes([]).model.themes).to.deep.equal([]);
    expect(discoverThemes(['', 'the a']).assignment).to.deep.equal([null, null]);
  });
});
