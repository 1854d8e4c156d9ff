// One run: extract -> clean -> models -> write back -> Reco_Run__c. Each stage records its progress in the
// mirror as it goes. Every stage is restartable from what the mirror has committed (watermarks, the stored
// model output, the write-back ledger), so an aborted or killed run is simply resumed under the same run id
// by the next call, and converges to the same org state as an uninterrupted one.
import { randomBytes } from 'node:crypto';
import type { Connection } from 'jsforce';
import { cleanMirror, type CleanOptions, type QualityReport } from '../clean/clean.js';
import { ApiBudget, ApiBudgetExceededError } from '../connect/api-budget.js';
import type { Dataset, ModelOutput } from '../domain/types.js';
import { extractAll, type ExtractOptions, type ObjectStats } from '../extract/extract.js';
import { attachTextSignals, textEvents } from './text-signals.js';
import { SOURCE_OBJECTS } from '../extract/objects.js';
import type { Mirror } from '../mirror/db.js';
import { getMeta, resetWatermark, setMeta } from '../mirror/records.js';
import { getResultMeta, loadModelOutput, saveModelOutput } from '../mirror/results.js';
import { runModelsInWorkers as defaultRunModels, type ModelOptions, type PreviousInsights } from '../models/run-models.js';
import { historyFingerprint, planTuning } from '../models/stored-params.js';
import type { FinishedRunStatus, ProgressEvent, RunKind, Stage } from '../domain/run.js';
import { createRun, findUnfinishedRun, getRun, setStage, updateRun } from '../mirror/runs.js';
import { upsertRecoRun } from '../writeback/reco-run.js';
import { isOrgLimitError } from './org-limit.js';
import { flushPendingOutcomes, forgetPending, keepOutcome, recordRunOutcome } from './run-record.js';
import { upsertRunFigures } from '../writeback/reco-run.js';
import { buildReport, DEFAULT_WINDOW_DAYS, linesFromMirror, measureImpact, readConversions, readExposures, recordExposures, runFigures, writeConversions, type ImpactReport } from '../impact/index.js';
import { resolveOptions } from '../models/options.js';
import { ensureOrgReady } from './org-ready.js';
import { writeBack, type WritebackOptions, type WritebackResult } from '../writeback/write-back.js';

export type RunModels = (dataset: Dataset, options?: ModelOptions, previous?: PreviousInsights) => ModelOutput | Promise<ModelOutput>;

