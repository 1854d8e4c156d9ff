// The offline protocol on the sync server's own mirror: the org's records as the last sync read them,
// cleaned as a run cleans them. The demo evaluates this, not the source CSV, because local-org moves the
// CSV's 2010-2011 dates up to the present: only the mirror has the dates the org (and `sf reco evaluate`) has.
import { existsSync } from 'node:fs';
import { cleanMirror } from '../clean/clean.js';
import { openMirror } from '../mirror/db.js';
import { retailDataFromDataset } from './from-dataset.js';
import type { RetailData } from './retail-data.js';

export async function retailDataFromMirror(location: string): Promise<RetailData> {
  // openMirror creates what is missing; here a missing file is a wrong path, not a new mirror to start.
  if (!existsSync(location)) throw new Error(`--mirror: no mirror at ${location} (the sync server's RECO_STORE_PATH, written by its first sync)`);
  const mirror = openMirror(location, { setting: '--mirror' });
  try {
    return retailDataFromDataset((await cleanMirror(mirror.sql)).dataset);
  } finally {
    await mirror.close();
  }
}
