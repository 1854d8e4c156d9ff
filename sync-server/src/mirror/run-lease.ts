// "One run at a time" across replicas that share a PostgreSQL store: the replica that runs holds a
// session-level advisory lock on a connection of its own. PostgreSQL releases the lock the moment that session
// ends — the process exits, is killed, or loses the server — so a dead runner never blocks the others and no
// lease row can be left behind to expire. Advisory locks are PostgreSQL's own tool for this; a job queue
// (pg-boss, graphile-worker) would add a schema and a poller for what one lock call does.
import pg from 'pg';
import { redactUrl } from '../lib/sql.js';

// pg_try_advisory_lock(int4, int4): 'RECO' as the class, 1 for "the run". Locks are per database, so two orgs in
// two databases of one server never contend.
const LOCK_CLASS = 0x5245434f;
const RUN_LOCK = 1;

/** An advisory lock's two int4 keys: a class (what kind of lease) and a key within it. */
export type AdvisoryKey = readonly [classId: number, key: number];

export type LeaseHolder = { pid: number; application: string; since: string | null };

export type RunLease = {
  /** True while this process holds the lease. */
  readonly held: boolean;
  /** Takes the lease if no other replica holds it; true when held (again) by this process. */
  acquire(): Promise<boolean>;
  /** Gives it back (a no-op when not held). */
  release(): Promise<void>;
  /** Who holds it now, as PostgreSQL sees it, or null when nobody does. */
  holder(): Promise<LeaseHolder | null>;
  /**
   * Called once if the lease is lost while held: the session to PostgreSQL died, so the server has already freed
   * the lock and another replica may take over. The run in progress must stop writing.
   */
  onLost(listener: (reason: Error) => void): void;
  close(): Promise<void>;
};

export type LeaseOptions = {
  /** Shown to the other replicas in holder() (pg_stat_activity.application_name). */
  name?: string;
  /** How often the held session is checked, so a half-open connection is noticed (default 5 s). */
  heartbeatMs?: number;
};

/** A run lease on the PostgreSQL database at `url`. Connects lazily, on the first acquire(). */
export function postgresRunLease(url: string, options: LeaseOptions = {}): RunLease {
  return postgresAdvisoryLease(url, [LOCK_CLASS, RUN_LOCK], { ...options, what: 'the run lease' });
}

/**
 * The same kind of lease on any advisory key: held by a session of its own, freed by PostgreSQL when that session
 * ends. `what` names it in the errors. The partitioned model step holds one per partition run (scale/queue.ts).
 */
export function postgresAdvisoryLease(url: string, [classId, key]: AdvisoryKey, options: LeaseOptions & { what: string }): RunLease {
  const { what } = options;
  const application = options.name ?? `reco-${process.pid}`;
  let client: pg.Client | null = null;
  let held = false;
  let closed = false;
  let heartbeat: NodeJS.Timeout | undefined;
  const listeners: Array<(reason: Error) => void> = [];

  const lost = (reason: Error): void => {
    const wasHeld = held;
    held = false;
    clearInterval(heartbeat);
    client?.removeAllListeners();
    client?.on('error', () => undefined);
    void client?.end().catch(() => undefined);
    client = null;
    if (wasHeld && !closed) for (const listener of listeners.splice(0)) listener(reason);
  };

  const connect = async (): Promise<pg.Client> => {
    if (client) return client;
    const c = new pg.Client({ connectionString: url, application_name: application, keepAlive: true });
    c.on('error', (error) => lost(new Error(`${what}'s connection to ${redactUrl(url)} failed: ${error.message}`)));
    c.on('end', () => lost(new Error(`${what}'s connection to ${redactUrl(url)} closed`)));
    await c.connect();
    client = c;
    return c;
  };

  return {
    get held() {
      return held;
    },
    async acquire() {
      if (closed) throw new Error(`${what} is closed`);
      if (held) return true;
      const c = await connect();
      const row = (await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [classId, key])).rows[0];
      held = row?.ok === true;
      if (held) {
        heartbeat = setInterval(() => {
          c.query('SELECT 1').catch((error: Error) => lost(new Error(`${what}'s session stopped answering: ${error.message}`)));
        }, options.heartbeatMs ?? 5000);
        heartbeat.unref();
      }
      return held;
    },
    async release() {
      if (!held || !client) return;
      clearInterval(heartbeat);
      held = false;
      await client.query('SELECT pg_advisory_unlock($1, $2)', [classId, key]);
    },
    async holder() {
      const c = await connect();
      const row = (
        await c.query<{ pid: number; application: string; since: Date | null }>(
          `SELECT a.pid, a.application_name AS application, a.backend_start AS since
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          [classId, key],
        )
      ).rows[0];
      return row ? { pid: row.pid, application: row.application, since: row.since ? row.since.toISOString() : null } : null;
    },
    onLost(listener) {
      listeners.push(listener);
    },
    async close() {
      closed = true;
      clearInterval(heartbeat);
      held = false;
      const c = client;
      client = null;
      c?.removeAllListeners();
      c?.on('error', () => undefined);
      await c?.end().catch(() => undefined);
    },
  };
}
