import { Flags } from '@salesforce/sf-plugins-core';
import { RecoCommand } from '../../shared/reco-command.js';
import { getFromSyncServer, syncServerFlags } from '../../shared/sync-server.js';
import type { RunKind, RunStatus } from '@reco/sync-server';
import { Messages } from '@salesforce/core';
import { queryReco } from '../../shared/reco-query.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@reco/plugin-reco', 'reco.status');

export type RunRow = {
  name: string;
  kind: string | null;
  status: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  recordsRead: number;
  recordsWritten: number;
  recordsFailed: number;
  apiCalls: number;
  error: string | null;
};

export type RecoStatusResult = { source: 'org' | 'server'; runs: RunRow[] };

type RunRecord = {
  Name: string;
  Kind__c: string | null;
  Status__c: string | null;
  Started_At__c: string | null;
  Finished_At__c: string | null;
  Records_Read__c: number | null;
  Records_Written__c: number | null;
  Records_Failed__c: number | null;
  Api_Calls__c: number | null;
  Error__c: string | null;
};

/** A run as the sync server's GET /runs returns it (RunView in sync-server/src/http/ports.ts). */
type ServerRun = {
  id: string;
  kind: RunKind | null;
  status: RunStatus | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** The run summary flattened to dotted paths: counts.read, counts.written, counts.failed, apiCallsByKind.<kind>. */
  counts?: Record<string, number>;
  error: string | null;
};

function fromServerRun(r: ServerRun): RunRow {
  const counts = r.counts ?? {};
  const apiCalls = Object.entries(counts).reduce((n, [path, v]) => (path.startsWith('apiCallsByKind.') ? n + v : n), 0);
  return {
    name: r.id,
    kind: r.kind,
    status: r.status,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    recordsRead: counts['counts.read'] ?? 0,
    recordsWritten: counts['counts.written'] ?? 0,
    recordsFailed: counts['counts.failed'] ?? 0,
    apiCalls,
    error: r.error,
  };
}

export default class RecoStatus extends RecoCommand<RecoStatusResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    limit: Flags.integer({ summary: messages.getMessage('flags.limit.summary'), default: 10, min: 1, max: 200 }),
    ...syncServerFlags,
  };

  public async run(): Promise<RecoStatusResult> {
    const { flags } = await this.parse(RecoStatus);
    const runs = flags['server-url']
      ? await this.fromServer(flags['server-url'], flags['server-token'] ?? '', flags.limit)
      : await this.fromOrg(flags, flags.limit);
    if (runs.length === 0) {
      this.log(messages.getMessage('info.NoRuns'));
    } else {
      this.table({
        data: runs.map((r) => ({
          Run: r.name,
          Kind: r.kind ?? '',
          Status: r.status ?? '',
          Started: r.startedAt ?? '',
          Finished: r.finishedAt ?? '',
          Read: r.recordsRead,
          Written: r.recordsWritten,
          Failed: r.recordsFailed,
          'API calls': r.apiCalls,
        })),
      });
    }
    return { source: flags['server-url'] ? 'server' : 'org', runs };
  }

  private async fromOrg(flags: { 'target-org': import('@salesforce/core').Org; 'api-version'?: string }, limit: number): Promise<RunRow[]> {
    const conn = flags['target-org'].getConnection(flags['api-version']);
    const records = await queryReco<RunRecord>(
      conn,
      'SELECT Name, Kind__c, Status__c, Started_At__c, Finished_At__c, Records_Read__c, Records_Written__c, ' +
        `Records_Failed__c, Api_Calls__c, Error__c FROM Reco_Run__c ORDER BY Started_At__c DESC NULLS LAST LIMIT ${limit}`,
      'Reco_Run__c',
    );
    return records.map((r) => ({
      name: r.Name,
      kind: r.Kind__c,
      status: r.Status__c,
      startedAt: r.Started_At__c,
      finishedAt: r.Finished_At__c,
      recordsRead: r.Records_Read__c ?? 0,
      recordsWritten: r.Records_Written__c ?? 0,
      recordsFailed: r.Records_Failed__c ?? 0,
      apiCalls: r.Api_Calls__c ?? 0,
      error: r.Error__c,
    }));
  }

  private async fromServer(url: URL, token: string, limit: number): Promise<RunRow[]> {
    const body = await getFromSyncServer<{ runs?: ServerRun[] }>(url, token, `runs?limit=${limit}`);
    return (body.runs ?? []).map(fromServerRun);
  }
}
