// A partition worker process. Two ways to start it:
// - by a coordinator (coordinator.ts startWorkerProcess), for its run only: RECO_PART_URL is the PostgreSQL URL
//   and RECO_PART_RUN the run; it exits when that run ends, or with an error when its coordinator is gone.
// - by an operator, on any machine that reaches the service's PostgreSQL: `npm run worker` with RECO_STORE_URL
//   (the service's own setting). It serves every run of that database, oldest first, until stopped; SIGTERM
//   lets it finish and store the partition in hand first (a second signal stops it at once).
//   RECO_PART_EXIT_WHEN_IDLE=1 makes it exit once no run has work left instead (batch use, the bench).
// The URL comes from the environment, so the password is not on the command line for `ps` to show, and it is
// never printed. Prints its figures as one line at exit.
import { runWorker, WORKER_STATS_PREFIX } from './worker.js';

const fromCoordinator = process.env.RECO_PART_URL;
const url = fromCoordinator || process.env.RECO_STORE_URL;
const problem = urlProblem(url);
if (problem) {
  console.error(`partition worker: ${problem}`);
  process.exit(2);
}
const runId = process.env.RECO_PART_RUN || undefined;
const stop = new AbortController();
if (!runId) {
  process.on('SIGTERM', () => {
    if (stop.signal.aborted) process.exit(143);
    console.error(`partition worker ${process.pid}: SIGTERM, stopping after the partition in hand (again to stop now)`);
    stop.abort();
  });
}
try {
  const stats = await runWorker({
    url: url!,
    runId,
    exitWhenIdle: process.env.RECO_PART_EXIT_WHEN_IDLE === '1',
    signal: stop.signal,
    log: (m) => console.error(`partition worker ${process.pid}: ${m}`),
  });
  console.log(`${WORKER_STATS_PREFIX}${JSON.stringify(stats)}`);
} catch (e) {
  console.error(`partition worker ${process.pid} stopped: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

/** What is wrong with the queue's URL, without quoting it (it may hold a password); null when usable. */
function urlProblem(value: string | undefined): string | null {
  const setting = fromCoordinator ? 'RECO_PART_URL' : 'RECO_STORE_URL';
  if (!value) return 'set RECO_STORE_URL to the PostgreSQL URL of the service whose model step it serves (postgres://user:password@host:port/database)';
  try {
    const u = new URL(value);
    if ((u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname !== '' && u.pathname.length > 1) return null;
  } catch {
    // reported below
  }
  return `${setting} must be a PostgreSQL URL: postgres://user:password@host:port/database (the value is not shown: it may hold a password)`;
}
