// The Online Retail tokenizer against csv-parse (the general parser it replaced) on tricky input cut at
// every possible chunk boundary, and its errors.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { CsvTokenizer, type CsvSyntaxError } from '../../local-org/src/seed/csv-records.js';
import { readOnlineRetail } from '../../local-org/src/seed/online-retail-csv.js';
import { FIXTURE_HEADER, rejection, tempDir, type TempDir } from './seed-fixture.js';

// One record layout, written with each record delimiter (csv-parse picks the first one it sees per file).
const RECORDS = ['\uFEFFa,b,c', '"quoted, with comma","say ""hi""",plain', '', '"multi\nline",,""', 'x,"ends with quote """,y', 'last,row,"£ and é"'];
const VARIANTS: Record<string, string> = { LF: RECORDS.join('\n'), CRLF: RECORDS.join('\r\n'), CR: RECORDS.join('\r') };

function tokenize(text: string, cuts: number[]): string[][] {
  const t = new CsvTokenizer();
  const out: string[][] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    out.push(...t.push(text.slice(from, cut)));
    from = cut;
  }
  out.push(...t.end());
  return out;
}

describe('seed csv tokenizer', () => {
  for (const [name, text] of Object.entries(VARIANTS)) {
    const expected = parse(text, { relax_column_count: true, bom: true, skip_empty_lines: true }) as string[][];

    it(`matches csv-parse on quotes, escapes, embedded newlines, BOM and empty lines (${name})`, () => {
      expect(expected).to.have.length(5);
      expect(expected[2]).to.deep.equal(['multi\nline', '', '']);
      expect(expected[3]).to.deep.equal(['x', 'ends with quote "', 'y']);
      expect(tokenize(text, [])).to.deep.equal(expected);
    });

    it(`gives the same records wherever the chunks are cut (${name})`, () => {
      for (let i = 0; i <= text.length; i += 1) {
        expect(tokenize(text, [i]), `cut at ${i}`).to.deep.equal(expected);
        expect(tokenize(text, [i, Math.min(i + 1, text.length)]), `cuts at ${i}, ${i + 1}`).to.deep.equal(expected);
      }
    });
  }

  it('fails on broken quoting with the record number', () => {
    const err = (text: string): CsvSyntaxError => {
      try {
        tokenize(text, []);
      } catch (e) {
        return e as CsvSyntaxError;
      }
      throw new Error('expected a syntax error');
    };
    expect(err('a,b\nc,"open\n')).to.include({ lines: 2 }).and.property('message').match(/Quote Not Closed/);
    expect(err('a,b\nc,d\ne,"x"y\n')).to.include({ lines: 3 }).and.property('message').match(/Invalid Closing Quote/);
    expect(err('a,b"c\n')).to.include({ lines: 1 }).and.property('message').match(/Invalid Opening Quote/);
  });

  describe('through readOnlineRetail', () => {
    let tmp: TempDir;
    beforeEach(() => {
      tmp = tempDir('reco-seed-csv-');
    });
    afterEach(() => tmp.cleanup());

    it('names the file and line of broken quoting', async () => {
      const file = tmp.write('quote.csv', `${FIXTURE_HEADER}\n536365,85123A,HEART,6,2011-11-01 08:26:00,2.55,17850,United Kingdom\n536365,71053,"LANTERN,6,2011-11-01 08:26:00,3.39,17850,United Kingdom\n`);
      const error = await rejection((async () => {
        for await (const row of readOnlineRetail(file)) void row;
      })());
      expect(error.message).to.equal(`${file}: line 3: Quote Not Closed: the parsing is finished with an opening quote`);
    });
  });
});
