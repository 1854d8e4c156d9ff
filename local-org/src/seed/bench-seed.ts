// Measures a full seed: `npx tsx local-org/src/seed/bench-seed.ts [file.csv.gz] [--db path] [--as-of YYYY-MM-DD]`.
// Prints the SeedReport as JSON; the budget is 60 s for the 541,909-row UCI file on a 2-core machine.
import { parseArgs } from 'node:util';
import { createSchema } from '../schema/registry.js';
import { openOrgStore } from '../store/org-store.js';
import { seedOnlineRetail } from './online-retail.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { db: { type: 'string' }, 'as-of': { type: 'string' } } });
const file = positionals[0] ?? new URL('../../../../shared/data/online-retail.csv.gz', import.meta.url).pathname;
const store = openOrgStore({ schema: createSchema(), file: values.db });
let lastStage = '';
const report = await seedOnlineRetail(store, {
  file,
  asOf: values['as-of'],
  onProgress: (e) => {
    if (e.stage !== lastStage) process.stderr.write(`${new Date().toISOString()} ${e.stage}\n`);
    lastStage = e.stage;
  },
});
store.close();
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
