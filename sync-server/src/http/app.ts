// The express application: public probes and docs, then the bearer-token wall, then thin routes over the
// use cases, then the central error handler.
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../logging/metrics.js';
import type { RunCoordinator } from '../schedule/run-coordinator.js';
import { requireBearerToken } from './auth.js';
import { errorHandler, unknownRoute } from './error-handler.js';
import { openApiDocument } from './openapi.js';
import type { ImpactSource, OrgProbe, ResultsStore } from './ports.js';
import { dashboardRouter } from './routes/dashboard.js';
import { healthRouter } from './routes/health.js';
import { impactRouter } from './routes/impact.js';
import { resultsRouter } from './routes/results.js';
import { runsRouter } from './routes/runs.js';
import type { RecommendationCache } from './use-cases/recommendation-cache.js';
import type { Projection } from './use-cases/segment-projection.js';

export type AppDeps = {
  token: string;
  injectToken: boolean;
  logger: Logger;
  metrics: Metrics;
  store: ResultsStore;
  cache: RecommendationCache;
  projection: () => Promise<Projection>;
  coordinator: RunCoordinator;
  orgProbe: OrgProbe;
  /** The impact measurement; without it GET /impact answers { impact: null }. */
  impact?: ImpactSource;
  /** Extra routers mounted before authentication, e.g. the LWC preview. */
  publicRouters?: Array<[string, RequestHandler]>;
};

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestMetrics(deps.metrics));
  app.use(express.json({ limit: '16kb' }));

  app.use(healthRouter({ store: deps.store, orgProbe: deps.orgProbe }));
  app.get('/openapi.json', (_req, res) => { res.json(openApiDocument); });
  app.use(dashboardRouter({ token: deps.token, injectToken: deps.injectToken }));
  for (const [mountPath, router] of deps.publicRouters ?? []) app.use(mountPath, router);

  app.use(requireBearerToken(deps.token));
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  app.use(runsRouter({ store: deps.store, coordinator: deps.coordinator }));
  app.use(resultsRouter({ store: deps.store, cache: deps.cache, projection: deps.projection }));
  app.use(impactRouter({ impact: deps.impact }));

  app.use(unknownRoute);
  app.use(errorHandler(deps.logger));
  return app;
}

/** Request latency by route pattern (not raw path, which would explode the label set with ids). */
function requestMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
}