export type LoggerLike = {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

export type PipelineDeps = {
  connection: Connection;
  mirror: Mirror;
  logger?: LoggerLike;
  /** The models entry point; defaults to sync-server/src/models/run-models.ts. */
  models?: RunModels;
  /** Counts calls; created around the connection when absent. */
  budget?: ApiBudget;
};

export type PipelineOptions = {
  kind: RunKind;
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  asOf?: string;
  clean?: Omit<CleanOptions, 'asOf'>;
  extract?: Pick<ExtractOptions, 'bulkThreshold' | 'overlapMs' | 'bulkPollInterval' | 'bulkPollTimeout'>;
  writeback?: Pick<WritebackOptions, 'bulkThreshold' | 'maxRetries' | 'retryBaseMs' | 'scoreTolerance'>;
  modelOptions?: ModelOptions;
  /** Incremental runs reuse the last tuned settings until they are this many days old (default 7); Full runs re-tune. */
  retuneAfterDays?: number;
  /** Share of the org's daily API requests a run may leave used before it stops (default 0.5). */
  maxShareOfDailyLimit?: number;
  /** The id a new run takes (see nextRunId), so a caller can name it before it starts; a resumed run keeps its own. */
  runId?: string;
  /** Attribution window of the impact measurement, in days (default 90). */
  impactWindowDays?: number;
};

export type RunSummary = {
  runId: string;
  kind: RunKind;
  status: FinishedRunStatus;
  resumed: boolean;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  apiCalls: number;
  apiCallsByKind: Record<string, number>;
  counts: Record<string, number>;
  extract: ObjectStats[];
  quality: QualityReport | null;
  writeback: WritebackResult | null;
  /** The impact measurement this run made (null when it stopped before it). */
  impact: { exposures: number; conversions: number; conversionsWritten: number; lift: ImpactReport['lift']; verdict: string } | null;
  error: string | null;
};

/** Mirror meta key: the fingerprint of the purchase history the stored model settings were tuned on. */
const TUNED_HISTORY = 'tuned-history';

const newRunId = (): string => `run-${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;

function isAbort(err: unknown, signal?: AbortSignal): boolean {
  return Boolean(signal?.aborted) || (err as Error)?.name === 'AbortError';
}

/** The id the next runPipeline() of `kind` will run under: the unfinished run it resumes, or a new one. */
export function nextRunId(db: Mirror['db'], kind: RunKind): string {
  const unfinished = findUnfinishedRun(db);
  return unfinished && !(kind === 'Full' && unfinished.kind === 'Incremental') ? unfinished.id : newRunId();
}

export async function runPipeline(deps: PipelineDeps, opts: PipelineOptions): Promise<RunSummary> {
  const { connection: conn, mirror } = deps;
  const db = mirror.db;
  const t0 = Date.now();
  const budget = deps.budget ?? new ApiBudget(conn, { maxShareOfDailyLimit: opts.maxShareOfDailyLimit });
  const callsAtStart = budget.calls;

  let unfinished = findUnfinishedRun(db);
  if (unfinished && opts.kind === 'Full' && unfinished.kind === 'Incremental') {
    const finishedAt = new Date().toISOString();
    const error = 'superseded by a Full run';
    updateRun(db, unfinished.id, { status: 'Failed', finishedAt, error });
    // Its Reco_Run__c still says Running or Paused: corrected at this run's start (see run-record.ts).
    keepOutcome(db, unfinished.id, { status: 'Failed', finishedAt, error });
    unfinished = undefined;
  }
  const resumed = Boolean(unfinished);
  const runId = unfinished?.id ?? opts.runId ?? newRunId();
  const kind: RunKind = unfinished?.kind ?? opts.kind;
  const startedAt = unfinished?.startedAt ?? new Date().toISOString();
  if (!unfinished) {
    createRun(db, runId, kind, startedAt);
    if (kind === 'Full') for (const o of SOURCE_OBJECTS) resetWatermark(db, o.name);
  } else {
    updateRun(db, runId, { status: 'Running', error: null });
  }
  const log = deps.logger;
  log?.info({ runId, kind, resumed }, resumed ? 'resuming run' : 'starting run');

  const stage = (s: Stage, status: ProgressEvent['status'], records?: number | null, detail?: Record<string, unknown>): void => {
    const now = new Date().toISOString();
    setStage(db, runId, s, { state: status, detail: { ...detail, records: records ?? null }, ...(status === 'running' ? { startedAt: now } : { finishedAt: now }) });
    updateRun(db, runId, { apiCalls: budget.calls - callsAtStart });
    opts.onProgress?.({ runId, stage: s, status, records, detail });
  };
  const abortCheck = (): void => {
    if (opts.signal?.aborted) throw opts.signal.reason instanceof Error ? opts.signal.reason : new DOMException('run aborted', 'AbortError');
  };

  let extractStats: ObjectStats[] = [];
  let quality: QualityReport | null = null;
  let wb: WritebackResult | null = null;
  let impact: RunSummary['impact'] = null;
  let impactReport: ImpactReport | null = null;
  let current: Stage = 'connect';
  let runSfId: string | null = null;
  try {
    stage('connect', 'running');
    await budget.refreshLimits();
    budget.check('starting the run');
    const checked = await ensureOrgReady(conn, db);
    if (checked?.warnings.length) log?.warn({ runId, warnings: checked.warnings }, 'org check: ready with warnings');
    runSfId = await upsertRecoRun(conn, runId, { kind, status: 'Running', startedAt }, { budget, signal: opts.signal });
    forgetPending(db, runId); // resumed: Running again, whatever its paused state said
    await flushPendingOutcomes(conn, db, log);
    stage('connect', 'done');

    current = 'extract';
    stage('extract', 'running', 0);
    let read = 0;
    extractStats = await extractAll(conn, db, {
      runId,
      budget,
      signal: opts.signal,
      ...opts.extract,
      onProgress: (e) => {
        if (e.phase === 'page') opts.onProgress?.({ runId, stage: 'extract', status: 'running', records: read + e.fetched, detail: { object: e.object, mode: e.mode, fetched: e.fetched, expected: e.expected } });
        if (e.phase === 'done') read += e.fetched;
      },
    });
    stage('extract', 'done', read, { objects: extractStats });
    abortCheck();

    current = 'clean';
    stage('clean', 'running');
    const cleaned = cleanMirror(db, { ...opts.clean, asOf: opts.asOf });
    cleaned.dataset.texts = textEvents(db);
    quality = cleaned.report;
    updateRun(db, runId, { quality });
    stage('clean', 'done', cleaned.dataset.lines.length, { ready: quality.ready, output: quality.output });
    abortCheck();

    current = 'models';
    let output: ModelOutput;
    const done = getRun(db, runId)?.progress.models?.state === 'done' && getResultMeta(db)?.runId === runId;
    if (done) {
      output = loadModelOutput(db) as ModelOutput; // resumed after the models finished: reuse their output
    } else {
      stage('models', 'running');
      const runModels = deps.models ?? defaultRunModels;
      const last = loadModelOutput(db);
      const previous = last ? { insights: new Map(last.insights.map((i) => [i.accountId, { segmentKey: i.segmentKey, segmentChangedOn: i.segmentChangedOn, previousSegmentKey: i.previousSegmentKey }])) } : undefined;
      const history = historyFingerprint(cleaned.dataset.lines);
      const tunedOn = getMeta<string>(db, TUNED_HISTORY, Infinity);
      const plan = planTuning(kind, opts.modelOptions, getResultMeta(db), cleaned.dataset.asOf, opts.retuneAfterDays, tunedOn === history);
      log?.info({ runId, tuning: plan.reason }, 'model settings');
      output = await runModels(cleaned.dataset, plan.options, previous);
      attachTextSignals(db, output);
      // Before the output is stored: the stored copy has no shadow lists, and a resumed run reads that copy.
      recordExposures(db, output, output.asOf);
      saveModelOutput(db, runId, output);
      if (!plan.reused) setMeta(db, TUNED_HISTORY, history); // after the output: a crash in between only re-tunes
    }
    stage('models', 'done', output.recommendations.length, { segments: output.segments.length, insights: output.insights.length });
    abortCheck();

    current = 'writeback';
    stage('writeback', 'running', 0);
    wb = await writeBack(conn, db, output, {
      ...opts.writeback,
      runId,
      runSfId,
      budget,
      auditLedger: kind === 'Full',
      signal: opts.signal,
      onProgress: (p) => opts.onProgress?.({ runId, stage: 'writeback', status: 'running', records: p.written, detail: { object: p.object, total: p.total } }),
    });
    if (wb.audit?.some((a) => a.forgotten > 0)) log?.warn({ runId, audit: wb.audit }, 'the org lacked records the write-back ledger remembered; they were written again');
    stage('writeback', 'done', wb.written, { stats: wb.stats, failed: wb.failed, audit: wb.audit });

    // Conversions are looked for after the write-back, so a recommendation created by this run is in the org
    // (and in the ledger) when its conversion fields are sent.
    const windowDays = opts.impactWindowDays ?? DEFAULT_WINDOW_DAYS;
    const measured = measureImpact(db, linesFromMirror(db), windowDays);
    const sent = await writeConversions(conn, db, { ...opts.writeback, budget, signal: opts.signal });
    if (sent.failed.length) log?.warn({ runId, failed: sent.failed.slice(0, 10), count: sent.failed.length }, 'some conversions were not written; they are retried next run');
    impactReport = buildReport(readExposures(db), readConversions(db), { windowDays, holdoutShare: resolveOptions(opts.modelOptions).holdoutShare });
    impact = { exposures: measured.exposures, conversions: measured.conversions, conversionsWritten: sent.written, lift: impactReport.lift, verdict: impactReport.verdict.text };

    current = 'finish';
    const status: FinishedRunStatus = wb.failed > 0 ? 'Partial' : 'Succeeded';
    return await finish(status, null);
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    const orgLimit = isOrgLimitError(err);
    if (isAbort(err, opts.signal) || err instanceof ApiBudgetExceededError || orgLimit) {
      // Left unfinished on purpose: the next runPipeline() resumes it. The org's own limit is no fault of the
      // run either: it pauses exactly like Reco's budget guard makes it.
      const reason = orgLimit ? `paused: the org refused a call with REQUEST_LIMIT_EXCEEDED, its own API limit (${message}); the next run resumes where this one stopped` : message;
      setStage(db, runId, current, { state: 'failed', detail: { reason } });
      updateRun(db, runId, { status: 'Aborted', error: reason, apiCalls: budget.calls - callsAtStart });
      log?.warn({ runId, stage: current, reason }, 'run stopped; it resumes on the next start');
      // One call past the budget, so the org shows the run as paused rather than running.
      await recordRunOutcome(conn, db, runId, { kind, status: 'Paused', startedAt, finishedAt: null, apiCalls: budget.calls - callsAtStart + 1, error: reason }, log);
      return summary('Aborted', reason, null);
    }
    log?.error({ runId, stage: current, err: message, stack: (err as Error).stack }, 'run failed');
    try {
      setStage(db, runId, current, { state: 'failed', detail: { error: message } });
    } catch {
      /* keep the original error */
    }
    return await finish('Failed', message);
  }

  function summary(status: FinishedRunStatus, error: string | null, finishedAt: string | null): RunSummary {
    const read = extractStats.reduce((n, s) => n + s.fetched, 0);
    return {
      runId,
      kind,
      status,
      resumed,
      startedAt,
      finishedAt: finishedAt ?? new Date().toISOString(),
      durationMs: Date.now() - t0,
      apiCalls: budget.calls - callsAtStart,
      apiCallsByKind: { ...budget.byKind },
      counts: {
        read,
        lines: quality?.output.lines ?? 0,
        accounts: quality?.output.accounts ?? 0,
        written: wb?.written ?? 0,
        failed: wb?.failed ?? 0,
        unchanged: wb?.stats.reduce((n, s) => n + s.unchanged, 0) ?? 0,
        expired: wb?.stats.find((s) => s.object === 'Product_Recommendation__c')?.expired ?? 0,
      },
      extract: extractStats,
      quality,
      writeback: wb,
      impact,
      error,
    };
  }

  async function finish(status: FinishedRunStatus, error: string | null): Promise<RunSummary> {
    const finishedAt = new Date().toISOString();
    const s = summary(status, error, finishedAt);
    const brief = {
      counts: s.counts,
      apiCallsByKind: s.apiCallsByKind,
      extract: extractStats.map((e) => ({ object: e.object, mode: e.mode, fetched: e.fetched, deleted: e.deleted })),
      writeback: wb?.stats,
      failures: wb?.failures.slice(0, 50),
      readiness: quality?.readiness,
      impact: impact ? { exposures: impact.exposures, conversions: impact.conversions, verdict: impact.verdict } : undefined,
    };
    await recordRunOutcome(conn, db, runId, {
      kind,
      status: status === 'Aborted' ? 'Failed' : status,
      startedAt,
      finishedAt,
      recordsRead: s.counts.read,
      recordsWritten: s.counts.written,
      recordsFailed: s.counts.failed,
      apiCalls: budget.calls - callsAtStart + 1, // this upsert included
      summary: brief,
      error,
    }, log);
    // Apart from the outcome: an org still on older metadata lacks the Impact_* fields, and that must not cost
    // the run its recorded outcome.
    if (impactReport) {
      try {
        await upsertRunFigures(conn, runId, runFigures(impactReport));
      } catch (err) {
        log?.warn({ runId, err: (err as Error).message }, 'could not record the impact figures in Reco_Run__c (deploy the Impact_* fields)');
      }
    }
    s.apiCalls = budget.calls - callsAtStart;
    updateRun(db, runId, { status, finishedAt, summary: brief, error, apiCalls: s.apiCalls });
    stage('finish', status === 'Failed' ? 'failed' : 'done');
    log?.info({ runId, status, apiCalls: s.apiCalls, durationMs: s.durationMs }, 'run finished');
    return s;
  }
}
