import type { Connection } from '@salesforce/core';
import { soqlString } from './soql.js';

export const RECO_PERMISSION_SETS = ['Reco_Admin', 'Reco_Sales_Rep', 'Reco_Integration'] as const;

export type PermissionSetCheck = { name: string; present: boolean; assignedToYou: boolean };

/** Which of Reco's permission sets are deployed, and which the running user holds. */
export async function checkPermissionSets(conn: Connection, userId: string): Promise<PermissionSetCheck[]> {
  const names = RECO_PERMISSION_SETS.map(soqlString).join(', ');
  const present = await conn.query<{ Id: string; Name: string }>(`SELECT Id, Name FROM PermissionSet WHERE Name IN (${names})`);
  const assigned = await conn.query<{ PermissionSet: { Name: string } }>(
    `SELECT PermissionSet.Name FROM PermissionSetAssignment WHERE AssigneeId = ${soqlString(userId)} AND PermissionSet.Name IN (${names})`,
  );
  const have = new Set(present.records.map((r) => r.Name));
  const mine = new Set(assigned.records.map((r) => r.PermissionSet.Name));
  return RECO_PERMISSION_SETS.map((name) => ({ name, present: have.has(name), assignedToYou: mine.has(name) }));
}
