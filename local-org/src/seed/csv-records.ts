// A streaming RFC-4180 tokenizer for the Online Retail reader. csv-parse spent a quarter of a full seed's
// CPU on 541,909 rows; this one only does what the layout needs (comma separator, double-quote quoting
// with "" escapes, CRLF/LF/CR record ends, a leading BOM, empty lines skipped) and hands out whole chunks
// of records, so the reader pays one await per chunk instead of one per row. Malformed quoting fails the
// way csv-parse does, with the record number, because a misplaced quote shifts every later field.

export class CsvSyntaxError extends Error {
  public constructor(
    message: string,
    public readonly lines: number, // 1-based record number where the problem is
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

export class CsvTokenizer {
  private field = '';
  private record: string[] = [];
  private inQuotes = false;
  private quoteAtChunkEnd = false; // in quotes, the chunk ended on a quote: closing, or half of ""?
  private afterQuote = false; // just read the closing quote of a quoted field
  private quoted = false; // the current field started with a quote
  private pendingCR = false;
  private started = false;
  private records = 0; // records emitted, for error positions

  /** Tokenizes the next piece of text; returns the records it completed. */
  public push(text: string): string[][] {
    const out: string[][] = [];
    const n = text.length;
    let i = 0;
    if (!this.started && n > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    if (this.quoteAtChunkEnd && i < n) {
      this.quoteAtChunkEnd = false;
      if (text.charCodeAt(i) === 34) {
        this.field += '"';
        i += 1;
      } else {
        this.inQuotes = false;
        this.afterQuote = true;
      }
    }
    let start = i; // start of the run not yet copied into `field`
    for (; i < n; i += 1) {
      const c = text.charCodeAt(i);
      if (this.inQuotes) {
        if (c !== 34) continue;
        this.field += text.slice(start, i);
        if (i + 1 === n) {
          this.quoteAtChunkEnd = true;
        } else if (text.charCodeAt(i + 1) === 34) {
          this.field += '"';
          i += 1;
        } else {
          this.inQuotes = false;
          this.afterQuote = true;
        }
        start = i + 1;
        continue;
      }
      if (this.pendingCR) {
        this.pendingCR = false;
        if (c === 10) {
          start = i + 1;
          continue;
        }
      }
      if (c === 44) {
        this.field += text.slice(start, i);
        this.endField();
        start = i + 1;
      } else if (c === 10 || c === 13) {
        this.field += text.slice(start, i);
        this.endRecord(out);
        this.pendingCR = c === 13;
        start = i + 1;
      } else if (c === 34) {
        if (this.afterQuote) throw new CsvSyntaxError('Invalid Closing Quote: got another quote after a closing quote', this.records + 1);
        if (this.field.length > 0 || i > start) throw new CsvSyntaxError('Invalid Opening Quote: a quote is found inside a field', this.records + 1);
        this.inQuotes = true;
        this.quoted = true;
        start = i + 1;
      } else if (this.afterQuote) {
        throw new CsvSyntaxError(`Invalid Closing Quote: got "${String.fromCharCode(c)}" instead of a delimiter after a quoted field`, this.records + 1);
      }
    }
    if (!this.quoteAtChunkEnd) this.field += text.slice(start, n);
    return out;
  }

  /** Flushes the last record; an unclosed quote is an error. */
  public end(): string[][] {
    if (this.quoteAtChunkEnd) {
      this.quoteAtChunkEnd = false;
      this.inQuotes = false;
    }
    if (this.inQuotes) throw new CsvSyntaxError('Quote Not Closed: the parsing is finished with an opening quote', this.records + 1);
    const out: string[][] = [];
    this.endRecord(out);
    return out;
  }

  private endField(): void {
    this.record.push(this.field);
    this.field = '';
    this.quoted = false;
    this.afterQuote = false;
  }

  private endRecord(out: string[][]): void {
    const empty = this.record.length === 0 && this.field.length === 0 && !this.quoted;
    this.endField();
    if (!empty) {
      out.push(this.record);
      this.records += 1;
    }
    this.record = [];
  }
}
