// Opens a real local-org store (schema + SQLite) with a fixed clock for the seeder and replay tests. The
// org is blank (nothing deployed): seeding writes only standard objects, so it must work on a new org.
import { openOrgStore, type LocalOrgStore } from '../../local-org/src/store/org-store.js';

/** A Saturday: "yesterday" is a Friday, like the source's last day 2011-12-09, so it lands exactly there. */
export const SATURDAY = new Date('2026-11-21T10:00:00.000Z');

export function openTestStore(now: Date, file?: string): LocalOrgStore {
  return openOrgStore({ file, clock: () => now });
}
