// Public API of @reco/local-org.
export { startLocalOrg, DEFAULT_CLIENT_ID } from './app.js';
export type { LocalOrg, LocalOrgCredentials, LocalOrgOptions } from './app.js';
export { FaultSpecError, parseFaultSpec } from './faults.js';
export { FAULT_KINDS, type FaultKind } from './faults.js';
export { DEFAULT_DAILY_API_LIMIT } from './limits.js';
export type { ApiUsage } from './limits.js';
export { LATEST_VERSION, OLDEST_VERSION, NEWEST_VERSION } from './http/versions.js';
export type { SeedReport, SeedOptions, SeedProgress } from './seed/online-retail.js';
export type { ReplayOptions, ReplayReport } from './seed/replay.js';
export type { LocalOrgStore, OrgIdentity } from './store/org-store.js';
export { ADMIN_USERNAME, INTEGRATION_USERNAME, SALES_REP_USERNAME } from './store/org-store.js';
export { createAccessPolicy, type LocalAccessPolicy } from './access/policy.js';
export { readAccessModel, type AccessModel, type ObjectPerms, type SharingModel } from './access/model.js';
export * from './seed/online-retail-csv.js';
export * from './types.js';
