// zstd frames, for what the partitioned step stores in PostgreSQL: PostgreSQL then takes and chunks a third or
// less of the bytes, and spends less CPU on them than the frame costs to make (zstd level 1).
import { constants, zstdCompressSync, zstdDecompressSync } from 'node:zlib';

const ZSTD_MAGIC = 0xfd2fb528;
const LEVEL = { params: { [constants.ZSTD_c_compressionLevel]: 1 } };

export function compressFrame(bytes: Uint8Array): Buffer {
  return zstdCompressSync(bytes, LEVEL);
}

export function isFrame(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === ZSTD_MAGIC;
}

/** The frame's content; `where` names it in the error when the frame is damaged. */
export function decompressFrame(bytes: Uint8Array, where: string): Buffer {
  try {
    return zstdDecompressSync(bytes);
  } catch (e) {
    throw new Error(`${where}: the stored bytes are a damaged zstd frame (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** What was stored: a frame's content, or the bytes themselves when they are not a frame (stored before frames). */
export function storedBytes(bytes: Uint8Array, where: string): Uint8Array {
  return isFrame(bytes) ? decompressFrame(bytes, where) : bytes;
}
