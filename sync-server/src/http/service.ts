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
import type { LastRunProbe, Pipeline } from '../schedule/ports.js';
import { RunCoordinator } from '../schedule/run-coordinator.js';
import { startSchedules, type Schedules } from '../schedule/scheduler.js';
import { createApp } from './app.js';
import { recommendationsFastPath } from './fast-path.js';
import { requestGuard } from './request-guard.js';
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
  /** Released after the HTTP server and the run have stopped (e.g. closing the mirror database). */
  onClose?: () => void | Promise<void>;
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
  let projection: Projection | null = null;
  const refresh = (): void => {
    const count = cache.refresh(deps.store);
    projection = null; // recomputed lazily from the new insights
    logger.info({ recommendations: count }, 'results cache refreshed');
  };
  // After a run, while serving: rebuilt in pages, one rebuild at a time (the last one requested wins).
  let refreshing: Promise<void> = Promise.resolve();
  let refreshedFor: string | null = null;
  const refreshWhileServing = (): void => {
    refreshing = refreshing.then(async () => {
      const count = await cache.refreshInPages(deps.store);
      projection = null;
      logger.info({ recommendations: count }, 'results cache refreshed');
    }).catch((error: unknown) => logger.error({ err: error }, 'results cache refresh failed'));
  };
  const coordinator = new RunCoordinator({
    // Results change only in the models stage: a run whose models stage already refreshed the cache does not
    // rebuild it again at its end (on a large org each rebuild costs the server a burst of CPU and GC).
    pipeline: deps.pipeline, logger, metrics,
    onRunFinished: (outcome) => { if (outcome.runId !== refreshedFor) refreshWhileServing(); },
    // Model results are in the store once the models stage is done; serve them without waiting for write-back.
    onStageDone: (stage, runId) => {
      if (stage !== RESULT_STAGE) return;
      refreshedFor = runId;
      refreshWhileServing();
    },
  });
  refresh();

  const app = createApp({
    token: config.auth.token, injectToken: config.dashboard.injectToken, logger, metrics, store: deps.store, cache,
    projection: () => (projection ??= projectAccounts(deps.store.listInsights())), coordinator, orgProbe: deps.orgProbe, impact: deps.impact,
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

  let closing: Promise<void> | null = null;
  return {
    url, coordinator, metrics, cache,
    close: () => (closing ??= (async () => {
      logger.info('shutting down');
      // First, synchronously: refuse new runs and ask the active one to checkpoint.
      const stopped = coordinator.shutdown(config.shutdown.graceMs);
      await schedules?.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const outcome = await stopped;
      server.closeAllConnections();
      await closed;
      await refreshing; // it reads the store that onClose may close
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
  coordinator.trigger(last.kind, 'resume');
}
