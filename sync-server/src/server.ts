// Process entry and composition root: configuration, the org connection, the mirror, the real pipeline and
// results store plugged into the service's ports, and signal handling for a graceful stop.
//   npx tsx sync-server/src/server.ts   (settings: RECO_* and SF_* variables, or RECO_CONFIG_FILE)
import type { RequestHandler } from 'express';
import { hostname } from 'node:os';
import type { Connection } from 'jsforce';
import { loadConfig } from './config/load-config.js';
import type { Config } from './config/schema.js';
import { connectionConfigFromEnv, describeConnectionConfig, parseConnectionConfig, type ConnectionConfigInput } from './connect/config.js';
import { createConnection } from './connect/connect.js';
import { isLoopback } from './http/loopback.js';
import type { ImpactSource } from './http/ports.js';
import { mirrorResultsStore } from './http/mirror-store.js';
import { sqlResultsStore } from './http/sql-results-store.js';
import { mirrorImpactSource } from './http/use-cases/impact.js';
import { startService, type Service } from './http/service.js';
import { createLogger, type Logger } from './logging/logger.js';
import { openStore } from './mirror/db.js';
import { findUnfinishedRun } from './mirror/runs.js';
import { postgresRunLease } from './mirror/run-lease.js';
import { redactUrl, type Sql } from './lib/sql.js';
import type { PipelineSettings } from './pipeline/pipeline-protocol.js';
import { threadedPipeline } from './pipeline/pipeline-thread.js';
import { DEFAULT_EXCERPT_CHARS } from './text/index.js';

export type ServerOptions = {
  /** Connection settings; defaults to config.org, then the SF_* variables. */
  connection?: ConnectionConfigInput;
  logger?: Logger;
  /** Mount the LWC preview at /preview (loopback clients only: it can edit records in the org). */
  preview?: boolean;
  /** Wraps the impact source GET /impact answers from (the demo answers from a replayed quarter once measured). */
  impact?: (live: ImpactSource, mirror: Sql) => ImpactSource;
};

export async function startServer(config: Config, options: ServerOptions = {}): Promise<Service & { logger: Logger }> {
  const logger = options.logger ?? createLogger({ level: config.log.level });
  const connectionConfig = parseConnectionConfig(options.connection ?? config.org ?? connectionConfigFromEnv());
  logger.info({ org: describeConnectionConfig(connectionConfig), store: config.store.url ? redactUrl(config.store.url) : config.store.path }, 'starting');
  // The store first: an unusable RECO_STORE_PATH or RECO_STORE_URL is a local mistake to report before any call to the org.
  const mirror = await openStore(config.store, { applicationName: 'reco-service' });
  let connection: Connection;
  try {
    connection = await createConnection(connectionConfig);
  } catch (error) {
    await mirror.close();
    throw error;
  }
  const resultsOptions = { evaluationFile: config.evaluation.file, currency: config.dashboard.currency };
  // node:sqlite answers the serving thread synchronously; PostgreSQL through the async store modules.
  let open = true;
  const store = 'db' in mirror ? mirrorResultsStore(mirror.db, resultsOptions) : sqlResultsStore(mirror.sql, { ...resultsOptions, isOpen: () => open });

  // Read before the service starts: the service asks once, at start, whether a run was interrupted.
  const unfinished = await findUnfinishedRun(mirror.sql);

  // Runs go on a worker thread with their own connection and mirror handle, so serving never waits on a sync.
  const pipeline = threadedPipeline({ connection: connectionConfig, mirror, store: config.store, logger, settings: pipelineSettings(config) });
  // On PostgreSQL other replicas may share the store: runs take the shared run lock, and a run whose replica
  // died is taken over. The embedded store is one process's own.
  const lock = config.store.url && !('db' in mirror) ? postgresRunLease(config.store.url, { name: config.replicas.name ?? `${hostname()}-${process.pid}` }) : null;

  const service = await startService(config, logger, {
    pipeline,
    store,
    resultsHandover: (runId) => pipeline.takeResults(runId),
    impact: options.impact ? options.impact(mirrorImpactSource(mirror.sql, config.impact), mirror.sql) : mirrorImpactSource(mirror.sql, config.impact),
    // The versions resource is the cheapest authenticated-free call that proves the org answers.
    orgProbe: async () => { await connection.request(`${connection.instanceUrl}/services/data/`); },
    lastRun: () => unfinished && { id: unfinished.id, kind: unfinished.kind, status: unfinished.status },
    publicRouters: options.preview ? [['/preview', loopbackOnly(await previewRouter(connection, config.server.allowedHosts))]] : [],
    replicas: lock ? { lock, unfinishedRun: () => findUnfinishedRun(mirror.sql) } : undefined,
    // A run still going after the shutdown grace stops here, as a killed process would: it resumes next start.
    onClose: async () => {
      await pipeline.terminate();
      await lock?.close();
      open = false;
      await mirror.close();
    },
  });
  return Object.assign(service, { logger });
}

