import { Flags } from '@salesforce/sf-plugins-core';
import { RecoCommand } from '../../../shared/reco-command.js';
import { Messages, SfError } from '@salesforce/core';
import { MultiStageOutput } from '@oclif/multi-stage-output';
import type { Connection as JsforceConnection } from 'jsforce';
import { getWatermark, openMirror, runPipeline, SOURCE_OBJECTS, STAGES, type FinishedRunStatus, type ProgressEvent, type RunKind, type RunSummary, type Stage } from '@reco/sync-server';
import { defaultDataDir } from '../../../shared/data-dir.js';
import { orgLabel } from '../../../shared/org-label.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@reco/plugin-reco', 'reco.sync.run');

export type RecoSyncRunResult = {
  runId: string;
  kind: RunKind;
  status: FinishedRunStatus;
  resumed: boolean;
  durationMs: number;
  apiCalls: number;
  recordsRead: number;
  recordsWritten: number;
  recordsFailed: number;
  failuresByCode: Record<string, number>;
  dataDir: string;
  error: string | null;
};

/** Which count a stage's progress events carry. */
const COUNTED: Partial<Record<Stage, keyof StageData>> = { extract: 'read', models: 'recommendations', writeback: 'written' };
const FINAL_STAGE_STATUS = { Succeeded: 'completed', Partial: 'warning', Aborted: 'aborted' } as const;

type StageData = { status: string; read: number; recommendations: number; written: number };
const shown = (key: keyof StageData) => (d?: Partial<StageData>): string | undefined => (d?.[key] === undefined ? undefined : String(d[key]));

export default class RecoSyncRun extends RecoCommand<RecoSyncRunResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    full: Flags.boolean({ summary: messages.getMessage('flags.full.summary'), default: false }),
    'data-dir': Flags.directory({ summary: messages.getMessage('flags.data-dir.summary') }),
  };

  public async run(): Promise<RecoSyncRunResult> {
    const { flags } = await this.parse(RecoSyncRun);
    const org = flags['target-org'];
    const conn = org.getConnection(flags['api-version']);
    const dataDir = flags['data-dir'] ?? defaultDataDir(org.getOrgId());
    // The pipeline retries network failures for seconds and then reports only "fetch failed"; one call to the
    // versions resource first turns an org that does not answer into OrgUnreachableError with its URL at once.
    await conn.request(`${conn.instanceUrl}/services/data/`);
    const mirror = openMirror(dataDir);
    // With no object ever read in full there is nothing to be incremental to: the run reads everything, and
    // is labelled and recorded as the Full sync it is.
    const fullDone = await Promise.all(SOURCE_OBJECTS.map(async (o) => (await getWatermark(mirror.sql, o.name))?.fullDone));
    const firstSync = !fullDone.some(Boolean);
    const kind = flags.full || firstSync ? 'Full' : 'Incremental';
    const ms = new MultiStageOutput<StageData>({
      jsonEnabled: this.jsonEnabled(),
      stages: [...STAGES],
      title: messages.getMessage('title', [kind, orgLabel(org)]),
      stageSpecificBlock: [
        { stage: 'extract', type: 'dynamic-key-value', label: messages.getMessage('label.Read'), get: shown('read') },
        { stage: 'models', type: 'dynamic-key-value', label: messages.getMessage('label.Recommendations'), get: shown('recommendations') },
        { stage: 'writeback', type: 'dynamic-key-value', label: messages.getMessage('label.Written'), get: shown('written') },
      ],
      postStagesBlock: [{ type: 'dynamic-key-value', label: messages.getMessage('label.Status'), get: (d) => d?.status }],
    });
    let shownStage = '';
    const onProgress = (e: ProgressEvent): void => {
      const key = COUNTED[e.stage];
      const counts = key && typeof e.records === 'number' ? { [key]: e.records } : {};
      // 'finish' only reports its end; a failed run reports it too, and must not mark the earlier stages done.
      const starts = e.stage !== shownStage && (e.status === 'running' || (e.stage === 'finish' && e.status === 'done'));
      if (starts) {
        shownStage = e.stage;
        ms.goto(e.stage, counts);
      } else ms.updateData(counts);
    };
    let summary: RunSummary;
    try {
      // @salesforce/core's Connection is jsforce's Node build; the pipeline uses only the API both share.
      summary = await runPipeline(
        { connection: conn as unknown as JsforceConnection, mirror },
        { kind, onProgress },
      );
    } catch (err) {
      ms.error();
      throw err;
    } finally {
      await mirror.close();
    }
    ms.updateData({ status: summary.status });
    if (summary.status === 'Failed') ms.error();
    else ms.stop(FINAL_STAGE_STATUS[summary.status]);

    const result = toResult(summary, dataDir);
    this.table({
      title: messages.getMessage('title.Summary'),
      data: [
        { Measure: messages.getMessage('measure.Run'), Value: result.runId },
        { Measure: messages.getMessage('measure.Status'), Value: result.resumed ? messages.getMessage('measure.Resumed', [result.status]) : result.status },
        { Measure: messages.getMessage('label.Read'), Value: result.recordsRead },
        { Measure: messages.getMessage('label.Written'), Value: result.recordsWritten },
        { Measure: messages.getMessage('measure.Failed'), Value: result.recordsFailed },
        { Measure: messages.getMessage('measure.ApiCalls'), Value: result.apiCalls },
        { Measure: messages.getMessage('measure.Duration'), Value: messages.getMessage('measure.Seconds', [(result.durationMs / 1000).toFixed(1)]) },
      ],
    });
    const codes = Object.entries(result.failuresByCode);
    if (codes.length > 0) this.table({ title: messages.getMessage('title.Failures'), data: codes.map(([Code, Count]) => ({ Code, Count })) });
    if (summary.status === 'Failed') {
      throw new SfError(messages.getMessage('error.RunFailed', [summary.error ?? '']), 'RunFailedError', messages.getMessages('error.RunFailed.actions'), 1).setData(result);
    }
    if (summary.status === 'Aborted') {
      throw new SfError(messages.getMessage('error.RunAborted', [summary.error ?? '']), 'RunAbortedError', messages.getMessages('error.RunAborted.actions'), 1).setData(result);
    }
    if (summary.status === 'Partial') this.warn(messages.getMessage('warning.Partial', [result.recordsFailed]));
    else this.logSuccess(messages.getMessage('success', [result.runId]));
    return result;
  }
}

function toResult(s: RunSummary, dataDir: string): RecoSyncRunResult {
  const failuresByCode: Record<string, number> = {};
  for (const f of s.writeback?.failures ?? []) failuresByCode[f.code] = (failuresByCode[f.code] ?? 0) + 1;
  return {
    runId: s.runId,
    kind: s.kind,
    status: s.status,
    resumed: s.resumed,
    durationMs: s.durationMs,
    apiCalls: s.apiCalls,
    recordsRead: s.extract.reduce((n, o) => n + o.fetched, 0),
    recordsWritten: s.writeback?.written ?? 0,
    recordsFailed: s.writeback?.failed ?? 0,
    failuresByCode,
    dataDir,
    error: s.error,
  };
}
