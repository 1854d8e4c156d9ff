// `npm run evaluate:text -- --csv PATH [--text-column text] [--label-column label] [--group-column source] [--json]`
import { parseArgs } from 'node:util';
import { readLabelledCsv } from '../text/index.js';
import { evaluateText, type TextReport } from './text-eval.js';

const USAGE = 'usage: npm run evaluate:text -- --csv PATH [--text-column text] [--label-column label] [--group-column source] [--no-topics] [--json]';

function table(r: TextReport): string {
  const lines = [`rows: ${r.rows} (left out as calibration training rows: ${r.excludedTrainingRows}); labels: ${r.labels.kind}, ${r.labels.classes.length} classes (${r.labels.classes.slice(0, 6).join('/')}${r.labels.classes.length > 6 ? '/…' : ''})`];
  const block = (title: string, s: Record<string, { accuracy: number; macroF1: number }>) => {
    lines.push('', title, `${'method'.padEnd(10)}${'accuracy'.padStart(10)}${'macroF1'.padStart(10)}`);
    for (const [m, v] of Object.entries(s)) lines.push(`${m.padEnd(10)}${v.accuracy.toFixed(4).padStart(10)}${v.macroF1.toFixed(4).padStart(10)}`);
  };
  if (r.sentiment) block('Sentiment', r.sentiment);
  else lines.push('', `Sentiment: skipped (${r.sentimentSkipped})`);
  for (const [g, v] of Object.entries(r.bySource ?? {})) block(`Sentiment, ${g} (${v.rows} rows)`, v.sentiment);
  if (Object.keys(r.topics).length) {
    lines.push('', 'Themes (NMI with the labels)');
    for (const [m, v] of Object.entries(r.topics)) lines.push(`${m.padEnd(14)}${v.nmi.toFixed(4).padStart(8)}  (${v.themes} themes)`);
  }
  lines.push('', `timings (ms): ${JSON.stringify(r.timings)}`);
  return lines.join('\n');
}

function main(): void {
  let values: { csv?: string; json?: boolean; 'text-column'?: string; 'label-column'?: string; 'group-column'?: string; 'no-topics'?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        csv: { type: 'string' },
        json: { type: 'boolean' },
        'text-column': { type: 'string' },
        'label-column': { type: 'string' },
        'group-column': { type: 'string' },
        'no-topics': { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${USAGE}`);
  }
  if (!values.csv) throw new Error(`--csv is required\n${USAGE}`);
  const rows = readLabelledCsv(values.csv, values['text-column'] ?? 'text', values['label-column'] ?? 'label');
  const report = evaluateText(rows, { groupColumn: values['group-column'], withTopics: !values['no-topics'] });
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : `${table(report)}\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`evaluate:text: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
