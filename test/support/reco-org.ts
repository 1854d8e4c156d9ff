// A local org with Reco installed the way an admin installs it: the repo's force-app deployed through the
// Metadata API deploy path (the same validation `sf project deploy start` gets) and the permission sets
// assigned as `sf org assign permset` would (admin: Reco_Admin, integration user: Reco_Integration, the
// sales rep: Reco_Sales_Rep).
import path from 'node:path';
import {
  ADMIN_USERNAME,
  INTEGRATION_USERNAME,
  SALES_REP_USERNAME,
  assignPermissionSets,
  deploySource,
  startLocalOrg,
  type LocalOrg,
  type LocalOrgOptions,
  type OrgTarget,
} from '@reco/local-org';

/** The repository's SFDX package directory. */
export const RECO_SOURCE = path.resolve(import.meta.dirname, '../../force-app');

/** Deploys Reco's metadata to an org (or bare store) and assigns its permission sets. */
export function installReco(org: OrgTarget): void {
  deploySource(org, RECO_SOURCE);
  assignPermissionSets(org, ADMIN_USERNAME, ['Reco_Admin']);
  assignPermissionSets(org, INTEGRATION_USERNAME, ['Reco_Integration']);
  assignPermissionSets(org, SALES_REP_USERNAME, ['Reco_Sales_Rep']);
}

/** startLocalOrg, then installReco: what every test that needs Reco's objects starts from. */
export async function startRecoOrg(opts: LocalOrgOptions = {}): Promise<LocalOrg> {
  const org = await startLocalOrg(opts);
  try {
    installReco(org);
  } catch (e) {
    await org.close();
    throw e;
  }
  return org;
}
