// A coordinator of the partitioned model step in a process of its own, with two worker processes, that stops
// where abandoned.test.ts kills it with SIGKILL: `preparing` (its dataset loader never returns, so the run is
// never published) or `published` (every partition is published; it never collects them).
//   argv: <postgres url> <preparing|published>
import { syntheticDataset } from '../../sync-server/src/models/synthetic.js';
import { runModelsPartitioned } from '../../sync-server/src/scale/coordinator.js';

const [url, stage] = process.argv.slice(2);
if (!url || (stage !== 'preparing' && stage !== 'published')) {
  console.error('usage: coordinator.fixture.ts <postgres url> <preparing|published>');
  process.exit(2);
}
const forever = (): never => {
  // Synchronous on purpose: the lease must outlive a blocked event loop (it is PostgreSQL's, not a timer's).
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(cell, 0, 0, 60_000);
};
const dataset = (): ReturnType<typeof syntheticDataset> => {
  if (stage === 'preparing') {
    process.stdout.write('PREPARING\n');
    forever();
  }
  return syntheticDataset({ accounts: 600, products: 60, linesPerAccount: 6, seed: 4 });
};
await runModelsPartitioned(dataset, { seed: 1, tune: 'fast' }, undefined, undefined, {
  url,
  workers: 2,
  partitionAccounts: 100,
  threads: 0,
  onStarted: ({ runId, workers }) => {
    process.stdout.write(`PUBLISHED ${runId} ${workers.map((w) => w.pid).join(',')}\n`);
    return new Promise<void>(() => undefined);
  },
});
