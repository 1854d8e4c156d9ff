// A sales rep distinct from the user Reco connects as: reps' edits are what the incremental feedback read
// must pick up, and it tells them from Reco's own writes by LastModifiedById.
import type { LocalOrg } from '@reco/local-org';

export function addRep(org: LocalOrg, username = 'rep@reco.local'): string {
  const [res] = org.store.insert('User', [{
    Username: username, LastName: 'Rep', Email: username, Alias: 'rep', ProfileId: org.store.identity.profileId,
    TimeZoneSidKey: 'GMT', LocaleSidKey: 'en_US', EmailEncodingKey: 'UTF-8', LanguageLocaleKey: 'en_US',
  }]);
  if (!res.success || !res.id) throw new Error(`could not create the rep user: ${JSON.stringify(res.errors)}`);
  return res.id;
}

/** Updates records as the rep would through the UI (their user stamps LastModifiedById). */
export function repUpdate(org: LocalOrg, repId: string, object: string, records: Array<Record<string, unknown> & { Id: string }>): void {
  const results = org.store.asUser(repId, () => org.store.update(object, records));
  const bad = results.find((r) => !r.success);
  if (bad) throw new Error(`rep update failed: ${JSON.stringify(bad.errors)}`);
}
