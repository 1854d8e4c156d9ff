// Process entry and composition root: configuration, the org connection, the mirror, the real pipeline and
// results store plugged into the service's ports, and signal handling for a graceful stop.
//   npx tsx sync-server/src/server.ts   (settings: RECO_* and SF_* variables, or RECO_CONFIG_FILE)
import type { RequestHandler } from 'express';
import type { Connection } from 'jsforce';
import { loadConfig } from './config/load-config.js';
import type { Config } from './config/schema.js';
import { connectionConfigFromEnv, describeConnectionConfig, parseConnectionConfig, type ConnectionConfigInput } from './connect/config.js';
import { createConnection } from './connect/connect.js';
import { isLoopback } from './http/loopback.js';
import { mirrorResultsStore } from './http/mirror-store.js';
import { mirrorImpactSource } from './http/use-cases/impact.js';
import { startService, type Service } from './http/service.js';
import { createLogger, type Logger } from './logging/logger.js';
import { openMirror } from './mirror/db.js';
import { findUnfinishedRun } from './mirror/runs.js';
import { runPipeline } from './pipeline/run-pipeline.js';
import type { Pipeline } from './schedule/ports.js';

export type ServerOptions = {
  /** Connection settings; defaults to config.org, then the SF_* variables. */
  connection?: ConnectionConfigInput;
  logger?: Logger;
  /** Mount the LWC preview at /preview (loopback clients only: it can edit records in the org). */
  preview?: boolean;
};

export async function startServer(config: Config, options: ServerOptions = {}): Promise<Service & { logger: Logger }> {
  const logger = options.logger ?? createLogger({ level: config.log.level });
  const connectionConfig = parseConnectionConfig(options.connection ?? config.org ?? connectionConfigFromEnv());
  logger.info({ org: describeConnectionConfig(connectionConfig), store: config.store.path }, 'starting');
  const connection = await createConnection(connectionConfig);
  const mirror = openMirror(config.store.path);
  const store = mirrorResultsStore(mirror.db, { evaluationFile: config.evaluation.file });

  const pipeline: Pipeline = async (kind, { signal, onProgress }) => {
    const summary = await runPipeline({ connection, mirror, logger }, {
      kind, signal, onProgress, modelOptions: { holdoutShare: config.impact.holdoutShare }, impactWindowDays: config.impact.windowDays,
    });
    return { runId: summary.runId, status: summary.status, durationMs: summary.durationMs, counts: summary.counts, apiCalls: summary.apiCalls, error: summary.error };
  };

  const service = await startService(config, logger, {
    pipeline,
    store,
    impact: mirrorImpactSource(mirror.db, config.impact),
    // The versions resource is the cheapest authenticated-free call that proves the org answers.
    orgProbe: async () => { await connection.request(`${connection.instanceUrl}/services/data/`); },
    lastRun: () => {
      const run = findUnfinishedRun(mirror.db);
      return run && { id: run.id, kind: run.kind, status: run.status };
    },
    publicRouters: options.preview ? [['/preview', loopbackOnly(await previewRouter(connection))]] : [],
    onClose: () => mirror.close(),
  });
  return Object.assign(service, { logger });
}

/** The preview belongs to the LWC work; loaded by name so the service runs without it. */
async function previewRouter(connection: Connection): Promise<RequestHandler> {
  const specifier = './http/preview/router.js';
  const mod = (await import(specifier)) as { createPreviewRouter(opts: { connection: () => Promise<Connection> }): RequestHandler };
  return mod.createPreviewRouter({ connection: async () => connection });
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
