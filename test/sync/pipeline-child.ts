// Child process for the kill test: runs one pipeline against the org given in RECO_TEST_ORG and prints each
// progress event as a JSON line, so the parent can SIGKILL it at a chosen point. With RECO_TEST_HOLD_AT it
// freezes right after reporting that many records written (stdout to a pipe is synchronous on Linux, so the
// line is out first): the kill then lands mid-write-back every time, however fast or loaded the machine is.
import { createConnection } from '../../sync-server/src/connect/connect.js';
import { openMirror } from '../../sync-server/src/mirror/db.js';
import { runPipeline } from '../../sync-server/src/pipeline/run-pipeline.js';

const creds = JSON.parse(process.env.RECO_TEST_ORG ?? '{}') as { loginUrl: string; clientId: string; clientSecret: string; refreshToken: string };
const conn = await createConnection({ flow: 'refresh-token', ...creds });
const mirror = openMirror(process.env.RECO_TEST_MIRROR as string);
const holdAt = process.env.RECO_TEST_HOLD_AT ? Number(process.env.RECO_TEST_HOLD_AT) : undefined;
const freeze = (): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
};
const summary = await runPipeline(
  { connection: conn, mirror },
  {
    kind: (process.env.RECO_TEST_KIND as 'Full' | 'Incremental') ?? 'Full',
    extract: { bulkPollInterval: 100 },
    writeback: { bulkThreshold: 1_000_000, retryBaseMs: 20 },
    onProgress: (e) => {
      process.stdout.write(`${JSON.stringify({ stage: e.stage, status: e.status, records: e.records ?? null })}\n`);
      if (holdAt !== undefined && e.stage === 'writeback' && e.status === 'running' && (e.records ?? 0) >= holdAt) freeze();
    },
  },
);
process.stdout.write(`${JSON.stringify({ summary: { status: summary.status, resumed: summary.resumed, runId: summary.runId } })}\n`);
mirror.close();
