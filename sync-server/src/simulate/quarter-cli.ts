// tsx sync-server/src/simulate/quarter-cli.ts --mirror PATH --out PATH [--weeks 13] [--holdout-share 0.1]
//   [--window 90] [--seed 42]
// Measures a replayed quarter (quarter-from-mirror.ts) from a sync server's mirror into a store of its own
// (`--out`, written whole or not at all), and prints what it measured as one JSON line. The demo runs it in a
// child process after the first sync, so serving the dashboard never waits on the models.
import { renameSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { cleanMirror } from '../clean/clean.js';
import { DEFAULT_WINDOW_DAYS, checkWindowDays } from '../impact/index.js';
import { openMirror } from '../mirror/db.js';
import { SqliteSql } from '../mirror/sqlite-sql.js';
import { DEFAULT_HOLDOUT_SHARE } from '../models/options.js';
import { runModels } from '../models/run-models.js';
import { measureQuarter } from './quarter-from-mirror.js';

function number(name: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new Error(`--${name} must be a number, got "${v}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    mirror: { type: 'string' }, out: { type: 'string' }, weeks: { type: 'string', default: '13' },
    'holdout-share': { type: 'string', default: String(DEFAULT_HOLDOUT_SHARE) }, window: { type: 'string', default: String(DEFAULT_WINDOW_DAYS) },
    seed: { type: 'string', default: '42' },
  }, strict: true });
  if (!values.mirror || !values.out) throw new Error('--mirror (the sync server\'s store) and --out (where to write the measurement) are required');
  const holdoutShare = number('holdout-share', values['holdout-share']);
  if (!(holdoutShare > 0 && holdoutShare < 1)) throw new Error(`--holdout-share must be strictly between 0 and 1, got ${holdoutShare}`);
  const mirror = openMirror(values.mirror, { setting: '--mirror' });
  let dataset;
  try {
    dataset = (await cleanMirror(mirror.sql)).dataset;
  } finally {
    mirror.close();
  }
  const partial = `${values.out}.partial`;
  rmSync(partial, { force: true });
  const out = new SqliteSql(new DatabaseSync(partial), partial);
  let result;
  try {
    result = await measureQuarter(dataset, out, {
      weeks: number('weeks', values.weeks),
      windowDays: checkWindowDays(number('window', values.window)),
      modelOptions: { holdoutShare, seed: number('seed', values.seed) },
      onWeek: (w, asOf, ms) => process.stderr.write(`  replayed week ${w + 1} (${asOf}) in ${(ms / 1000).toFixed(1)} s\n`),
    }, runModels);
  } finally {
    await out.close();
  }
  renameSync(partial, values.out);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`quarter: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
