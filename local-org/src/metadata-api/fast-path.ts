// What a test or the demo does instead of running `sf project deploy start` and `sf org assign permset`:
// the same deploy (deployFiles) over the same metadata-format package the CLI would send, and permission
// set assignments inserted through the normal DML path. Nothing here reads source behind a deploy's back:
// calling deploySource IS the deploy.
import type { LocalOrgStore } from '../store/org-store.js';
import { deployFiles, type DeployOptions, type DeployOutcome } from './deploy.js';
import { convertSource } from './source.js';

/** A running org (startLocalOrg) or a bare store (openOrgStore). */
export type OrgTarget = LocalOrgStore | { store: LocalOrgStore };

const storeOf = (t: OrgTarget): LocalOrgStore => ('store' in t && !('insert' in t) ? t.store : (t as LocalOrgStore));

export class DeployFailedError extends Error {
  public constructor(public readonly outcome: DeployOutcome) {
    super(
      `deploy ${outcome.status}: ` +
        (outcome.errorMessage ? `${outcome.errorMessage}; ` : '') +
        outcome.failures.map((f) => `${f.componentType || 'package'} ${f.fullName} (${f.fileName}): ${f.problem}`).join('; '),
    );
    this.name = 'DeployFailedError';
  }
}

/**
 * Deploys an SFDX source directory (e.g. the repo's force-app) to the org, as `sf project deploy start
 * --source-dir <dir>` would. Throws DeployFailedError (listing every component failure) unless it succeeded.
 */
export function deploySource(org: OrgTarget, sourceDir: string, opts: DeployOptions = {}): DeployOutcome {
  const outcome = deployFiles(storeOf(org), convertSource(sourceDir), opts);
  if (outcome.status !== 'Succeeded') throw new DeployFailedError(outcome);
  return outcome;
}

/**
 * Assigns permission sets to a user (username or user id) as `sf org assign permset` does: looks each
 * up by Name and inserts a PermissionSetAssignment. Assignments the user already holds are left alone, so
 * an org reopened from its file can run the same set-up again.
 */
export function assignPermissionSets(org: OrgTarget, user: string, names: string[]): string[] {
  const store = storeOf(org);
  const row = store.db.prepare('SELECT Id FROM "User" WHERE (Username = ? COLLATE NOCASE OR Id = ?) AND IsDeleted = 0').get(user, user) as { Id: string } | undefined;
  if (!row) throw new Error(`No user named ${user} found in the org`);
  const ids: string[] = [];
  for (const name of names) {
    const ps = store.db.prepare('SELECT Id FROM PermissionSet WHERE Name = ? AND IsDeleted = 0').get(name) as { Id: string } | undefined;
    if (!ps) throw new Error(`Permission set "${name}" not found in target org. Do you need to push source?`);
    const held = store.db.prepare('SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = ? AND PermissionSetId = ? AND IsDeleted = 0').get(row.Id, ps.Id) as { Id: string } | undefined;
    if (held) {
      ids.push(held.Id);
      continue;
    }
    const [result] = store.insert('PermissionSetAssignment', [{ AssigneeId: row.Id, PermissionSetId: ps.Id }], { allOrNone: true });
    if (!result.success) throw new Error(`assigning ${name} to ${user}: ${result.errors.map((e) => e.message).join('; ')}`);
    ids.push(result.id!);
  }
  return ids;
}
