import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracy, macroF1, nmi } from '../../sync-server/src/evaluate/text-metrics.js';
import { evaluateText, sentimentLabels } from '../../sync-server/src/evaluate/text-eval.js';

describe('text: evaluation', () => {
  it('metrics match hand-computed values', () => {
    expect(accuracy(['a', 'b', 'b'], ['a', 'a', 'b'])).to.be.closeTo(2 / 3, 1e-12);
    // class a: tp 1 fp 1 fn 0 → 2/3; class b: tp 1 fp 0 fn 1 → 2/3
    expect(macroF1(['a', 'b', 'b'], ['a', 'a', 'b'])).to.be.closeTo(2 / 3, 1e-12);
    expect(nmi([0, 0, 1, 1], [5, 5, 7, 7])).to.be.closeTo(1, 1e-12);
    expect(nmi([0, 0, 1, 1], [5, 7, 5, 7])).to.be.closeTo(0, 1e-12);
  });

  it('reads 0/1, negative/neutral/positive and -1/0/1 labels', () => {
    expect(sentimentLabels(['0', '1']).kind).to.equal('binary');
    expect(sentimentLabels(['negative', 'neutral', 'positive'])).to.deep.equal({ kind: 'three-class', labels: ['negative', 'neutral', 'positive'] });
    expect(sentimentLabels(['-1', '0', '1']).labels).to.deep.equal(['negative', 'neutral', 'positive']);
    expect(sentimentLabels(['card_arrival']).kind).to.equal('other');
  });

  it('reports every method under the documented keys and scores a neutral class', () => {
    const rows = [
      ['Thank you, the agent was wonderful', 'positive'],
      ['Great app, works perfectly', 'positive'],
      ['Still waiting for my refund, terrible service', 'negative'],
      ['The card never arrived and nobody answers', 'negative'],
      ['What are your opening hours on Saturday?', 'neutral'],
      ['Please send the invoice for order 1234', 'neutral'],
    ].map(([text, label]) => ({ text, label, extra: {} }));
    const r = evaluateText(rows);
    expect(Object.keys(r.sentiment!)).to.deep.equal(['reco', 'afinn', 'vader', 'wink']);
    for (const m of Object.values(r.sentiment!)) expect(m).to.have.keys('accuracy', 'macroF1');
    expect(r.sentiment!.reco.accuracy).to.equal(1);
    expect(r.topics).to.have.keys('reco', 'tfidf-kmeans');
    expect(r.topics.reco.nmi).to.be.within(0, 1);
  });

  it('leaves out the rows the shipped calibration was trained on', () => {
    // A row of the UCI amazon source, which the shipped calibration was fitted on.
    const rows = [
      { text: 'Good case, Excellent value.', label: '1', extra: {} },
      { text: 'The replacement never arrived, avoid.', label: '0', extra: {} },
    ];
    const r = evaluateText(rows, { withTopics: false });
    expect(r.excludedTrainingRows).to.equal(1);
    expect(r.rows).to.equal(1);
  });

  it('the CLI prints JSON with sentiment.<method> and topics.<method> and names a missing column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reco-evaltext-'));
    try {
      const csv = join(dir, 'x.csv');
      writeFileSync(csv, 'body,y\n"I love it",1\n"I hate it",0\n"Broken again, useless",0\n"Works great, thanks",1\n');
      const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
      const out = JSON.parse(execFileSync(tsx, ['sync-server/src/evaluate/text-cli.ts', '--csv', csv, '--text-column', 'body', '--label-column', 'y', '--json'], { encoding: 'utf8' }));
      expect(out.sentiment.reco.macroF1).to.be.a('number');
      expect(out.topics['tfidf-kmeans'].nmi).to.be.a('number');
      let message = '';
      try {
        execFileSync(tsx, ['sync-server/src/evaluate/text-cli.ts', '--csv', csv, '--json'], { encoding: 'utf8', stdio: 'pipe' });
      } catch (err) {
        message = String((err as { stderr: string }).stderr);
      }
      expect(message).to.match(/no column "text"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
