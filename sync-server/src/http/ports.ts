// What the HTTP API reads, as an interface over the mirror's persisted results (adapted in the composition
// root; replaced by an in-memory double in tests). Reads may answer at once (node:sqlite, the doubles) or
// later (PostgreSQL); callers await either.
import type { ImpactReport } from '../impact/index.js';
import type { AccountInsight, Segment } from '../domain/types.js';
import type { RecommendationSnapshot, ServedRecommendation } from '../mirror/recommendation-snapshot.js';
import type { RunKind, RunStatus, StageProgress } from '../domain/run.js';

export type RunView = {
  id: string;
  kind: RunKind;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  stages: StageProgress[];
  counts: Record<string, number>;
  dataQuality: unknown;
  error: string | null;
};

export type RecommendationView = ServedRecommendation;

/** Evaluation against baselines: task (crossSell, buyAgain) -> model (reco, popularity, ...) -> metric -> value. */
export type EvaluationReport = {
  generatedAt?: string | null;
  source?: string | null;
  tasks: Record<string, Record<string, Record<string, number>>>;
};

/** A value now, or once the store answers. */
export type Awaitable<T> = T | Promise<T>;

export type ResultsStore = {
  isOpen(): boolean;
  /** The store's last unrecovered failure (a write that hit a full disk, say), or null while it works. */
  fault?(): string | null;
  listRuns(limit: number): Awaitable<RunView[]>;
  getRun(id: string): Awaitable<RunView | undefined>;
  /**
   * Every current recommendation, packed as the API's cache holds them. Read on the serving thread only at
   * start, or after a run that handed no snapshot over (see ServiceDeps.resultsHandover).
   */
  recommendationSnapshot(): Awaitable<RecommendationSnapshot>;
  getInsight(accountId: string): Awaitable<AccountInsight | undefined>;
  listInsights(): Awaitable<AccountInsight[]>;
  listSegments(): Awaitable<Segment[]>;
  evaluation(): EvaluationReport | null;
  /** Accounts whose name contains the text (case-insensitive), best match first: the dashboard's search box. */
  searchAccounts(text: string, limit: number): Awaitable<AccountMatch[]>;
  /** The account's name as mirrored from the org, or null when it is not mirrored. */
  accountName(accountId: string): Awaitable<string | null>;
  /** The ISO code amounts are in (the org's currency as mirrored), or null when the org does not say. */
  currency(): Awaitable<string | null>;
};

export type AccountMatch = { accountId: string; name: string };

/** Liveness of the org for /ready: resolves when reachable, rejects with the reason otherwise. */
export type OrgProbe = () => Promise<void>;

/** The impact measurement (sync-server/src/impact) as the API reads it. */
export type ImpactQuery = { since?: string; windowDays?: number; by?: 'week' | 'month' };
export type ImpactSource = (q: ImpactQuery) => Promise<ImpactReport>;
