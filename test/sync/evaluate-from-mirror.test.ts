// `npm run evaluate -- --mirror PATH` reads a sync server's mirror; a wrong path must not quietly become a new,
// empty mirror that then "has no won opportunity lines".
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { retailDataFromMirror } from '@reco/sync-server/evaluate/from-mirror.js';

describe('evaluate: the mirror as the data source', () => {
  it('names a missing mirror path and creates nothing there', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'reco-eval-mirror-'));
    try {
      const missing = path.join(dir, 'mirror.db');
      const error = await retailDataFromMirror(missing).then(() => null, (e: Error) => e);
      expect(error?.message).to.equal(`--mirror: no mirror at ${missing} (the sync server's RECO_STORE_PATH, written by its first sync)`);
      expect(existsSync(missing)).to.equal(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
