// Measures a full seed: `npx tsx local-org/src/seed/bench-seed.ts [file.csv.gz] [--db path] [--as-of YYYY-MM-DD]
// [--replay N]`. Prints the SeedReport (and the ReplayReport of N replayed invoices) as JSON; the budget is 60 s for the 541,909-row UCI file on a 2-core machine.
import { parseArgs } from 'node:util';
import { openOrgStore } from '../store/org-store.js';
import { seedOnlineRetail } from './online-retail.js';
import { replayInvoices } from './replay.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { db: { type: 'string' }, 'as-of': { type: 'string' }, replay: { type: 'string' } } });
const file = positionals[0] ?? new URL('../../../../shared/data/online-retail.csv.gz', import.meta.url).pathname;
const store = openOrgStore({ file: values.db });
let lastStage = '';
const cpu0 = process.cpuUsage();
const report = await seedOnlineRetail(store, {
  file,
  asOf: values['as-of'],
  onProgress: (e) => {
    if (e.stage !== lastStage) process.stderr.write(`${new Date().toISOString()} ${e.stage}\n`);
    lastStage = e.stage;
  },
});
const cpu = process.cpuUsage(cpu0);
process.stdout.write(`${JSON.stringify({ ...report, cpuMs: Math.round((cpu.user + cpu.system) / 1000) }, null, 2)}\n`);
if (values.replay !== undefined) {
  const started = Date.now();
  const rcpu0 = process.cpuUsage();
  const replayed = replayInvoices(store, { count: Number(values.replay) });
  process.stdout.write(`${JSON.stringify({ ...replayed, elapsedMs: Date.now() - started, cpuMs: Math.round((process.cpuUsage(rcpu0).user + process.cpuUsage(rcpu0).system) / 1000) }, null, 2)}\n`);
}
store.close();
