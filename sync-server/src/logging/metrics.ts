// Prometheus metrics. One registry per service instance (not prom-client's global one) so several services
// can live in one process, as they do in tests.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'reco_' });
  return {
    registry,
    runDuration: new Histogram({
      name: 'reco_run_duration_seconds', help: 'Duration of pipeline runs', labelNames: ['kind', 'status'] as const,
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600], registers: [registry],
    }),
    runs: new Counter({ name: 'reco_runs_total', help: 'Pipeline runs by outcome', labelNames: ['kind', 'status'] as const, registers: [registry] }),
    runFailures: new Counter({ name: 'reco_run_failures_total', help: 'Pipeline runs that failed or threw', labelNames: ['kind'] as const, registers: [registry] }),
    runsSkipped: new Counter({ name: 'reco_runs_skipped_total', help: 'Runs not started because one was already running', labelNames: ['kind', 'source'] as const, registers: [registry] }),
    records: new Counter({ name: 'reco_records_total', help: 'Records handled by pipeline runs', labelNames: ['stage'] as const, registers: [registry] }),
    apiCalls: new Counter({ name: 'reco_org_api_calls_total', help: 'Calls made to the org API by pipeline runs', registers: [registry] }),
    httpDuration: new Histogram({
      name: 'reco_http_request_duration_seconds', help: 'HTTP request latency', labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [registry],
    }),
  };
}
