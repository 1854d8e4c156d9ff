// The Reco_Run__c record of a run: upserted by the run id as Running at the start, and with the outcome at
// the end, so admins see every run (and its API cost) in the org itself.
import type { Connection } from 'jsforce';
import { withRetry, type UpsertOptions } from './upsert.js';

export type RecoRunFields = {
  kind?: 'Full' | 'Incremental';
  /** Paused: stopped by an API limit or a shutdown; the next run resumes it under the same id. */
  status: 'Running' | 'Paused' | 'Succeeded' | 'Partial' | 'Failed';
  startedAt?: string;
  finishedAt?: string | null;
  recordsRead?: number;
  recordsWritten?: number;
  recordsFailed?: number;
  apiCalls?: number;
  summary?: unknown;
  error?: string | null;
};

const LONG_TEXT = 131_072;

/** Upserts the run record and returns its Id. */
export async function upsertRecoRun(conn: Connection, runId: string, f: RecoRunFields, opts: UpsertOptions = {}): Promise<string | null> {
  const rec: Record<string, unknown> = { External_Id__c: runId, Status__c: f.status };
  if (f.kind) rec.Kind__c = f.kind;
  if (f.startedAt) rec.Started_At__c = f.startedAt;
  if (f.finishedAt !== undefined) rec.Finished_At__c = f.finishedAt;
  if (f.recordsRead !== undefined) rec.Records_Read__c = f.recordsRead;
  if (f.recordsWritten !== undefined) rec.Records_Written__c = f.recordsWritten;
  if (f.recordsFailed !== undefined) rec.Records_Failed__c = f.recordsFailed;
  if (f.apiCalls !== undefined) rec.Api_Calls__c = f.apiCalls;
  if (f.summary !== undefined) rec.Summary__c = JSON.stringify(f.summary, null, 1).slice(0, LONG_TEXT);
  if (f.error !== undefined) rec.Error__c = f.error === null ? null : f.error.slice(0, LONG_TEXT);
  const res = (await withRetry('writing Reco_Run__c', () => conn.sobject('Reco_Run__c').upsert(rec as never, 'External_Id__c'), opts)) as unknown as { id?: string; success: boolean; errors?: unknown[] };
  if (!res.success) throw new Error(`Reco_Run__c ${runId} was not saved: ${JSON.stringify(res.errors)}`);
  if (res.id) return res.id;
  // Pre-v46 orgs answer an update with 204 and no id.
  const found = await conn.query<{ Id: string }>(`SELECT Id FROM Reco_Run__c WHERE External_Id__c = '${runId.replace(/'/g, "\\'")}'`);
  return found.records[0]?.Id ?? null;
}

/** Sets extra fields (the impact figures) on an existing run record. */
export async function upsertRunFigures(conn: Connection, runId: string, fields: Record<string, unknown>, opts: UpsertOptions = {}): Promise<void> {
  const rec = { ...fields, External_Id__c: runId };
  const res = (await withRetry('writing Reco_Run__c figures', () => conn.sobject('Reco_Run__c').upsert(rec as never, 'External_Id__c'), opts)) as unknown as { success: boolean; errors?: unknown[] };
  if (!res.success) throw new Error(`Reco_Run__c ${runId} figures were not saved: ${JSON.stringify(res.errors)}`);
}
