// What an admin does to a local-org through its REST API before Reco runs, for tests that drive the real CLI.
import type { LocalOrg } from '@reco/local-org';

/**
 * Makes sure the org's admin holds a permission set, assigning it through the REST API (as `sf org assign
 * permset` does) only if missing: a real org refuses a duplicate assignment.
 */
export async function ensureAssigned(org: LocalOrg, name: string): Promise<void> {
  const api = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${org.url}${path}`, { ...init, headers: { Authorization: `Bearer ${org.credentials.accessToken}`, 'Content-Type': 'application/json' } });
    if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const query = <T>(soql: string): Promise<{ records: T[] }> => api(`/services/data/v62.0/query?q=${encodeURIComponent(soql)}`);
  const me = await api<{ user_id: string }>('/services/oauth2/userinfo');
  const held = await query(`SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = '${me.user_id}' AND PermissionSet.Name = '${name}'`);
  if (held.records.length > 0) return;
  const [ps] = (await query<{ Id: string }>(`SELECT Id FROM PermissionSet WHERE Name = '${name}'`)).records;
  await api('/services/data/v62.0/sobjects/PermissionSetAssignment', { method: 'POST', body: JSON.stringify({ AssigneeId: me.user_id, PermissionSetId: ps.Id }) });
}
