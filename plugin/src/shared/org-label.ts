import { matchesAccessToken, type Org } from '@salesforce/core';

/**
 * The user name to show for an org, or its instance URL when `sf` has none: for `--target-org <access token>`
 * sf keeps the token itself as the org's "username", and a token must never reach the terminal or --json.
 */
export function orgLabel(org: Org): string {
  const username = org.getUsername() ?? '';
  const token = org.getConnection().accessToken ?? '';
  if (username && username !== token && !matchesAccessToken(username)) return username;
  return org.getConnection().instanceUrl ?? org.getOrgId();
}
