import { expect } from 'chai';
import { scoreSentiment } from '../../sync-server/src/text/index.js';

describe('text: sentiment', () => {
  it('scores in [-1, 1] with a matching label', () => {
    for (const t of ['Great service, thank you!', 'This is terrible.', 'Please update my billing address.']) {
      const s = scoreSentiment(t);
      expect(s.score).to.be.within(-1, 1);
      expect(s.label).to.equal(s.score >= 0.2 ? 'positive' : s.score <= -0.2 ? 'negative' : 'neutral');
    }
  });

  it('negation flips the word it governs', () => {
    expect(scoreSentiment('I am happy with the product').label).to.equal('positive');
    expect(scoreSentiment('I am not happy with the product').label).to.equal('negative');
    expect(scoreSentiment("I don't like this at all").label).to.equal('negative');
    expect(scoreSentiment('The new version is not bad').score).to.be.greaterThan(scoreSentiment('The new version is bad').score);
  });

  it('reads support phrases that the general lexicons rate as neutral', () => {
    for (const t of ['Still waiting on my order', 'No response from your team after 3 emails', 'The card has not arrived', 'I want to escalate this', 'Please cancel and refund me']) {
      expect(scoreSentiment(t).score, t).to.be.lessThan(0);
    }
    expect(scoreSentiment('Still waiting on my order').label).to.equal('negative');
  });

  it('intensifiers strengthen and contrast favours the clause after "but"', () => {
    expect(scoreSentiment('The support was extremely helpful').score).to.be.greaterThan(scoreSentiment('The support was helpful').score);
    expect(scoreSentiment('The price is good but the support was useless').label).to.equal('negative');
  });

  it('short evidence-free notes are neutral with low confidence', () => {
    const s = scoreSentiment('Call back Tuesday re invoice 4411');
    expect(s.label).to.equal('neutral');
    expect(s.confidence).to.be.lessThan(0.4);
  });

  it('empty input is neutral with zero confidence', () => {
    for (const t of ['', '   ', null, undefined]) expect(scoreSentiment(t)).to.include({ score: 0, label: 'neutral', confidence: 0 });
  });

  it('non-English text is neutral with low confidence, never an error', () => {
    for (const t of [
      'Ich bin mit dem Service nicht zufrieden und die Karte ist nicht angekommen',
      "Je ne suis pas du tout content, la carte n'est jamais arrivée",
      'Мой заказ до сих пор не доставлен, это ужасно',
      '我的卡还没有到，非常失望',
      'No estoy contento con el servicio, es muy malo',
    ]) {
      const s = scoreSentiment(t);
      expect(s.label, t).to.equal('neutral');
      expect(s.english, t).to.equal(false);
      expect(s.confidence, t).to.be.at.most(0.2);
    }
  });

  it('a 1 MB body is scored in bounded time and memory', () => {
    const body = 'The app keeps crashing and nobody answers my emails. '.repeat(Math.ceil(1_048_576 / 53)).slice(0, 1_048_576);
    scoreSentiment('warm-up');
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const s = scoreSentiment(body);
    const ms = performance.now() - started;
    const grewMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    expect(s.truncated).to.equal(true);
    expect(s.label).to.equal('negative');
    // The scorer reads at most the first 20,000 characters: far under the 1 MB, whatever the machine's load.
    expect(ms).to.be.lessThan(1500);
    expect(grewMb).to.be.lessThan(64);
  });
});
