// In-process test doubles for the service's ports: an in-memory results store and a pipeline that walks
// through stages, persists its progress in that store like the real one does in the mirror, honours the
// AbortSignal by checkpointing between stages, and resumes from the checkpoint on its next run.
import type { AccountInsight, Segment } from '@reco/sync-server/domain/types.js';
import type { EvaluationReport, RecommendationView, ResultsStore, RunView } from '@reco/sync-server/http/ports.js';
import { STAGES, type RunKind } from '@reco/sync-server/domain/run.js';
import type { Pipeline } from '@reco/sync-server/schedule/ports.js';
import { idChecksum } from '@reco/sync-server/http/salesforce-id.js';
import { packRecommendations } from '@reco/sync-server/mirror/recommendation-snapshot.js';

export const accountId = (n: number): string => {
  const id15 = `001Qy${String(n).padStart(10, '0')}`;
  return id15 + idChecksum(id15);
};

export class MemoryStore implements ResultsStore {
  public open = true;
  public runs: RunView[] = [];
  public recommendations: RecommendationView[] = [];
  public insights: AccountInsight[] = [];
  public segments: Segment[] = [];
  public report: EvaluationReport | null = null;
  public names = new Map<string, string>();
  public currencyCode: string | null = null;

  public isOpen() { return this.open; }
  public listRuns(limit: number) { return [...this.runs].reverse().slice(0, limit); }
  public getRun(id: string) { return this.runs.find((r) => r.id === id); }
  public recommendationSnapshot() { return packRecommendations(this.recommendations); }
  public getInsight(id: string) { return this.insights.find((i) => i.accountId === id); }
  public listInsights() { return this.insights; }
  public listSegments() { return this.segments; }
  public evaluation() { return this.report; }
  public searchAccounts(text: string, limit: number) {
    const needle = text.toLowerCase();
    return [...this.names].filter(([, name]) => name.toLowerCase().includes(needle))
      .sort((a, b) => Number(b[1].toLowerCase().startsWith(needle)) - Number(a[1].toLowerCase().startsWith(needle)) || a[1].localeCompare(b[1]))
      .slice(0, limit).map(([accountId, name]) => ({ accountId, name }));
  }
  public accountName(id: string) { return this.names.get(id) ?? null; }
  public currency() { return this.currencyCode; }
  public lastRun = () => {
    const last = this.runs.at(-1);
    return last ? { id: last.id, kind: last.kind, status: last.status } : undefined;
  };
}

/** Fills a store with n accounts in three segments and two recommendations each. */
export function seedResults(store: MemoryStore, n: number): void {
  const segs = ['champions', 'loyal', 'at-risk'];
  store.segments = segs.map((key, i) => ({ key, name: key[0].toUpperCase() + key.slice(1), description: `segment ${i}`, accountCount: 0, profile: { recencyDays: 10 * (i + 1), frequency: 9 - 3 * i } }));
  store.insights = [];
  store.recommendations = [];
  for (let i = 0; i < n; i++) {
    const id = accountId(i + 1);
    const seg = segs[i % 3];
    store.names.set(id, `${['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli'][i % 5]} Trading ${i + 1}`);
    store.segments[i % 3].accountCount++;
    store.insights.push({
      accountId: id, segmentKey: seg, previousSegmentKey: null, segmentChangedOn: null, lifecycleStage: 'Active',
      recencyDays: 5 + (i % 3) * 60 + (i % 7), frequency: 12 - (i % 3) * 4 + (i % 5), monetary: 1000 * (3 - (i % 3)) + i,
      averageOrderValue: 100, engagementScore: 80 - (i % 3) * 25, churnRisk: 0.1 + (i % 3) * 0.3, holdout: false, signals: {},
    });
    for (const [rank, kind] of [[1, 'Cross-sell'], [1, 'Buy again']] as const) {
      store.recommendations.push({
        accountId: id, productId: `01tQy${String(i).padStart(10, '0')}AAA`, productName: `Product ${i}-${kind}`, kind, rank,
        score: kind === 'Cross-sell' ? 0.8 : 0.6, confidence: 'High', reason: `Bought by similar ${seg} accounts (${kind})`,
        evidence: {}, expectedRevenue: 120, opportunityId: null,
      });
    }
  }
}

export type FakePipeline = Pipeline & { calls: Array<{ kind: RunKind; resumedFrom: string[] }>; stageMs: number };

