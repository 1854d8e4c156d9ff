// Run history with per-stage progress. The pipeline writes here as it goes, so the service can show a run
// while it is running and a restarted process can find the run it must resume.
import type { RunKind, RunStatus, Stage, StageStatus } from '../domain/run.js';
import type { Sql } from '../lib/sql.js';

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

/** A runs row as stored (the synchronous HTTP adapter reads them too). */
export type RunRow = {
  id: string; kind: RunKind; status: RunStatus; started_at: string; finished_at: string | null; stage: Stage | null;
  progress: string; quality: string | null; summary: string | null; error: string | null; api_calls: number;
};

export const toRun = (r: RunRow): RunRecord => ({
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

export async function createRun(sql: Sql, id: string, kind: RunKind, startedAt: string): Promise<RunRecord> {
  await sql.run("INSERT INTO runs (id, kind, status, started_at) VALUES (?, ?, 'Running', ?)", [id, kind, startedAt]);
  return (await getRun(sql, id)) as RunRecord;
}

/** The newest run that never finished (the process died or was aborted): the one to resume. */
export async function findUnfinishedRun(sql: Sql): Promise<RunRecord | undefined> {
  const row = await sql.get<RunRow>("SELECT * FROM runs WHERE status IN ('Running', 'Aborted') AND finished_at IS NULL ORDER BY started_at DESC LIMIT 1");
  return row ? toRun(row) : undefined;
}

export async function setStage(sql: Sql, id: string, stage: Stage, progress: StageRecord): Promise<void> {
  const run = await getRun(sql, id);
  if (!run) throw new Error(`run ${id} is not in the mirror`);
  const merged = { ...run.progress, [stage]: { ...run.progress[stage], ...progress } };
  await sql.run('UPDATE runs SET stage = ?, progress = ? WHERE id = ?', [stage, JSON.stringify(merged), id]);
}

export async function updateRun(
  sql: Sql,
  id: string,
  patch: Partial<Pick<RunRecord, 'status' | 'finishedAt' | 'quality' | 'summary' | 'error' | 'apiCalls'>>,
): Promise<void> {
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
  await sql.run(`UPDATE runs SET ${sets.join(', ')} WHERE id = ?`, [...values, id]);
}

export async function getRun(sql: Sql, id: string): Promise<RunRecord | undefined> {
  const row = await sql.get<RunRow>('SELECT * FROM runs WHERE id = ?', [id]);
  return row ? toRun(row) : undefined;
}

export async function listRuns(sql: Sql, limit = 20): Promise<RunRecord[]> {
  const rows = await sql.all<RunRow>('SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?', [limit]);
  return rows.map(toRun);
}
