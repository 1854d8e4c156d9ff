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
import { asStoreError, type Mirror } from '../mirror/db.js';
import type { Sql } from '../lib/sql.js';
import { getMeta, resetWatermark, setMeta } from '../mirror/records.js';
import { getResultMeta, loadModelOutput, saveModelOutput } from '../mirror/results.js';
import { runModelsInWorkers as defaultRunModels, type ModelOptions, type PreviousInsights } from '../models/run-models.js';
import { historyFingerprint, planTuning } from '../models/stored-params.js';
import { partitionedRunModels, type PartitionedModels } from './partitioned-models.js';
import type { FinishedRunStatus, ProgressEvent, RunKind, Stage } from '../domain/run.js';
import { createRun, findUnfinishedRun, getRun, setStage, updateRun } from '../mirror/runs.js';
import { upsertRecoRun } from '../writeback/reco-run.js';
import { isOrgLimitError } from './org-limit.js';
import { flushPendingOutcomes, forgetPending, keepOutcome, recordRunOutcome } from './run-record.js';
import { upsertRunFigures } from '../writeback/reco-run.js';
import { buildReport, DEFAULT_WINDOW_DAYS, linesFromMirror, measureImpact, reactionsFromMirror, readConversions, readExposures, recordExposures, runFigures, writeConversions, type ImpactReport } from '../impact/index.js';
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
  extract?: Pick<ExtractOptions, 'bulkThreshold' | 'overlapMs' | 'bulkPollInterval' | 'bulkPollTimeout' | 'textExcerptChars'>;
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
  /**
   * The model step as partitions computed by worker processes through this PostgreSQL (RECO_MODEL_WORKERS);
   * unset, it runs in this process. Either way the output is the same. `deps.models`, when given, wins.
   */
  partitionedModels?: PartitionedModels;
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
  impact: { exposures: number; conversions: number; conversionsWritten: number; lift: ImpactReport['lift']; verdict: string; acceptedWon: ImpactReport['acceptedWon'] } | null;
  error: string | null;
};

/** Mirror meta key: the fingerprint of the purchase history the stored model settings were tuned on. */
const TUNED_HISTORY = 'tuned-history';

