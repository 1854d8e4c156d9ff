// The fault campaign's org: ONE place that turns a SQLite file into a running org Reco can sync, so when orgs
// start blank (metadata deploy + permission set assignment before any sync), only this function changes.
// A sales rep logs in with the JWT bearer flow, hence the key pair: the rep acts through the REST API exactly
// as the Lightning component would, as sales.rep@reco.local, under the org's sharing rules.
import { generateKeyPairSync } from 'node:crypto';
import { SALES_REP_USERNAME, type LocalOrg } from '@reco/local-org';
import { startRecoOrg } from '../support/reco-org.js';
import type { Connection } from 'jsforce';
import { createConnection } from '../../sync-server/src/connect/connect.js';

export type RepKeys = { publicKey: string; privateKey: string };

export function repKeys(): RepKeys {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/**
 * Starts local-org on `db` (seeding it from `seed` first when given) and prepares it as an admin would for
 * Reco: its metadata deployed and permission sets assigned (a reopened org redeploys the same source, which
 * changes nothing); Account's org-wide default is Public Read Only so reps react to recommendations of
 * accounts they cannot edit.
 */
export async function startChaosOrg(o: { db: string; keys: RepKeys; seed?: { onlineRetail: string; asOf: string } }): Promise<LocalOrg> {
  const org = await startRecoOrg({
    port: 0,
    db: o.db,
    jwtPublicKey: o.keys.publicKey,
    ...(o.seed ? { seed: { onlineRetail: o.seed.onlineRetail }, asOf: o.seed.asOf } : {}),
  });
  org.access.setOrgWideDefault('Account', 'Read');
  return org;
}

/** Reco's own connection (the integration's refresh token), as the sync service makes it. */
export function recoConnection(org: LocalOrg): Promise<Connection> {
  const c = org.credentials;
  return createConnection({ flow: 'refresh-token', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken });
}

export function repConnection(org: LocalOrg, keys: RepKeys): Promise<Connection> {
  const c = org.credentials;
  return createConnection({ flow: 'jwt', loginUrl: c.loginUrl, clientId: c.clientId, username: SALES_REP_USERNAME, privateKey: keys.privateKey });
}
