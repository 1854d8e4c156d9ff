// `npm run bench:models`: the model step on Online Retail and on generated long-tail orgs (10k, 100k, 1M
// accounts; 20k products; 10 lines per account), with time, peak RSS and the popularity baseline's time.
// Run with NODE_OPTIONS=--max-old-space-size=7168 for the 1M size; BENCH_SIZES=10000,100000 to limit.
import { existsSync } from 'node:fs';
import { runModels } from '../src/models/run-models.js';
import { syntheticDataset } from '../src/models/synthetic.js';
import { retailDataset } from '../src/models/retail-dataset.js';
import { loadRetail } from '../src/evaluate/protocol.js';
import { indexDataset } from '../src/models/dataset-index.js';
import { buildUserItems } from '../src/recommend/purchase-log.js';
import { popularityCrossSell } from '../src/evaluate/baselines.js';
import type { Dataset } from '../src/domain/types.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const mb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

function bench(name: string, ds: Dataset, repeats: number): void {
  const times: number[] = [];
  let out: ReturnType<typeof runModels> | null = null;
  for (let r = 0; r < repeats; r++) {
    const s = performance.now();
    out = runModels(ds, { tune: 'fast' });
    times.push(performance.now() - s);
  }
  const s = performance.now();
  const ui = buildUserItems(indexDataset(ds).log);
  const pop = popularityCrossSell(ui);
  for (let u = 0; u < ui.nUsers; u++) pop(u, 10);
  const popMs = performance.now() - s;
  console.log(
    `${name.padEnd(16)} accounts=${ds.accounts.length} lines=${ds.lines.length} model step median ${(median(times) / 1000).toFixed(2)} s ` +
      `(runs: ${times.map((t) => (t / 1000).toFixed(2)).join(', ')}) | popularity baseline ${(popMs / 1000).toFixed(2)} s | ` +
      `peak RSS so far ${mb()} MB | recs=${out?.recommendations.length} | stages ${JSON.stringify((out?.metrics as { timings: unknown }).timings)}`,
  );
}

const file = '/work/shared/data/online-retail.csv.gz';
if (existsSync(file)) bench('online-retail', retailDataset(await loadRetail(file)), 3);
const sizes = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
for (const n of sizes) {
  const g = performance.now();
  const ds = syntheticDataset({ accounts: n, products: 20000, linesPerAccount: 10 });
  console.log(`generated ${n} accounts in ${((performance.now() - g) / 1000).toFixed(1)} s`);
  bench(`synthetic-${n}`, ds, n <= 10000 ? 3 : 1);
}
