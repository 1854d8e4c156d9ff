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
  /**
   * How long either end waits for a silent peer (default 30 s): the server for a holder whose host vanished
   * (then it ends the session and frees the lock; see openLeaseSession), the holder for a server that stopped
   * answering its heartbeats (then it counts the lease as lost).
   */
  deadPeerMs?: number;
};

function checkDeadPeerMs(ms: number): void {
  if (!Number.isFinite(ms) || ms < 3000) throw new Error(`deadPeerMs must be at least 3000 (ms), got ${ms}`);
}

/**
 * A connection of its own for a lease. The server frees the lock only when it sees the session end: a killed
 * process ends it at once (its kernel closes the socket), but a host that loses power or its network sends
 * nothing, and the server keeps the lock until its TCP keepalive gives up, by the OS's default after two hours.
 * So the session asks the server to probe it after a third of `deadPeerMs` of silence and to give up after
 * about `deadPeerMs` (tcp_keepalives_*, tcp_user_timeout: settable per session, ignored on a Unix socket). The
 * holder's kernel answers the probes even while its process is busy, so a long synchronous step never loses it.
 */
export async function openLeaseSession(url: string, application: string, deadPeerMs = 30_000): Promise<pg.Client> {
  checkDeadPeerMs(deadPeerMs);
  const c = new pg.Client({ connectionString: url, application_name: application, keepAlive: true, keepAliveInitialDelayMillis: Math.round(deadPeerMs / 3) });
  await c.connect();
  const idle = Math.max(1, Math.round(deadPeerMs / 3000));
  const interval = Math.max(1, Math.round(deadPeerMs / 9000));
  try {
    await c.query(`SET tcp_keepalives_idle = ${idle}; SET tcp_keepalives_interval = ${interval}; SET tcp_keepalives_count = 6; SET tcp_user_timeout = ${deadPeerMs}`);
  } catch (e) {
    await c.end().catch(() => undefined);
    throw e;
  }
  return c;
}

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
  if (options.deadPeerMs !== undefined) checkDeadPeerMs(options.deadPeerMs);
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

  // A heartbeat unanswered for deadPeerMs means the server is gone (its host vanished, a failover). Judged only
  // on a steady tick: after this thread was busy for a while, the answer may be waiting unread in the socket.
  const startHeartbeat = (c: pg.Client): NodeJS.Timeout => {
    const every = options.heartbeatMs ?? 5000;
    const deadPeerMs = options.deadPeerMs ?? 30_000;
    let sentAt: number | null = null;
    let lastTick = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      const steady = now - lastTick < 2 * every;
      lastTick = now;
      if (sentAt !== null) {
        if (steady && now - sentAt > deadPeerMs) lost(new Error(`${what}'s server has not answered for ${Math.round((now - sentAt) / 1000)} s`));
        return;
      }
      sentAt = now;
      c.query('SELECT 1').then(
        () => (sentAt = null),
        (error: Error) => lost(new Error(`${what}'s session stopped answering: ${error.message}`)),
      );
    }, every);
    timer.unref();
    return timer;
  };

  const connect = async (): Promise<pg.Client> => {
    if (client) return client;
    const c = await openLeaseSession(url, application, options.deadPeerMs);
    c.on('error', (error) => lost(new Error(`${what}'s connection to ${redactUrl(url)} failed: ${error.message}`)));
    c.on('end', () => lost(new Error(`${what}'s connection to ${redactUrl(url)} closed`)));
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
      if (held) heartbeat = startHeartbeat(c);
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
