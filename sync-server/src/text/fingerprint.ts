// A short stable hash of a text, used to name training rows (so evaluation can leave them out) and to key
// the re-scoring cache, without keeping the text itself.
import { createHash } from 'node:crypto';

export function fingerprint(text: string): string {
  return createHash('sha256').update(text.trim().toLowerCase().replace(/\s+/g, ' ')).digest('base64url').slice(0, 16);
}
