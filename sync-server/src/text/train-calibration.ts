// `npm run train:text`: refits the sentiment calibration and rewrites sentiment-calibration.json.
// It fits on ONE source of the UCI file (amazon product reviews, the nearest to support text) and records a
// fingerprint of each training row, so `evaluate:text` leaves those rows out and every figure it prints is
// out-of-sample. It also prints leave-one-source-out figures for the docs.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cleanCrmText } from './clean.js';
import { FEATURE_NAMES, featureRow, fitLogistic, probability, type Calibration } from './calibration.js';
import { readLabelledCsv } from './dataset.js';
import { fingerprint } from './fingerprint.js';
import { evidence } from './rules.js';
import { tokenize } from './tokens.js';

const DEFAULT_CSV = new URL('../../../../shared/data/text/uci-sentiment-labelled-sentences.csv.gz', import.meta.url).pathname;
const OUT = new URL('./sentiment-calibration.json', import.meta.url).pathname;

function main(): void {
  const { values } = parseArgs({ options: { csv: { type: 'string' }, source: { type: 'string' }, check: { type: 'boolean' } } });
  const csv = values.csv ?? DEFAULT_CSV;
  const trainSource = values.source ?? 'amazon';
  const rows = readLabelledCsv(csv);
  const x = rows.map((r) => featureRow(evidence(tokenize(cleanCrmText(r.text).text))));
  const y = rows.map((r) => (r.label === '1' || r.label === 'positive' ? 1 : 0));
  const sources = [...new Set(rows.map((r) => r.extra.source ?? ''))];
  if (!sources.includes(trainSource)) throw new Error(`${csv}: no rows with source "${trainSource}" (sources: ${sources.join(', ')})`);
  const idx = (pred: (s: string) => boolean) => rows.map((r, i) => ({ r, i })).filter(({ r }) => pred(r.extra.source ?? '')).map(({ i }) => i);
  for (const s of sources) {
    const train = idx((q) => q !== s);
    const test = idx((q) => q === s);
    const cal = { weights: fitLogistic(train.map((i) => x[i]), train.map((i) => y[i])) } as Calibration;
    const acc = test.filter((i) => (probability(cal, x[i]) >= 0.5 ? 1 : 0) === y[i]).length / test.length;
    process.stdout.write(`leave-one-source-out: train on the others, test on ${s}: accuracy ${acc.toFixed(4)}\n`);
  }
  const train = idx((q) => q === trainSource);
  const calibration: Calibration = {
    features: FEATURE_NAMES,
    weights: fitLogistic(train.map((i) => x[i]), train.map((i) => y[i])),
    trainedOn: { source: `uci-sentiment-labelled-sentences source=${trainSource}`, rows: train.length, fingerprints: train.map((i) => fingerprint(rows[i].text)).sort() },
  };
  const json = `${JSON.stringify(calibration, null, 1)}\n`;
  writeFileSync(OUT, json);
  process.stdout.write(`wrote ${OUT}: weights ${JSON.stringify(Object.fromEntries(FEATURE_NAMES.map((f, j) => [f, calibration.weights[j]])))}\n`);
}

main();
