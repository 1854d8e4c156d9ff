import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the CLI keeps its mirror of an org. One directory per org id, so switching --target-org never mixes
 * two orgs' records, and a later run from the same machine is incremental.
 */
export function defaultDataDir(orgId: string): string {
  return join(process.env.RECO_DATA_DIR ?? join(homedir(), '.reco'), orgId);
}
