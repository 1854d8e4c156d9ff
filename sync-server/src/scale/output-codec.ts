// How a partition's output travels and rests in PostgreSQL: its JSON lines, joined by newlines, as one zstd
// frame compressed by the worker. The lines are ~12 KB per account of very repetitive JSON (field names, the
// org-wide tier and order reasons on every record); sent raw, PostgreSQL spent more CPU receiving, chunking
// and lz4-compressing them than the worker spent computing the accounts, on the same cores. zstd at level 1
// shrinks them ~35x for less CPU than the server's lz4, and the column stores the frame as it is.
import { constants, zstdCompressSync, zstdDecompressSync } from 'node:zlib';

const ZSTD_MAGIC = 0xfd2fb528;

export function encodeOutput(lines: readonly string[]): Buffer {
  return zstdCompressSync(Buffer.from(lines.join('\n'), 'utf8'), { params: { [constants.ZSTD_c_compressionLevel]: 1 } });
}

/** The lines' text; a result stored raw (by a worker from before the frames) is read as it is. */
export function decodeOutput(bytes: Buffer, where: string): string {
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === ZSTD_MAGIC) {
    try {
      return zstdDecompressSync(bytes).toString('utf8');
    } catch (e) {
      throw new Error(`${where}: the stored output is a damaged zstd frame (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return bytes.toString('utf8');
}