/** stageMs per stage; the store gets a run record updated at each stage boundary. */
export function fakePipeline(store: MemoryStore, stageMs: number): FakePipeline {
  let seq = 0;
  const calls: FakePipeline['calls'] = [];
  const pipeline = (async (kind, { signal, onProgress }) => {
    const previous = store.runs.at(-1);
    const resumedFrom = previous?.status === 'Aborted' ? previous.stages.filter((s) => s.status === 'done').map((s) => s.stage) : [];
    calls.push({ kind, resumedFrom });
    const run: RunView = {
      id: `run-${++seq}-${Date.now()}`, kind, status: 'Running', startedAt: new Date().toISOString(), finishedAt: null, durationMs: null,
      stages: STAGES.map((stage) => ({ stage, status: resumedFrom.includes(stage) ? 'done' : 'pending' })), counts: {}, dataQuality: null, error: null,
    };
    store.runs.push(run);
    for (const stage of run.stages) {
      if (stage.status === 'done') continue; // done before the checkpoint it resumes from
      if (signal.aborted) {
        run.status = 'Aborted';
        run.finishedAt = new Date().toISOString();
        return { runId: run.id, status: 'Aborted' };
      }
      stage.status = 'running';
      onProgress({ runId: run.id, stage: stage.stage, status: 'running' });
      await new Promise((resolve) => setTimeout(resolve, pipeline.stageMs));
      stage.status = 'done';
      stage.records = 10;
      onProgress({ runId: run.id, stage: stage.stage, status: 'done', records: 10 });
    }
    run.status = 'Succeeded';
    run.finishedAt = new Date().toISOString();
    run.durationMs = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
    run.counts = { accounts: 10 };
    run.dataQuality = { rejectedLines: 0 };
    return { runId: run.id, status: 'Succeeded', counts: { accounts: 10 }, apiCalls: 7 };
  }) as FakePipeline;
  pipeline.calls = calls;
  pipeline.stageMs = stageMs;
  return pipeline;
}

export const TOKEN = 'test-token-0123456789abcdef';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies of every route; the tests assert on their fields
export async function api(url: string, path: string, init: RequestInit & { token?: string | null } = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const headers = new Headers(init.headers);
  if (init.token !== null) headers.set('authorization', `Bearer ${init.token ?? TOKEN}`);
  if (init.body) headers.set('content-type', 'application/json');
  const res = await fetch(url + path, { ...init, headers });
  const text = await res.text();
  let body: unknown = text;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body, headers: res.headers };
}

export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // An async check is awaited: a pending promise is not the condition holding.
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

import { loadConfig } from '@reco/sync-server/config/load-config.js';
import { createLogger } from '@reco/sync-server/logging/logger.js';
import { startService, type Service, type ServiceDeps } from '@reco/sync-server/http/service.js';
import type { ImpactSource } from '@reco/sync-server/http/ports.js';
import { Writable } from 'node:stream';
import type { RequestHandler } from 'express';

/** Collects log lines so tests can assert on what the service logged. */
export function memoryLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({ write(chunk, _enc, cb) { for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l)); cb(); } });
  return { logger: createLogger({ level: 'debug' }, stream), lines };
}

export async function startTestService(options: {
  store: MemoryStore; pipeline: Pipeline; schedule?: { enabled?: boolean; incremental?: string; full?: string }; orgUp?: () => boolean; graceMs?: number;
  injectToken?: boolean; allowedHosts?: string; publicRouters?: Array<[string, RequestHandler]>;
  impact?: ImpactSource; resultsHandover?: ServiceDeps['resultsHandover'];
}): Promise<Service & { lines: Array<Record<string, unknown>> }> {
  const config = loadConfig({
    env: {},
    overrides: {
      server: { port: 0, allowedHosts: options.allowedHosts }, auth: { token: TOKEN },
      schedule: { enabled: false, ...options.schedule }, shutdown: { graceMs: options.graceMs ?? 5000 },
      dashboard: { injectToken: options.injectToken ?? false },
    },
  });
  const { logger, lines } = memoryLogger();
  const service = await startService(config, logger, {
    pipeline: options.pipeline, store: options.store, lastRun: options.store.lastRun, publicRouters: options.publicRouters, impact: options.impact,
    resultsHandover: options.resultsHandover,
    orgProbe: async () => { if (options.orgUp && !options.orgUp()) throw new Error('connection refused'); },
  });
  return Object.assign(service, { lines });
}
