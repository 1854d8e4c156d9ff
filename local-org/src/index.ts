// Public API of @reco/local-org.
export { startLocalOrg, DEFAULT_CLIENT_ID } from './app.js';
export type { LocalOrg, LocalOrgCredentials, LocalOrgOptions } from './app.js';
export { FaultSpecError, parseFaultSpec } from './faults.js';
export { DEFAULT_DAILY_API_LIMIT } from './limits.js';
export type { ApiUsage } from './limits.js';
export { LATEST_VERSION, OLDEST_VERSION, NEWEST_VERSION } from './http/versions.js';
export type { SeedReport, SeedOptions, SeedProgress } from './seed/online-retail.js';
export type { ReplayOptions, ReplayReport } from './seed/replay.js';
export type { LocalOrgStore, OrgIdentity } from './store/org-store.js';
export { ADMIN_USERNAME, INTEGRATION_USERNAME, SALES_REP_USERNAME } from './store/org-store.js';
export { createAccessPolicy, type LocalAccessPolicy } from './access/policy.js';
export { deployedAccessModel, type AccessModel, type ObjectPerms, type SharingModel } from './access/model.js';
export * from './seed/online-retail-csv.js';
export * from './types.js';
export { deploySource, assignPermissionSets, DeployFailedError, type OrgTarget } from './metadata-api/fast-path.js';
export { deployFiles, type DeployOptions, type DeployOutcome, type DeployResult, type DeployMessage } from './metadata-api/deploy.js';
export { convertSource, SourceConversionError } from './metadata-api/source.js';
export { openOrgStore } from './store/org-store.js';
