// `npm run test:chaos -- [--runs N] [--seed S] [--customers C] [--minutes M] [--keep-failed]`: the long fault
// campaign. Prints one line per run and the summary line last; exits 1 if any run failed a check or a secret
// was found. --minutes (or SIGINT / SIGTERM) stops it after the run in progress, still with its summary, so a
// time-boxed campaign reports exactly how many runs it made.
import { parseArgs } from 'node:util';
import { runCampaign, summaryLine } from './campaign.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    seed: { type: 'string' },
    customers: { type: 'string', default: '40' },
    minutes: { type: 'string' },
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
const deadline = values.minutes !== undefined ? Date.now() + int('minutes', values.minutes) * 60_000 : Infinity;
let signalled = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (signalled) process.exit(130); // a second signal: stop now
    signalled = true;
    console.log(`${sig}: stopping after the run in progress`);
  });
}
const report = await runCampaign({
  stop: () => signalled || Date.now() > deadline,
  runs: int('runs', values.runs),
  seed,
  customers: int('customers', values.customers),
  keepFailed: values['keep-failed'],
  log: (line) => console.log(line),
});
for (const f of report.secrets.slice(0, 20)) console.log(`SECRET: ${f.what} in ${f.source}, line ${f.line}`);
console.log(summaryLine(report));
console.log(`replay: npm run test:chaos -- --runs ${report.results.length} --seed ${seed} --customers ${report.customers}`);
if (report.results.length === 0) process.exit(1); // nothing was checked
process.exit(report.results.every((r) => r.ok) && report.secrets.length === 0 ? 0 : 1);
