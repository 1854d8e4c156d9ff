// Child process for the store suite's kill test: opens the store the parent names (RECO_STORE_PATH, or
// RECO_STORE_URL for PostgreSQL) through openStore, as the service does, records a run and extracts Account
// from the fake org at RECO_TEST_INSTANCE_URL, printing each committed page as a JSON line. With
// RECO_TEST_HOLD_PAGES it freezes after that many pages (stdout to a pipe is synchronous on Linux, so the line
// is out first), and the parent kills it with SIGKILL: nothing gets to clean up, as in a real crash.
import { Connection } from 'jsforce';
import { extractObject } from '../../sync-server/src/extract/extract.js';
import { openStore } from '../../sync-server/src/mirror/db.js';
import { createRun, findUnfinishedRun, setStage, updateRun } from '../../sync-server/src/mirror/runs.js';

const ACCOUNT = { name: 'Account', fields: ['Id', 'SystemModstamp', 'IsDeleted', 'Name'] };
const holdPages = process.env.RECO_TEST_HOLD_PAGES ? Number(process.env.RECO_TEST_HOLD_PAGES) : undefined;
const freeze = (): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
};

const store = await openStore({ path: process.env.RECO_STORE_PATH ?? '', url: process.env.RECO_STORE_URL || undefined });
const conn = new Connection({ instanceUrl: process.env.RECO_TEST_INSTANCE_URL, accessToken: 'test-token', version: '62.0' });
// Resume the run a killed process left, as runPipeline does; otherwise start one.
const unfinished = await findUnfinishedRun(store.sql);
const runId = unfinished?.id ?? 'run-kill';
if (!unfinished) await createRun(store.sql, runId, 'Full', new Date().toISOString());
await setStage(store.sql, runId, 'extract', { state: 'running' });
let pages = 0;
const stats = await extractObject(conn, store, ACCOUNT, {
  runId,
  onProgress: (e) => {
    if (e.phase !== 'page') return;
    pages += 1;
    process.stdout.write(`${JSON.stringify({ page: pages, fetched: e.fetched })}\n`);
    if (holdPages !== undefined && pages >= holdPages) freeze();
  },
});
await setStage(store.sql, runId, 'extract', { state: 'done' });
await updateRun(store.sql, runId, { status: 'Succeeded', finishedAt: new Date().toISOString() });
process.stdout.write(`${JSON.stringify({ done: { runId, resumed: Boolean(unfinished), fetched: stats.fetched, swept: stats.swept } })}\n`);
await store.close();
