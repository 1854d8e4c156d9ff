// A service process for the signal test: the fake pipeline, stopOnSignals from the real entry module, JSON
// logs on stdout. Prints its URL as the first line.
import { loadConfig } from '@reco/sync-server/config/load-config.js';
import { startService } from '@reco/sync-server/http/service.js';
import { createLogger } from '@reco/sync-server/logging/logger.js';
import { stopOnSignals } from '@reco/sync-server/server.js';
import { fakePipeline, MemoryStore, TOKEN } from './doubles.js';

const store = new MemoryStore();
const logger = createLogger({ level: 'info' });
const config = loadConfig({ env: {}, overrides: { auth: { token: TOKEN }, server: { port: 0 }, schedule: { enabled: false } } });
const service = await startService(config, logger, { pipeline: fakePipeline(store, 300), store, orgProbe: async () => {} });
stopOnSignals(service, logger, async () => {
  // What the next start would read: the interrupted run and the stages it completed.
  process.stdout.write(`${JSON.stringify({ final: store.runs.map((r) => ({ id: r.id, status: r.status, done: r.stages.filter((s) => s.status === 'done').map((s) => s.stage) })) })}\n`);
});
process.stdout.write(`${JSON.stringify({ url: service.url })}\n`);
