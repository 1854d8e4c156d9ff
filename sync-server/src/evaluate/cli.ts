// `npm run evaluate -- --csv PATH [--json]`: the offline protocol on a file in the Online Retail layout;
// `--mirror PATH` on a sync server's mirror (the org's own records and dates, as `sf reco evaluate` sees them).
import { parseArgs } from 'node:util';
import { evaluationInput, USAGE, type EvaluateArgs } from './inputs.js';
import { dayToIso } from '../recommend/purchase-log.js';
import { evaluate, type EvaluationReport } from './run-evaluation.js';
import { evaluateInsights } from './insights-eval.js';

function table(r: EvaluationReport & { segments: unknown; churn: unknown }): string {
  const cols = ['precision@10', 'recall@10', 'ndcg@10', 'hitRate@10', 'coverage@10', 'users'] as const;
  const lines: string[] = [];
  lines.push(`windows: train ${r.windows.trainFrom}.. | validation ${r.windows.validationFrom}.. | test ${r.windows.testFrom}..${r.windows.testTo}`);
  const titles = { crossSell: 'Cross-sell', buyAgain: 'Buy again (repeat purchases)', nextBest: 'Next best (every product bought)' };
  for (const list of ['crossSell', 'buyAgain', 'nextBest'] as const) {
    lines.push('', titles[list]);
    lines.push(['method'.padEnd(27), ...cols.map((c) => c.padStart(13))].join(''));
    const rows = { reco: r[list].reco, ...r[list].baselines };
    for (const [name, m] of Object.entries(rows)) {
      lines.push([name.padEnd(27), ...cols.map((c) => (c === 'users' ? String(m[c]) : m[c].toFixed(4)).padStart(13))].join(''));
    }
  }
  const variants = { reco: 'whole model', recoFirstStage: 'first stage, no learned part', recoWithoutRanker: 'ablation: no cross-sell ranker' } as const;
  const mix = Object.entries(variants).map(([k, what]) => {
    const m = r.nextBestMix[k as keyof typeof variants];
    return `${k} (${what}): merge ${m.merge}, re-orders ${m.buyAgainOrder}, ${m.crossSellSlots} of ${m.slots} slots cross-sell, in ${m.accountsWithCrossSell} accounts`;
  });
  lines.push('', `next-best lists: ${mix.join('; ')}`);
  lines.push(`buy-again ordering: ${r.tuning.buyAgain ? `${r.tuning.buyAgain.order} (${r.tuning.buyAgain.reason})` : 'not chosen'}`);
  lines.push(`next-best reliability (test window, ${r.reliability.accounts} accounts, max gap ${r.reliability.maxGap.toFixed(3)}, mean gap ${r.reliability.meanGap.toFixed(3)}): ${r.reliability.rows.map((x) => `${x.meanPredicted.toFixed(3)}/${x.observed.toFixed(3)}±${x.observedSe.toFixed(3)}`).join(' ')} (predicted/observed±SE per decile)`);
  lines.push(`segments: ${JSON.stringify(r.segments)}`, `churn: ${JSON.stringify(r.churn)}`);
  const { ranker, ...params } = (r.tuning.params as { cross: { ranker?: unknown } }).cross;
  lines.push(`tuned settings: ${JSON.stringify({ ...(r.tuning.params as object), cross: params })}`);
  const checks = (r.tuning.ranker?.crossCheck ?? []).map(
    (c) => `${dayToIso(c.from)}..${dayToIso(c.to)}: first stage ${c.firstStage.toFixed(4)}, ranker ${c.ranker.toFixed(4)} (${c.accounts} accounts)`,
  );
  lines.push(`cross-sell ranker: ${r.tuning.ranker ? `${r.tuning.ranker.reason}; NDCG@10 per window, ranker trained on the other: ${checks.join('; ')}` : 'not trained'}`);
  if (ranker) lines.push(`ranker weights: ${JSON.stringify(ranker)}`);
  lines.push(`timings (ms): ${JSON.stringify(r.timings)}`);
  return lines.join('\n');
}

/**
 * Why the split cannot measure anything, or null. With no training lines, or no account in the test window
 * that also bought before it, every metric is zero by construction: printed, they would read as a model that
 * never gets anything right (and the demo would chart them), so the run fails instead and says why.
 */
function splitProblem(r: EvaluationReport): string | null {
  const w = r.windows;
  const where = `train ${w.trainFrom}..${w.testFrom}, test ${w.testFrom}..${w.testTo}`;
  const advice = 'the evaluation needs purchases both before and in the last three months (at least about six months of history)';
  if (r.data.trainLines === 0) return `nothing to train on: every purchase (${w.trainFrom}..${w.testTo}) falls in the three-month test window that starts ${w.testFrom}; ${advice}`;
  if (r.data.testLines === 0) return `nothing to test on: no purchase lines in the test window (${where}); ${advice}`;
  if (r.crossSell.reco.users === 0 && r.buyAgain.reco.users === 0) {
    return `no account that bought in the test window had bought before it (${where}, ${r.data.trainLines} training and ${r.data.testLines} test lines); ${advice}`;
  }
  return null;
}

async function main(): Promise<void> {
  let values: EvaluateArgs;
  try {
    ({ values } = parseArgs({
      options: {
        csv: { type: 'string' },
        mirror: { type: 'string' },
        json: { type: 'boolean' },
        end: { type: 'string' },
        synthetic: { type: 'string' },
        staples: { type: 'string' },
        ease: { type: 'boolean' },
        sample: { type: 'string' },
        seed: { type: 'string' },
        once: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${USAGE}`);
  }
  const started = performance.now();
  const data = await evaluationInput(values);
  const loadMs = Math.round(performance.now() - started);
  const reco = evaluate(data, { withEase: values.ease });
  const degenerate = splitProblem(reco);
  if (degenerate) throw new Error(degenerate);
  const insights = evaluateInsights(data);
  const out = { ...reco, ...insights, timings: { load: loadMs, ...reco.timings, ...insights.timings } };
  process.stdout.write(values.json ? `${JSON.stringify(out)}\n` : `${table(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`evaluate: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
