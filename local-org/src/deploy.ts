// What deploying Reco's SFDX source does to an org beyond its objects: the permission sets exist as
// PermissionSet rows, and (as the README's admin walk-through does with `sf org assign permset`) the admin
// holds Reco_Admin, the integration user Reco_Integration and the sales rep Reco_Sales_Rep. Idempotent, so a persisted org reopens cleanly.
import { DEFAULT_METADATA_DIR } from './schema/metadata.js';
import { readPermissionSets } from './schema/permission-sets.js';
import type { LocalOrgStore } from './store/org-store.js';

export function deployPermissionSets(store: LocalOrgStore, metadataDir: string = DEFAULT_METADATA_DIR): void {
  const sources = readPermissionSets(metadataDir);
  const existing = new Map(
    (store.db.prepare('SELECT Id, Name FROM PermissionSet WHERE IsDeleted = 0').all() as Array<{ Id: string; Name: string }>).map((r) => [r.Name, r.Id]),
  );
  const missing = sources.filter((s) => !existing.has(s.name));
  if (missing.length > 0) {
    const results = store.insert('PermissionSet', missing.map((s) => ({ Name: s.name, Label: s.label, Description: s.description })), { allOrNone: true });
    missing.forEach((s, i) => existing.set(s.name, results[i].id ?? ''));
  }
  const { adminUserId, integrationUserId, salesRepUserId } = store.identity;
  const wanted: Array<[string, string]> = [
    [adminUserId, 'Reco_Admin'],
    [integrationUserId, 'Reco_Integration'],
    [salesRepUserId, 'Reco_Sales_Rep'],
  ];
  const have = new Set(
    (store.db.prepare('SELECT AssigneeId, PermissionSetId FROM PermissionSetAssignment WHERE IsDeleted = 0').all() as Array<{ AssigneeId: string; PermissionSetId: string }>).map(
      (r) => `${r.AssigneeId}:${r.PermissionSetId}`,
    ),
  );
  const assignments = wanted
    .filter(([, ps]) => existing.has(ps))
    .map(([user, ps]) => ({ AssigneeId: user, PermissionSetId: existing.get(ps) as string }))
    .filter((a) => !have.has(`${a.AssigneeId}:${a.PermissionSetId}`));
  if (assignments.length > 0) store.insert('PermissionSetAssignment', assignments, { allOrNone: true });
}