const newRunId = (): string => `run-${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;

function isAbort(err: unknown, signal?: AbortSignal): boolean {
  return Boolean(signal?.aborted) || (err as Error)?.name === 'AbortError';
}

/** The id the next runPipeline() of `kind` will run under: the unfinished run it resumes, or a new one. */
export async function nextRunId(sql: Sql, kind: RunKind): Promise<string> {
  const unfinished = await findUnfinishedRun(sql);
  return unfinished && !(kind === 'Full' && unfinished.kind === 'Incremental') ? unfinished.id : newRunId();
}

export async function runPipeline(deps: PipelineDeps, opts: PipelineOptions): Promise<RunSummary> {
  const run = await startRun(deps, opts);
  try {
    await connectStage(run);
    await extractStage(run);
    const dataset = await cleanStage(run);
    const output = await modelsStage(run, dataset);
    const measured = await measureImpactFromMirror(run);
    const wb = await writebackStage(run, output, measured.converted);
    await sendConversions(run, measured);
    run.current = 'finish';
    return await finishRun(run, wb.failed > 0 ? 'Partial' : 'Succeeded', null);
  } catch (err) {
    return await stopRun(run, err);
  }
}

/**
 * One run in progress: what it was started with, and what its stages have produced so far. Each stage stores
 * its result here as soon as it has it, so a run stopped by a later step still reports it.
 */
type Run = {
  deps: PipelineDeps;
  opts: PipelineOptions;
  conn: Connection;
  /** The store: `sql` for everything of the mirror's own; `db` (SQLite only) for the impact and text steps until they move to Sql. */
  store: Mirror;
  sql: Sql;
  log: LoggerLike | undefined;
  budget: ApiBudget;
  callsAtStart: number;
  t0: number;
  runId: string;
  kind: RunKind;
  startedAt: string;
  resumed: boolean;
  current: Stage;
  runSfId: string | null;
  extractStats: ObjectStats[];
  quality: QualityReport | null;
  wb: WritebackResult | null;
  impact: RunSummary['impact'];
  impactReport: ImpactReport | null;
};

/** Resumes the unfinished run (a Full run supersedes an unfinished Incremental one) or records a new one. */
async function startRun(deps: PipelineDeps, opts: PipelineOptions): Promise<Run> {
  const { connection: conn, mirror } = deps;
  const { sql } = mirror;
  const t0 = Date.now();
  const budget = deps.budget ?? new ApiBudget(conn, { maxShareOfDailyLimit: opts.maxShareOfDailyLimit });
  const callsAtStart = budget.calls;

  let unfinished = await findUnfinishedRun(sql);
  if (unfinished && opts.kind === 'Full' && unfinished.kind === 'Incremental') {
    const finishedAt = new Date().toISOString();
    const error = 'superseded by a Full run';
    await updateRun(sql, unfinished.id, { status: 'Failed', finishedAt, error });
    // Its Reco_Run__c still says Running or Paused: corrected at this run's start (see run-record.ts).
    await keepOutcome(sql, unfinished.id, { status: 'Failed', finishedAt, error });
    unfinished = undefined;
  }
  const resumed = Boolean(unfinished);
  const runId = unfinished?.id ?? opts.runId ?? newRunId();
  const kind: RunKind = unfinished?.kind ?? opts.kind;
  const startedAt = unfinished?.startedAt ?? new Date().toISOString();
  if (!unfinished) {
    await createRun(sql, runId, kind, startedAt);
    if (kind === 'Full') for (const o of SOURCE_OBJECTS) await resetWatermark(sql, o.name);
  } else {
    await updateRun(sql, runId, { status: 'Running', error: null });
  }
  const log = deps.logger;
  log?.info({ runId, kind, resumed }, resumed ? 'resuming run' : 'starting run');
  return {
    deps, opts, conn, store: mirror, sql, log, budget, callsAtStart, t0, runId, kind, startedAt, resumed,
    current: 'connect', runSfId: null, extractStats: [], quality: null, wb: null, impact: null, impactReport: null,
  };
}

/** Records a stage's progress in the mirror and tells the caller. */
async function reportStage(run: Run, s: Stage, status: ProgressEvent['status'], records?: number | null, detail?: Record<string, unknown>): Promise<void> {
  const now = new Date().toISOString();
  await setStage(run.sql, run.runId, s, { state: status, detail: { ...detail, records: records ?? null }, ...(status === 'running' ? { startedAt: now } : { finishedAt: now }) });
  await updateRun(run.sql, run.runId, { apiCalls: run.budget.calls - run.callsAtStart });
  run.opts.onProgress?.({ runId: run.runId, stage: s, status, records, detail });
}

function abortCheck(run: Run): void {
  const { signal } = run.opts;
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new DOMException('run aborted', 'AbortError');
}

/** Checks the budget and the org, marks the run Running in Reco_Run__c, and writes outcomes earlier runs could not. */
async function connectStage(run: Run): Promise<void> {
  const { conn, sql, runId, log, budget } = run;
  run.current = 'connect';
  await reportStage(run, 'connect', 'running');
  await budget.refreshLimits();
  budget.check('starting the run');
  const checked = await ensureOrgReady(conn, sql);
  if (checked?.warnings.length) log?.warn({ runId, warnings: checked.warnings }, 'org check: ready with warnings');
  if (checked?.notes.length) log?.info({ runId, notes: checked.notes }, 'org check: noted, nothing to do');
  run.runSfId = await upsertRecoRun(conn, runId, { kind: run.kind, status: 'Running', startedAt: run.startedAt }, { budget, signal: run.opts.signal });
  await forgetPending(sql, runId); // resumed: Running again, whatever its paused state said
  await flushPendingOutcomes(conn, sql, log);
  await reportStage(run, 'connect', 'done');
}

/** Reads what changed in the org into the mirror, reporting each page as it comes. */
async function extractStage(run: Run): Promise<void> {
  const { runId, opts } = run;
  run.current = 'extract';
  await reportStage(run, 'extract', 'running', 0);
  let read = 0;
  run.extractStats = await extractAll(run.conn, run.store, {
    runId,
    budget: run.budget,
    signal: opts.signal,
    ...opts.extract,
    onProgress: (e) => {
      if (e.phase === 'page') opts.onProgress?.({ runId, stage: 'extract', status: 'running', records: read + e.fetched, detail: { object: e.object, mode: e.mode, fetched: e.fetched, expected: e.expected } });
      if (e.phase === 'done') read += e.fetched;
    },
  });
  await reportStage(run, 'extract', 'done', read, { objects: run.extractStats });
  abortCheck(run);
}

/** The mirror as the models' Dataset, with the quality report kept on the run. */
async function cleanStage(run: Run): Promise<Dataset> {
  const { sql, opts } = run;
  run.current = 'clean';
  await reportStage(run, 'clean', 'running');
  const cleaned = await cleanMirror(sql, { ...opts.clean, asOf: opts.asOf });
  cleaned.dataset.texts = await textEvents(sql);
  const quality = cleaned.report;
  run.quality = quality;
  await updateRun(sql, run.runId, { quality });
  await reportStage(run, 'clean', 'done', cleaned.dataset.lines.length, { ready: quality.ready, output: quality.output });
  abortCheck(run);
  return cleaned.dataset;
}

/** Fits the models (re-tuning when due) and stores their output; a run resumed after this stage reuses it. */
async function modelsStage(run: Run, dataset: Dataset): Promise<ModelOutput> {
  const { sql, runId, opts } = run;
  run.current = 'models';
  let output: ModelOutput;
  const done = (await getRun(sql, runId))?.progress.models?.state === 'done' && (await getResultMeta(sql))?.runId === runId;
  if (done) {
    output = (await loadModelOutput(sql)) as ModelOutput; // resumed after the models finished: reuse their output
  } else {
    await reportStage(run, 'models', 'running');
    const runModels = run.deps.models ?? (opts.partitionedModels ? partitionedRunModels(opts.partitionedModels, run.log, runId) : defaultRunModels);
    const last = await loadModelOutput(sql);
    const previous = last ? { insights: new Map(last.insights.map((i) => [i.accountId, { segmentKey: i.segmentKey, segmentChangedOn: i.segmentChangedOn, previousSegmentKey: i.previousSegmentKey }])) } : undefined;
    const history = historyFingerprint(dataset.lines);
    const tunedOn = await getMeta<string>(sql, TUNED_HISTORY, Infinity);
    const plan = planTuning(run.kind, opts.modelOptions, await getResultMeta(sql), dataset.asOf, opts.retuneAfterDays, tunedOn === history);
    run.log?.info({ runId, tuning: plan.reason }, 'model settings');
    output = await runModels(dataset, plan.options, previous);
    await attachTextSignals(sql, output);
    // Before the output is stored: the stored copy has no shadow lists, and a resumed run reads that copy.
    await recordExposures(sql, output, output.asOf);
    await saveModelOutput(sql, runId, output);
    if (!plan.reused) await setMeta(sql, TUNED_HISTORY, history); // after the output: a crash in between only re-tunes
  }
  await reportStage(run, 'models', 'done', output.recommendations.length, { segments: output.segments.length, insights: output.insights.length });
  abortCheck(run);
  return output;
}

/** Writes the recommendations, insights and segments to the org's Reco objects. */
async function writebackStage(run: Run, output: ModelOutput, converted: Set<string>): Promise<WritebackResult> {
  const { runId, opts, log } = run;
  run.current = 'writeback';
  await reportStage(run, 'writeback', 'running', 0);
  const wb = await writeBack(run.conn, run.store, output, {
    ...opts.writeback,
    converted,
    runId,
    runSfId: run.runSfId,
    budget: run.budget,
    auditLedger: run.kind === 'Full',
    signal: opts.signal,
    onProgress: (p) => opts.onProgress?.({ runId, stage: 'writeback', status: 'running', records: p.written, detail: { object: p.object, total: p.total } }),
  });
  run.wb = wb;
  if (wb.audit?.some((a) => a.forgotten > 0)) log?.warn({ runId, audit: wb.audit }, 'the org lacked records the write-back ledger remembered; they were written again');
  await reportStage(run, 'writeback', 'done', wb.written, { stats: wb.stats, failed: wb.failed, audit: wb.audit });
  return wb;
}

type Measured = { windowDays: number; exposures: number; conversions: number; converted: Set<string> };

/**
 * Attribution needs only the mirror, so it runs before the write-back: a recommendation converted by a line this
 * sync read gets Status__c Converted in this run's status phase, not a sync later.
 */
async function measureImpactFromMirror(run: Run): Promise<Measured> {
  const { opts, sql } = run;
  const windowDays = opts.impactWindowDays ?? DEFAULT_WINDOW_DAYS;
  const measured = await measureImpact(sql, await linesFromMirror(sql), windowDays);
  const converted = new Set((await readConversions(sql)).map((c) => c.externalId.toLowerCase()));
  return { windowDays, exposures: measured.exposures, conversions: measured.conversions, converted };
}

/**
 * Conversion fields are sent after the write-back, so a recommendation created by this run is in the org (and in
 * the ledger) when they are.
 */
async function sendConversions(run: Run, measured: Measured): Promise<void> {
  const { opts, sql } = run;
  const { windowDays } = measured;
  const sent = await writeConversions(run.conn, sql, { ...opts.writeback, budget: run.budget, signal: opts.signal });
  if (sent.failed.length) run.log?.warn({ runId: run.runId, failed: sent.failed.slice(0, 10), count: sent.failed.length }, 'some conversions were not written; they are retried next run');
  const report = buildReport(await readExposures(sql), await readConversions(sql), { windowDays, holdoutShare: resolveOptions(opts.modelOptions).holdoutShare, reactions: await reactionsFromMirror(sql) });
  run.impactReport = report;
  run.impact = { exposures: measured.exposures, conversions: measured.conversions, conversionsWritten: sent.written, lift: report.lift, verdict: report.verdict.text, acceptedWon: report.acceptedWon };
}

/** A run that threw: paused (abort, budget, the org's limit) to resume next time, or failed. */
async function stopRun(run: Run, thrown: unknown): Promise<RunSummary> {
  const { conn, sql, runId, log, current } = run;
  // A store failure outside a transaction (a single setMeta, say) reaches here as the engine's bare message:
  // name the store and the code the same way the transactions do, and mark the store as failing for /ready.
  const err = asStoreError(thrown, sql.location);
  const message = (err as Error).message ?? String(err);
  const orgLimit = isOrgLimitError(err);
  if (isAbort(err, run.opts.signal) || err instanceof ApiBudgetExceededError || orgLimit) {
    // Left unfinished on purpose: the next runPipeline() resumes it. The org's own limit is no fault of the
    // run either: it pauses exactly like Reco's budget guard makes it.
    const reason = orgLimit ? `paused: the org refused a call with REQUEST_LIMIT_EXCEEDED, its own API limit (${message}); the next run resumes where this one stopped` : message;
    await setStage(sql, runId, current, { state: 'failed', detail: { reason } });
    await updateRun(sql, runId, { status: 'Aborted', error: reason, apiCalls: run.budget.calls - run.callsAtStart });
    log?.warn({ runId, stage: current, reason }, 'run stopped; it resumes on the next start');
    // One call past the budget, so the org shows the run as paused rather than running.
    await recordRunOutcome(conn, sql, runId, { kind: run.kind, status: 'Paused', startedAt: run.startedAt, finishedAt: null, apiCalls: run.budget.calls - run.callsAtStart + 1, error: reason }, log);
    return runSummary(run, 'Aborted', reason, null);
  }
  log?.error({ runId, stage: current, err: message, stack: (err as Error).stack }, 'run failed');
  try {
    await setStage(sql, runId, current, { state: 'failed', detail: { error: message } });
  } catch {
    /* keep the original error */
  }
  return await finishRun(run, 'Failed', message);
}

function runSummary(run: Run, status: FinishedRunStatus, error: string | null, finishedAt: string | null): RunSummary {
  const { wb, quality } = run;
  const read = run.extractStats.reduce((n, s) => n + s.fetched, 0);
  return {
    runId: run.runId,
    kind: run.kind,
    status,
    resumed: run.resumed,
    startedAt: run.startedAt,
    finishedAt: finishedAt ?? new Date().toISOString(),
    durationMs: Date.now() - run.t0,
    apiCalls: run.budget.calls - run.callsAtStart,
    apiCallsByKind: { ...run.budget.byKind },
    counts: {
      read,
      lines: quality?.output.lines ?? 0,
      accounts: quality?.output.accounts ?? 0,
      written: wb?.written ?? 0,
      failed: wb?.failed ?? 0,
      unchanged: wb?.stats.reduce((n, s) => n + s.unchanged, 0) ?? 0,
      expired: wb?.stats.find((s) => s.object === 'Product_Recommendation__c')?.expired ?? 0,
    },
    extract: run.extractStats,
    quality,
    writeback: wb,
    impact: run.impact,
    error,
  };
}

/** Records how the run ended: in Reco_Run__c (with the impact figures apart), then in the mirror. */
async function finishRun(run: Run, status: FinishedRunStatus, error: string | null): Promise<RunSummary> {
  const { conn, sql, runId, log, wb, impact, impactReport } = run;
  const finishedAt = new Date().toISOString();
  const s = runSummary(run, status, error, finishedAt);
  const brief = {
    counts: s.counts,
    apiCallsByKind: s.apiCallsByKind,
    extract: run.extractStats.map((e) => ({ object: e.object, mode: e.mode, fetched: e.fetched, deleted: e.deleted })),
    writeback: wb?.stats,
    failures: wb?.failures.slice(0, 50),
    readiness: run.quality?.readiness,
    impact: impact ? { exposures: impact.exposures, conversions: impact.conversions, verdict: impact.verdict } : undefined,
  };
  await recordRunOutcome(conn, sql, runId, {
    kind: run.kind,
    status: status === 'Aborted' ? 'Failed' : status,
    startedAt: run.startedAt,
    finishedAt,
    recordsRead: s.counts.read,
    recordsWritten: s.counts.written,
    recordsFailed: s.counts.failed,
    apiCalls: run.budget.calls - run.callsAtStart + 1, // this upsert included
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
  s.apiCalls = run.budget.calls - run.callsAtStart;
  await updateRun(sql, runId, { status, finishedAt, summary: brief, error, apiCalls: s.apiCalls });
  await reportStage(run, 'finish', status === 'Failed' ? 'failed' : 'done');
  log?.info({ runId, status, apiCalls: s.apiCalls, durationMs: s.durationMs }, 'run finished');
  return s;
}
