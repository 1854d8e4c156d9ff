// `npm run test:chaos -- [--runs N] [--seed S] [--customers C] [--keep-failed]`: the long fault campaign.
// Prints one line per run and the summary line last; exits 1 if any run failed a check or a secret was found.
import { parseArgs } from 'node:util';
import { runCampaign, summaryLine } from './campaign.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    seed: { type: 'string' },
    customers: { type: 'string', default: '40' },
    'keep-failed': { type: 'boolean', default: false },
  },
});
const int = (name: string, text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, got "${text}"`);
    process.exit(2);
  }
  return n;
};
const seed = values.seed !== undefined ? int('seed', values.seed) : Math.floor(Math.random() * 1_000_000);
const report = await runCampaign({
  runs: int('runs', values.runs),
  seed,
  customers: int('customers', values.customers),
  keepFailed: values['keep-failed'],
  log: (line) => console.log(line),
});
for (const f of report.secrets.slice(0, 20)) console.log(`SECRET: ${f.what} in ${f.source}, line ${f.line}`);
console.log(summaryLine(report));
console.log(`replay: npm run test:chaos -- --runs ${report.results.length} --seed ${seed} --customers ${report.customers}`);
process.exit(report.results.every((r) => r.ok) && report.secrets.length === 0 ? 0 : 1);
