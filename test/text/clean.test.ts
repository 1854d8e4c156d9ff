import { expect } from 'chai';
import { cleanCrmText, scoreSentiment } from '../../sync-server/src/text/index.js';

describe('text: cleaning CRM bodies', () => {
  it('drops quoted replies ("On … wrote:", "> " lines, Original Message)', () => {
    const body = [
      'The replacement card still has not arrived.',
      '',
      'On Mon, 3 Jun 2024 at 10:02, Support <help@bank.example> wrote:',
      '> Thank you so much, we are delighted to help! Your card is on its way.',
      '> Wonderful news, enjoy!',
    ].join('\n');
    const { text } = cleanCrmText(body);
    expect(text).to.equal('The replacement card still has not arrived.');
    expect(scoreSentiment(body).label).to.equal('negative');
    const outlook = 'Not resolved yet.\n-----Original Message-----\nFrom: Support\nSent: Monday\nWe are happy to help, great!';
    expect(cleanCrmText(outlook).text).to.equal('Not resolved yet.');
    expect(cleanCrmText('Still broken.\n> great, fixed!\n>> awesome').text).to.equal('Still broken.');
  });

  it('drops signatures, disclaimers and ticket boilerplate', () => {
    const body = [
      'Ticket #48213',
      'Status: Open',
      'Priority: High',
      'I was charged twice for one payment.',
      '',
      'Best regards,',
      'Jane Happy',
      'Wonderful Widgets Ltd — Excellence in everything',
      'CONFIDENTIALITY NOTICE: this email is intended only for the named recipient.',
    ].join('\n');
    const { text } = cleanCrmText(body);
    expect(text).to.equal('I was charged twice for one payment.');
    expect(scoreSentiment(body).label).to.equal('negative');
    expect(cleanCrmText('Works now.\n--\nJohn\nSent from my iPhone').text).to.equal('Works now.');
    expect(cleanCrmText('Fine.\nSent from my iPhone').text).to.equal('Fine.');
  });

  it('keeps a forward that starts with its header instead of returning nothing', () => {
    expect(cleanCrmText('-----Original Message-----\nThe card never arrived').text).to.contain('never arrived');
  });

  it('strips HTML and truncates long bodies at a sentence end', () => {
    expect(cleanCrmText('<p>Card <b>declined</b></p><blockquote>great!</blockquote>').text).to.equal('Card declined');
    const long = 'My payment failed again. '.repeat(400);
    const r = cleanCrmText(long, 1000);
    expect(r.truncated).to.equal(true);
    expect(r.text.length).to.be.at.most(1000);
    expect(r.text.endsWith('.')).to.equal(true);
  });
});
