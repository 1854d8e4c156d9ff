// A partition worker process: `tsx sync-server/src/scale/worker-main.ts` with RECO_PART_URL set to the
// PostgreSQL URL (an environment variable, so the password is not on the command line for `ps` to show).
// RECO_PART_RUN limits it to one run (it exits when that run ends); without it, it serves every run, and
// RECO_PART_EXIT_WHEN_IDLE=1 makes it exit once no run has work left. Prints its figures as one line at exit.
import { runWorker, WORKER_STATS_PREFIX } from './worker.js';

const url = process.env.RECO_PART_URL;
if (!url) {
  console.error('partition worker: set RECO_PART_URL to the PostgreSQL URL of the queue');
  process.exit(2);
}
try {
  const stats = await runWorker({
    url,
    runId: process.env.RECO_PART_RUN || undefined,
    exitWhenIdle: process.env.RECO_PART_EXIT_WHEN_IDLE === '1',
    log: (m) => console.error(`partition worker ${process.pid}: ${m}`),
  });
  console.log(`${WORKER_STATS_PREFIX}${JSON.stringify(stats)}`);
} catch (e) {
  console.error(`partition worker ${process.pid} stopped: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