/** The preview belongs to the LWC work; loaded by name so the service runs without it. */
async function previewRouter(connection: Connection, allowedHosts: readonly string[]): Promise<RequestHandler> {
  const specifier = './http/preview/router.js';
  const mod = (await import(specifier)) as { createPreviewRouter(opts: { connection: () => Promise<Connection>; allowedHosts?: readonly string[] }): RequestHandler };
  return mod.createPreviewRouter({ connection: async () => connection, allowedHosts });
}

function loopbackOnly(handler: RequestHandler): RequestHandler {
  return (req, res, next) => {
    if (isLoopback(req.socket.remoteAddress)) return handler(req, res, next);
    res.status(403).json({ error: { code: 'forbidden', message: 'The preview is only served to loopback clients' } });
  };
}

/** SIGTERM/SIGINT: stop taking work, let the active run checkpoint, then exit. A second signal exits at once. */
export function stopOnSignals(service: Pick<Service, 'close'>, logger: Logger, cleanup: () => Promise<void> = async () => {}): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'signal received: stopping');
    service.close().then(cleanup).then(() => process.exit(0), (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const service = await startServer(config);
  stopOnSignals(service, service.logger);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`sync-server: ${(error as Error).message}\n`);
    process.exit(1);
  });
}

/** The operator's sync settings as pipeline options; unset ones are left out so the pipeline's defaults apply. */
export function pipelineSettings(config: Config): PipelineSettings {
  const s = config.sync;
  const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return defined({
    maxShareOfDailyLimit: s.apiBudgetShare,
    extract: defined({ bulkThreshold: s.extractBulkThreshold, overlapMs: s.incrementalOverlapMs, textExcerptChars: textExcerptChars(config.text) }),
    writeback: defined({ bulkThreshold: s.writebackBulkThreshold }),
    retuneAfterDays: s.retuneAfterDays,
    // The impact settings always have a value (schema defaults), and the worker must measure with the same
    // holdout share and window the service's GET /impact reports with.
    modelOptions: { holdoutShare: config.impact.holdoutShare },
    impactWindowDays: config.impact.windowDays,
    modelWorkers: config.models.workers === undefined ? undefined : defined({ workers: config.models.workers, partitionAccounts: config.models.partitionAccounts }),
  });
}

/** The excerpt settings per text object; undefined when neither is set, so the text step's defaults apply. */
function textExcerptChars(text: Config['text']): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  if (text.excerptChars !== undefined) {
    for (const object of Object.keys(DEFAULT_EXCERPT_CHARS).filter((o) => o !== 'EmailMessage')) out[object] = text.excerptChars;
  }
  if (text.emailExcerptChars !== undefined) out.EmailMessage = text.emailExcerptChars;
  return Object.keys(out).length ? out : undefined;
}
