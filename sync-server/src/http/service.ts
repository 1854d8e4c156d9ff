// Composes the running service from its ports: the coordinator (one run at a time), the cron schedules, the
// in-memory caches refreshed after each run, and the HTTP server. The composition root (server.ts) passes
// the real pipeline and mirror; tests pass in-process doubles.
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { RequestHandler } from 'express';
import type { Config } from '../config/schema.js';
import type { RunStatus, Stage } from '../domain/run.js';
import type { Logger } from '../logging/logger.js';
import { createMetrics, type Metrics } from '../logging/metrics.js';
import type { LastRunProbe, Pipeline, RunLock } from '../schedule/ports.js';
import { RunCoordinator } from '../schedule/run-coordinator.js';
import { startSchedules, type Schedules } from '../schedule/scheduler.js';
import { startTakeover, type UnfinishedRunProbe } from '../schedule/takeover.js';
import { createApp } from './app.js';
import { recommendationsFastPath } from './fast-path.js';
import { requestGuard } from './request-guard.js';
import type { RecommendationSnapshot } from '../mirror/recommendation-snapshot.js';
import type { ImpactSource, OrgProbe, ResultsStore } from './ports.js';
import { RecommendationCache } from './use-cases/recommendation-cache.js';
import { projectAccounts, type Projection } from './use-cases/segment-projection.js';

/** The stage after which the store holds new model results. */
const RESULT_STAGE: Stage = 'models';
/** Statuses of a run the last process left unfinished. */
const INTERRUPTED: ReadonlySet<RunStatus> = new Set(['Running', 'Aborted']);

export type ServiceDeps = {
  pipeline: Pipeline;
  store: ResultsStore;
  orgProbe: OrgProbe;
  impact?: ImpactSource;
  lastRun?: LastRunProbe;
  publicRouters?: Array<[string, RequestHandler]>;
  /**
   * The results a run's pipeline built off this thread, taken once per run (after its models stage, or at its
   * end when that stage did not run): swapped into the cache instead of rebuilding it from the store here.
   */
  resultsHandover?: (runId: string) => RecommendationSnapshot | undefined;
  /** Released after the HTTP server and the run have stopped (e.g. closing the mirror database). */
  onClose?: () => void | Promise<void>;
  /** Replicas sharing a store: the run lock, and the store's unfinished run for the takeover watch. */
  replicas?: { lock: RunLock; unfinishedRun: UnfinishedRunProbe };
};

export type Service = {
  url: string;
  coordinator: RunCoordinator;
  metrics: Metrics;
  cache: RecommendationCache;
  /** Graceful stop: schedules off, no new connections, the active run checkpoints, then resources close. */
  close(): Promise<void>;
};

export async function startService(config: Config, logger: Logger, deps: ServiceDeps): Promise<Service> {
  const metrics = createMetrics();
  const cache = new RecommendationCache();
  let projection: Promise<Projection> | null = null;
  const refreshed = (count: number, builtBy: string, runId?: string): void => {
    projection = null; // recomputed lazily from the new insights
    logger.info({ recommendations: count, builtBy, ...(runId ? { runId } : {}) }, 'results cache refreshed');
  };
  // Synchronous when the store answers at once (node:sqlite), so the swap happens before anything else runs.
  const refresh = (): void | Promise<void> => {
    const count = cache.refresh(deps.store);
    if (count instanceof Promise) return count.then((n) => refreshed(n, 'service'));
    refreshed(count, 'service');
  };
  // After a run's results are stored: swap in the snapshot the pipeline built on its own thread; only a
  // pipeline that hands none over (in-process runs, a thread that could not read the store) costs this
  // thread a rebuild from the store.
  let refreshedFor: string | null = null;
  const refreshAfter = (runId: string): void => {
    refreshedFor = runId;
    const failed = (error: unknown): void => {
      logger.error({ err: error, runId }, 'results cache refresh failed'); // the previous results stay served
    };
    try {
      const handed = deps.resultsHandover?.(runId);
      if (!handed) {
        const done = refresh();
        if (done instanceof Promise) done.catch(failed);
        return;
      }
      refreshed(cache.install(handed), 'pipeline thread', runId);
    } catch (error) {
      failed(error);
    }
  };
  const coordinator = new RunCoordinator({
    // Results change only in the models stage: a run whose models stage already refreshed the cache does not
    // refresh it again at its end.
    pipeline: deps.pipeline, logger, metrics,
    onRunFinished: (outcome) => { if (outcome.runId !== refreshedFor) refreshAfter(outcome.runId); },
    // Model results are in the store once the models stage is done; serve them without waiting for write-back.
    onStageDone: (stage, runId) => { if (stage === RESULT_STAGE) refreshAfter(runId); },
    lock: deps.replicas?.lock,
  });
  await refresh();

  const app = createApp({
    token: config.auth.token, injectToken: config.dashboard.injectToken, logger, metrics, store: deps.store, cache,
    projection: () => (projection ??= Promise.resolve(deps.store.listInsights()).then(projectAccounts).catch((error: unknown) => {
      projection = null; // not cached: the next request asks the store again
      throw error;
    })), coordinator, orgProbe: deps.orgProbe, impact: deps.impact,
    publicRouters: deps.publicRouters,
  });
  const fastPath = recommendationsFastPath({ token: config.auth.token, cache, metrics });
  const guard = requestGuard({ allowedHosts: config.server.allowedHosts });
  const server: Server = createServer((req, res) => {
    if (!guard(req, res) && !fastPath(req, res)) app(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => { server.off('error', reject); resolve(); });
  });
  server.keepAliveTimeout = 65_000;
  const { port } = server.address() as AddressInfo;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  const url = `http://${host}:${port}`;
  logger.info({ url }, 'http server listening');

  const schedules: Schedules | null = config.schedule.enabled ? startSchedules(coordinator, config.schedule, logger) : null;
  resumeInterruptedRun(config, logger, coordinator, deps.lastRun);
  const takeover = deps.replicas ? startTakeover(coordinator, deps.replicas.unfinishedRun, { intervalMs: config.replicas.takeoverSeconds * 1000 }, logger) : null;

  let closing: Promise<void> | null = null;
  return {
    url, coordinator, metrics, cache,
    close: () => (closing ??= (async () => {
      logger.info('shutting down');
      // First, synchronously: refuse new runs and ask the active one to checkpoint.
      takeover?.stop();
      const stopped = coordinator.shutdown(config.shutdown.graceMs);
      await schedules?.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const outcome = await stopped;
      server.closeAllConnections();
      await closed;
      await deps.onClose?.();
      logger.info({ run: outcome }, 'shut down');
    })()),
  };
}

/** A run the last process did not finish (aborted at shutdown, or still "running" after a crash) is resumed now. */
function resumeInterruptedRun(config: Config, logger: Logger, coordinator: RunCoordinator, lastRun?: LastRunProbe): void {
  if (!config.schedule.resumeOnStart || !lastRun) return;
  const last = lastRun();
  if (!last || !INTERRUPTED.has(last.status)) return;
  logger.info({ runId: last.id, kind: last.kind, status: last.status }, 'resuming the interrupted run');
  coordinator.claim(last.kind, 'resume').catch((error: unknown) => logger.info({ runId: last.id, err: error }, 'not resumed here: another replica has it'));
}
