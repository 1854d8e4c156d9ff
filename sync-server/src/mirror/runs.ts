// Run history with per-stage progress. The pipeline writes here as it goes, so the service can show a run
// while it is running and a restarted process can find the run it must resume.
import type { DatabaseSync } from 'node:sqlite';
import type { RunKind, RunStatus, Stage, StageStatus } from '../domain/run.js';

/** A stage as stored in the run's progress column. */
export type StageRecord = { state: StageStatus; detail?: Record<string, unknown>; startedAt?: string; finishedAt?: string };

export type RunRecord = {
  id: string;
  kind: RunKind;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  stage: Stage | null;
  progress: Partial<Record<Stage, StageRecord>>;
  quality: unknown;
  summary: unknown;
  error: string | null;
  apiCalls: number;
};

type Row = {
  id: string; kind: RunKind; status: RunStatus; started_at: string; finished_at: string | null; stage: Stage | null;
  progress: string; quality: string | null; summary: string | null; error: string | null; api_calls: number;
};

const toRun = (r: Row): RunRecord => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  stage: r.stage,
  progress: JSON.parse(r.progress) as RunRecord['progress'],
  quality: r.quality ? (JSON.parse(r.quality) as unknown) : null,
  summary: r.summary ? (JSON.parse(r.summary) as unknown) : null,
  error: r.error,
  apiCalls: r.api_calls,
});

export function createRun(db: DatabaseSync, id: string, kind: RunKind, startedAt: string): RunRecord {
  db.prepare("INSERT INTO runs (id, kind, status, started_at) VALUES (?, ?, 'Running', ?)").run(id, kind, startedAt);
  return getRun(db, id) as RunRecord;
}

/** The newest run that never finished (the process died or was aborted): the one to resume. */
export function findUnfinishedRun(db: DatabaseSync): RunRecord | undefined {
  const row = db.prepare("SELECT * FROM runs WHERE status IN ('Running', 'Aborted') AND finished_at IS NULL ORDER BY started_at DESC LIMIT 1").get() as Row | undefined;
  return row ? toRun(row) : undefined;
}

export function setStage(db: DatabaseSync, id: string, stage: Stage, progress: StageRecord): void {
  const run = getRun(db, id);
  if (!run) throw new Error(`run ${id} is not in the mirror`);
  const merged = { ...run.progress, [stage]: { ...run.progress[stage], ...progress } };
  db.prepare('UPDATE runs SET stage = ?, progress = ? WHERE id = ?').run(stage, JSON.stringify(merged), id);
}

export function updateRun(
  db: DatabaseSync,
  id: string,
  patch: Partial<Pick<RunRecord, 'status' | 'finishedAt' | 'quality' | 'summary' | 'error' | 'apiCalls'>>,
): void {
  const sets: string[] = [];
  const values: Array<string | number | null> = [];
  const add = (col: string, v: string | number | null): void => {
    sets.push(`${col} = ?`);
    values.push(v);
  };
  if (patch.status !== undefined) add('status', patch.status);
  if (patch.finishedAt !== undefined) add('finished_at', patch.finishedAt);
  if (patch.quality !== undefined) add('quality', JSON.stringify(patch.quality));
  if (patch.summary !== undefined) add('summary', JSON.stringify(patch.summary));
  if (patch.error !== undefined) add('error', patch.error);
  if (patch.apiCalls !== undefined) add('api_calls', patch.apiCalls);
  if (sets.length === 0) return;
  db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
}

export function getRun(db: DatabaseSync, id: string): RunRecord | undefined {
  const row = db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Row | undefined;
  return row ? toRun(row) : undefined;
}

export function listRuns(db: DatabaseSync, limit = 20): RunRecord[] {
  const rows = db.prepare('SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?').all(limit) as Row[];
  return rows.map(toRun);
}
