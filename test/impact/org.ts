// The one place impact tests get an org: local-org seeded from a real-data sample as of a cutoff, with the
// later invoices pending for replay. local-org starts blank: Reco's objects (the Impact_* and Converted_* fields
// included) arrive by the Metadata API deploy an admin would run, so a field missing from force-app fails here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalOrg } from '@reco/local-org';
import { retailSample } from '@reco/local-org';
import type { Connection } from 'jsforce';
import { createConnection } from '../../sync-server/src/connect/connect.js';
import { openMirror, type Mirror } from '../../sync-server/src/mirror/db.js';
import { startRecoOrg } from '../support/reco-org.js';

export type ImpactOrg = { org: LocalOrg; conn: Connection; mirror: Mirror; close(): Promise<void> };

export async function seededImpactOrg(opts: { customers: number; asOf: string }): Promise<ImpactOrg> {
  const dir = mkdtempSync(join(tmpdir(), 'reco-impact-org-'));
  const org = await startRecoOrg({ port: 0, db: join(dir, 'org.db'), seed: { onlineRetail: await retailSample(opts.customers) }, asOf: opts.asOf });
  const c = org.credentials;
  const conn = await createConnection({ flow: 'refresh-token', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken });
  const mirror = openMirror(join(dir, 'mirror'));
  return {
    org, conn, mirror,
    async close() {
      mirror.close();
      await org.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
