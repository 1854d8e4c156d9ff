// What an evaluate run measures on, from its command-line arguments: the CSV or the generated org, cut,
// sampled or reduced to first purchases. Shared by `npm run evaluate` and the generalisation harness.
import { endBefore, firstPurchasesOnly, loadRetail, sampleAccounts } from './protocol.js';
import type { RetailData } from './retail-data.js';
import { retailDataFromDataset } from './from-dataset.js';
import { retailDataFromMirror } from './from-mirror.js';
import { syntheticDataset } from '../models/synthetic.js';

export const USAGE =
  'usage: npm run evaluate -- (--csv PATH | --mirror PATH | --synthetic ACCOUNTS [--staples SHARE]) [--end YYYY-MM-DD] [--sample ACCOUNTS [--seed N]] [--once] [--ease] [--json]';

export type EvaluateArgs = { csv?: string; mirror?: string; json?: boolean; end?: string; synthetic?: string; ease?: boolean; sample?: string; seed?: string; once?: boolean; staples?: string };

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`--${name} must be a positive whole number, got "${v}"\n${USAGE}`);
  return n;
}

/** The input an evaluate run measures on, from its arguments (shared with the generalisation harness). */
export async function evaluationInput(values: EvaluateArgs): Promise<RetailData> {
  if ([values.csv, values.mirror, values.synthetic].filter((v) => v !== undefined).length !== 1) throw new Error(`give one of --csv, --mirror or --synthetic\n${USAGE}`);
  const accounts = positiveInt('synthetic', values.synthetic);
  if (values.end !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.end)) throw new Error(`--end must be YYYY-MM-DD, got "${values.end}"\n${USAGE}`);
  const staples = values.staples === undefined ? undefined : Number(values.staples);
  if (staples !== undefined && !(staples >= 0 && staples <= 1)) throw new Error(`--staples must be a share between 0 and 1, got "${values.staples}"`);
  if (staples !== undefined && !values.synthetic) throw new Error('--staples applies only to --synthetic');
  // The generated org of the speed benchmark (seeded, 2,000 products, 10 lines per account): a check on data
  // with a long tail, staples and seasonal families that nothing was tuned on.
  let data: RetailData = values.csv
    ? await loadRetail(values.csv)
    : values.mirror
      ? await retailDataFromMirror(values.mirror)
      : retailDataFromDataset(syntheticDataset({ accounts: accounts!, products: 2000, linesPerAccount: 10, stapleShare: staples }));
  for (const warning of data.warnings ?? []) process.stderr.write(`evaluate: warning: ${warning}\n`);
  if (values.end) data = endBefore(data, values.end);
  const sample = positiveInt('sample', values.sample);
  if (sample !== undefined) data = sampleAccounts(data, sample, positiveInt('seed', values.seed) ?? 1);
  if (values.once) data = firstPurchasesOnly(data);
  return data;
}

