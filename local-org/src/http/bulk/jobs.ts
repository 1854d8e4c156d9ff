// Bulk API 2.0 job records and the JobInfo JSON both job kinds answer with. Jobs live in memory: like the
// 7-day retention of a real org, they are not meant to outlive the process.
import { SfApiError } from '../../types.js';
import { newId } from '../ids.js';

export const DELIMITERS: Readonly<Record<string, string>> = {
  COMMA: ',',
  BACKQUOTE: '`',
  CARET: '^',
  PIPE: '|',
  SEMICOLON: ';',
  TAB: '\t',
};

export type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

export type JobBase = {
  id: string;
  object: string;
  operation: string;
  state: JobState;
  createdById: string;
  createdDate: string;
  systemModstamp: string;
  apiVersion: string;
  columnDelimiter: string;
  lineEnding: 'LF' | 'CRLF';
  errorMessage?: string;
  numberRecordsProcessed: number;
  totalProcessingTime: number;
};

export const sfTime = (d: Date): string => d.toISOString().replace('Z', '+0000');

export function newJobBase(
  body: Record<string, unknown>,
  object: string,
  operation: string,
  createdById: string,
  now: Date,
  apiVersion: string,
): JobBase {
  const delimiter = typeof body.columnDelimiter === 'string' ? body.columnDelimiter : 'COMMA';
  if (!(delimiter in DELIMITERS)) {
    throw new SfApiError(400, [{ errorCode: 'INVALIDJOB', message: `InvalidJob : Invalid column delimiter: ${delimiter}` }]);
  }
  const lineEnding = body.lineEnding === undefined ? 'LF' : body.lineEnding;
  if (lineEnding !== 'LF' && lineEnding !== 'CRLF') {
    throw new SfApiError(400, [{ errorCode: 'INVALIDJOB', message: `InvalidJob : Invalid line ending: ${String(lineEnding)}` }]);
  }
  if (body.contentType !== undefined && body.contentType !== 'CSV') {
    throw new SfApiError(400, [{ errorCode: 'INVALIDJOB', message: `InvalidJob : Unsupported content type: ${String(body.contentType)}` }]);
  }
  return {
    id: newId('750'),
    object,
    operation,
    state: 'Open',
    createdById,
    createdDate: sfTime(now),
    systemModstamp: sfTime(now),
    apiVersion,
    columnDelimiter: delimiter,
    lineEnding,
    numberRecordsProcessed: 0,
    totalProcessingTime: 0,
  };
}

export function isTerminal(state: JobState): boolean {
  return state === 'JobComplete' || state === 'Failed' || state === 'Aborted';
}

/** The JobInfo fields both job kinds share, in the order Salesforce lists them. */
export function jobHeader(job: JobBase, state: JobState): Record<string, unknown> {
  return {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: job.createdDate,
    systemModstamp: job.systemModstamp,
    state,
  };
}

export function jobFormat(job: JobBase, jobType: 'V2Ingest' | 'V2Query'): Record<string, unknown> {
  return {
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: Number(job.apiVersion),
    jobType,
  };
}
