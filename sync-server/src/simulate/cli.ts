// npm run impact:simulate -- --effect E [--seed S | --seeds A..B] [--accounts N] [--weeks W] [--as-of D]
//   [--holdout-share H] [--window DAYS] [--data FILE] [--json]
// One seed prints its result (the JSON object is the last output with --json). A range of seeds prints one line
// per seed and then a summary of how often the 95% interval covered 0 and the injected lift.
import { parseArgs } from 'node:util';
import { DEFAULT_WINDOW_DAYS } from '../impact/index.js';
import { loadRetail } from '../evaluate/protocol.js';
import { simulate, type SimOptions, type SimResult } from './impact-sim.js';

const DATA = process.env.RECO_ONLINE_RETAIL ?? '/work/shared/data/online-retail.csv.gz';

function fail(message: string): never {
  process.stderr.write(`impact:simulate: ${message}\n`);
  process.exit(2);
}

function seedsOf(values: { seed?: string; seeds?: string }): number[] {
  if (values.seeds !== undefined) {
    const m = /^(\d+)\.\.(\d+)$/.exec(values.seeds);
    if (!m || Number(m[2]) < Number(m[1])) fail(`--seeds must look like 1..20, got "${values.seeds}"`);
    return Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_v, k) => Number(m[1]) + k);
  }
  return [Number(values.seed ?? 1)];
}

const pct = (v: number | null): string => (v === null ? 'n/a' : `${(v * 100).toFixed(2)}%`);

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        effect: { type: 'string' }, seed: { type: 'string' }, seeds: { type: 'string' }, accounts: { type: 'string', default: '400' },
        weeks: { type: 'string', default: '13' }, 'as-of': { type: 'string', default: '2011-08-01' }, 'holdout-share': { type: 'string', default: '0.5' },
        window: { type: 'string', default: String(DEFAULT_WINDOW_DAYS) }, data: { type: 'string', default: DATA }, json: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.effect === undefined) fail('--effect is required (the extra probability that a treated account buys a shown product, e.g. 0.05)');
  const base: Omit<SimOptions, 'seed'> = {
    effect: Number(values.effect),
    accounts: Number(values.accounts),
    weeks: Number(values.weeks),
    asOf: values['as-of'],
    holdoutShare: Number(values['holdout-share']),
    windowDays: Number(values.window),
  };
  const seeds = seedsOf(values);
  const data = await loadRetail(values.data).catch((err: Error) => fail(`cannot read ${values.data}: ${err.message}`));
  const results: SimResult[] = [];
  for (const seed of seeds) {
    let r: SimResult;
    try {
      r = await simulate(data, { ...base, seed });
    } catch (err) {
      fail((err as Error).message);
    }
    results.push(r);
    if (seeds.length > 1 || !values.json) {
      const ci = r.lift.ci95 ? `[${pct(r.lift.ci95[0])}, ${pct(r.lift.ci95[1])}]` : 'n/a';
      const line = { seed: r.seed, treated: r.treated.conversionRate, holdout: r.holdout.conversionRate, lift: r.lift.conversion, ci95: r.lift.ci95, trueLift: r.lift.trueLift, coversZero: r.coversZero, coversTrue: r.coversTrue, ms: r.ms };
      process.stdout.write(values.json ? `${JSON.stringify(line)}\n` : `seed ${r.seed}: treated ${pct(r.treated.conversionRate)} holdout ${pct(r.holdout.conversionRate)} lift ${pct(r.lift.conversion)} ci95 ${ci} true ${pct(r.lift.trueLift)} (${r.ms} ms)\n`);
    }
  }
  if (seeds.length === 1) {
    const r = results[0];
    if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    else process.stdout.write(`${r.verdict}\n`);
    return;
  }
  const summary = {
    effect: base.effect,
    seeds: seeds.length,
    ciCoversZero: results.filter((r) => r.coversZero).length,
    ciExcludesZero: results.filter((r) => !r.coversZero).length,
    ciCoversTrueLift: results.filter((r) => r.coversTrue).length,
    meanLift: results.reduce((s, r) => s + (r.lift.conversion ?? 0), 0) / results.length,
    meanTrueLift: results.reduce((s, r) => s + r.lift.trueLift, 0) / results.length,
    options: results[0].options,
  };
  process.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : `${JSON.stringify(summary, null, 1)}\n`);
}

await main();
