// The org's own API limits, as opposed to Reco's budget guard: REQUEST_LIMIT_EXCEEDED (HTTP 403) once the
// org's daily requests are spent (by any integration) or too many long requests run at once. Neither is a
// fault of the run, and retrying burns nothing but time: the run stops where it is and resumes later.
import { errorCode } from '../writeback/upsert.js';

export function isOrgLimitError(err: unknown): boolean {
  if (errorCode(err) === 'REQUEST_LIMIT_EXCEEDED') return true;
  // Bulk API 2.0 reports a spent allocation in the job (ExceededQuota) or with the REST body in the message.
  return /REQUEST_LIMIT_EXCEEDED|TotalRequests Limit exceeded|ExceededQuota/.test((err as Error)?.message ?? '');
}
