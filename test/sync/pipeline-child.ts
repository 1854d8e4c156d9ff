// Child process for the kill tests: runs one pipeline against the org given in RECO_TEST_ORG and prints each
// progress event as a JSON line, so the parent can SIGKILL it at a chosen point. With RECO_TEST_HOLD_AT it
// freezes right after reporting that many records written (stdout to a pipe is synchronous on Linux, so the
// line is out first): the kill then lands mid-write-back every time, however fast or loaded the machine is.
// RECO_TEST_HOLD_EVENT freezes after the N-th progress line instead (any stage: the fault campaign's kill
// points). RECO_TEST_OPTIONS (JSON) overrides the pipeline options; RECO_TEST_LOG=1 logs through the
// service's own logger to stderr, so the parent can check that no secret reaches a log line.
import { createConnection } from '../../sync-server/src/connect/connect.js';
import { createLogger } from '../../sync-server/src/logging/logger.js';
import { openMirror } from '../../sync-server/src/mirror/db.js';
import { runPipeline, type PipelineOptions } from '../../sync-server/src/pipeline/run-pipeline.js';

const creds = JSON.parse(process.env.RECO_TEST_ORG ?? '{}') as { loginUrl: string; clientId: string; clientSecret: string; refreshToken: string };
const conn = await createConnection({ flow: 'refresh-token', ...creds });
const mirror = openMirror(process.env.RECO_TEST_MIRROR as string);
const holdAt = process.env.RECO_TEST_HOLD_AT ? Number(process.env.RECO_TEST_HOLD_AT) : undefined;
const holdEvent = process.env.RECO_TEST_HOLD_EVENT ? Number(process.env.RECO_TEST_HOLD_EVENT) : undefined;
const overrides = JSON.parse(process.env.RECO_TEST_OPTIONS ?? '{}') as Partial<PipelineOptions>;
const logger = process.env.RECO_TEST_LOG === '1' ? createLogger({ level: 'debug', name: 'reco-sync-child' }, process.stderr) : undefined;
const freeze = (): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
};
let events = 0;
const summary = await runPipeline(
  { connection: conn, mirror, logger },
  {
    kind: (process.env.RECO_TEST_KIND as 'Full' | 'Incremental') ?? 'Full',
    extract: { bulkPollInterval: 100 },
    writeback: { bulkThreshold: 1_000_000, retryBaseMs: 20 },
    ...overrides,
    onProgress: (e) => {
      events += 1;
      process.stdout.write(`${JSON.stringify({ stage: e.stage, status: e.status, records: e.records ?? null })}\n`);
      if (holdAt !== undefined && e.stage === 'writeback' && e.status === 'running' && (e.records ?? 0) >= holdAt) freeze();
      if (holdEvent !== undefined && events === holdEvent) freeze();
    },
  },
);
process.stdout.write(`${JSON.stringify({ summary: { status: summary.status, resumed: summary.resumed, runId: summary.runId, error: summary.error } })}\n`);
mirror.close();
