// Child process for the kill test: runs one pipeline against the org given in RECO_TEST_ORG and prints each
// progress event as a JSON line, so the parent can SIGKILL it at a chosen point.
import { createConnection } from '../../sync-server/src/connect/connect.js';
import { openMirror } from '../../sync-server/src/mirror/db.js';
import { runPipeline } from '../../sync-server/src/pipeline/run-pipeline.js';

const creds = JSON.parse(process.env.RECO_TEST_ORG ?? '{}') as { loginUrl: string; clientId: string; clientSecret: string; refreshToken: string };
const conn = await createConnection({ flow: 'refresh-token', ...creds });
const mirror = openMirror(process.env.RECO_TEST_MIRROR as string);
const summary = await runPipeline(
  { connection: conn, mirror },
  {
    kind: (process.env.RECO_TEST_KIND as 'Full' | 'Incremental') ?? 'Full',
    extract: { bulkPollInterval: 100 },
    writeback: { bulkThreshold: 1_000_000, retryBaseMs: 20 },
    onProgress: (e) => process.stdout.write(`${JSON.stringify({ stage: e.stage, status: e.status, records: e.records ?? null })}\n`),
  },
);
process.stdout.write(`${JSON.stringify({ summary: { status: summary.status, resumed: summary.resumed, runId: summary.runId } })}\n`);
mirror.close();
