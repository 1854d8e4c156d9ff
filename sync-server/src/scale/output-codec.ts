// How a partition's output travels and rests in PostgreSQL: its JSON lines, joined by newlines, as one zstd
// frame compressed by the worker. The lines are ~12 KB per account of very repetitive JSON (field names, the
// org-wide tier and order reasons on every record); sent raw, PostgreSQL spent more CPU receiving, chunking
// and lz4-compressing them than the worker spent computing the accounts, on the same cores. zstd at level 1
// shrinks them ~35x for less CPU than the server's lz4, and the column stores the frame as it is.
import { createHash } from 'node:crypto';
import { compressFrame, decompressFrame, isFrame } from './frame.js';

/**
 * A partition's frame, built line by line. Each line is encoded to UTF-8 once, straight into one buffer, and
 * its digest is taken from those bytes: joining the strings and hashing each string (which encodes it again)
 * cost the worker more than the compression. Keep one writer per worker: its buffer (tens of MB) is then
 * allocated once, where a fresh one per partition cost ~35 µs per account in page faults and the garbage
 * collections V8 starts for that much new external memory.
 */
export class OutputWriter {
  private buf: Buffer;
  private at = 0;

  /** `expectedBytes`: a guess at the whole output, so the buffer is rarely regrown (it doubles when it is). */
  public constructor(expectedBytes = 1 << 20) {
    this.buf = Buffer.allocUnsafe(Math.max(1024, expectedBytes));
  }

  /** Appends one line and returns its SHA-256, the same digest as lineDigest(line) (output-hash.ts). */
  public add(line: string): Buffer {
    // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair, 2 units, takes 4).
    this.reserve(1 + 3 * line.length);
    if (this.at > 0) this.buf[this.at++] = 0x0a;
    const n = this.buf.write(line, this.at, 'utf8');
    const digest = createHash('sha256').update(this.buf.subarray(this.at, this.at + n)).digest();
    this.at += n;
    return digest;
  }

  /** Drops what was added since the last finish (a partition abandoned half-way). */
  public reset(): void {
    this.at = 0;
  }

  /** The frame of the lines added since the last finish; the writer is then empty. */
  public finish(): Buffer {
    const frame = compressFrame(this.buf.subarray(0, this.at));
    this.at = 0;
    return frame;
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }
}

/** The lines' text; a result stored raw (by a worker from before the frames) is read as it is. */
export function decodeOutput(bytes: Buffer, where: string): string {
  if (isFrame(bytes)) return decompressFrame(bytes, `${where}: output`).toString('utf8');
  return bytes.toString('utf8');
}
