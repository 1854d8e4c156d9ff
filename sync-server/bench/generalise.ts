// `npm run bench:generalise`: the offline protocol (`npm run evaluate`) on very different inputs in one command,
// one table: Online Retail at several cutoffs, small random samples of its accounts (a small B2B book), a
// generated basket-like org where few products are re-ordered, and a ratings-like log where nothing is bought
// twice. Nothing is tuned on any of them; each run tunes itself on its own training period, as in production.
// BENCH_INPUTS=name,name limits the inputs; BENCH_CSV overrides the Online Retail path; --json prints the rows.
import { endBefore, firstPurchasesOnly, loadRetail, sampleAccounts } from '../src/evaluate/protocol.js';
import type { RetailData } from '../src/evaluate/retail-data.js';
import { retailDataFromDataset } from '../src/evaluate/from-dataset.js';
import { syntheticDataset } from '../src/models/synthetic.js';
import { evaluate, type EvaluationReport, type ListReport } from '../src/evaluate/run-evaluation.js';

const CSV = process.env.BENCH_CSV ?? '/work/shared/data/online-retail.csv.gz';

type Input = { name: string; what: string; data: (retail: () => Promise<RetailData>) => Promise<RetailData> };

const INPUTS: Input[] = [
  { name: 'retail', what: 'Online Retail, standard split', data: (r) => r() },
  { name: 'retail-sep', what: 'Online Retail --end 2011-09-09', data: async (r) => endBefore(await r(), '2011-09-09') },
  { name: 'retail-jun', what: 'Online Retail --end 2011-06-09', data: async (r) => endBefore(await r(), '2011-06-09') },
  { name: 'sample-90', what: '90 random accounts of it', data: async (r) => sampleAccounts(await r(), 90, 1) },
  { name: 'sample-300', what: '300 random accounts of it', data: async (r) => sampleAccounts(await r(), 300, 1) },
  {
    name: 'grocery',
    what: 'generated baskets, few repeats (3,000 accounts, 20 lines, 5% staples)',
    data: async () => retailDataFromDataset(syntheticDataset({ accounts: 3000, products: 2000, linesPerAccount: 20, stapleShare: 0.05, seed: 11 })),
  },
  { name: 'ratings', what: 'Online Retail, first purchases only (nothing bought twice)', data: async (r) => firstPurchasesOnly(await r()) },
];

export type Row = {
  input: string;
  what: string;
  crossSell: { reco: number; popularity: number; firstStage: number; bestOther: string; users: number; coverage: number; firstStageCoverage: number };
  buyAgain: { reco: number; bestOwnHistory: number; bestOwnHistoryName: string; order: string; users: number };
  nextBest: { reco: number; popularity: number; ownHistory: number; firstStage: number; crossSellSlots: string; bestOther: string; users: number };
  reliabilityMaxGap: number;
  reliabilityMeanGap: number;
  ranker: string;
  checks: { atLeastPopularity: boolean; atLeastOwnHistory: boolean; coverageAtLeastHalf: boolean };
  seconds: number;
};

const nd = (l: ListReport, k: string): number => l.baselines[k]?.['ndcg@10'] ?? NaN;

function best(l: ListReport, exclude: string[] = []): string {
  let b = '';
  for (const [k, v] of Object.entries(l.baselines)) if (!exclude.includes(k) && (!b || v['ndcg@10'] > l.baselines[b]['ndcg@10'])) b = k;
  return b ? `${b} ${l.baselines[b]['ndcg@10'].toFixed(4)}` : '-';
}

export function row(input: Input, r: EvaluationReport, seconds: number): Row {
  const own = ['ownHistory', 'ownHistoryRecency', 'ownHistoryRecencyFrequency'].filter((k) => r.buyAgain.baselines[k]);
  const bestOwn = own.reduce((b, k) => (nd(r.buyAgain, k) > nd(r.buyAgain, b) ? k : b), own[0]);
  const cross = r.crossSell;
  const next = r.nextBest;
  // A list with no one to evaluate (no repeats at all) passes its check vacuously: reco and baselines are all 0.
  const eps = 1e-9;
  const ownHistoryOk =
    (r.buyAgain.reco.users === 0 || r.buyAgain.reco['ndcg@10'] + eps >= nd(r.buyAgain, bestOwn)) && next.reco['ndcg@10'] + eps >= nd(next, 'ownHistory');
  const popularityOk =
    next.reco['ndcg@10'] + eps >= nd(next, 'popularity') &&
    cross.reco['ndcg@10'] + eps >= nd(cross, 'popularity') &&
    (r.buyAgain.reco.users === 0 || r.buyAgain.reco['ndcg@10'] + eps >= nd(r.buyAgain, 'popularity'));
  return {
    input: input.name,
    what: input.what,
    crossSell: {
      reco: cross.reco['ndcg@10'],
      popularity: nd(cross, 'popularity'),
      firstStage: nd(cross, 'recoFirstStage'),
      bestOther: best(cross),
      users: cross.reco.users,
      coverage: cross.reco['coverage@10'],
      firstStageCoverage: cross.baselines.recoFirstStage['coverage@10'],
    },
    buyAgain: { reco: r.buyAgain.reco['ndcg@10'], bestOwnHistory: nd(r.buyAgain, bestOwn), bestOwnHistoryName: bestOwn, order: r.tuning.buyAgain?.order ?? '-', users: r.buyAgain.reco.users },
    nextBest: {
      reco: next.reco['ndcg@10'],
      popularity: nd(next, 'popularity'),
      ownHistory: nd(next, 'ownHistory'),
      firstStage: nd(next, 'recoFirstStage'),
      // The share of next-best slots given to cross-sell: where it is small, the cross-sell ranker cannot move the list.
      crossSellSlots: `${r.nextBestMix.reco.crossSellSlots}/${r.nextBestMix.reco.slots}`,
      bestOther: best(next),
      users: next.reco.users,
    },
    reliabilityMaxGap: r.reliability.maxGap,
    reliabilityMeanGap: r.reliability.meanGap,
    ranker: r.tuning.ranker ? (r.tuning.ranker.kept ? 'kept' : `dropped: ${r.tuning.ranker.reason}`) : 'not trained',
    checks: {
      atLeastPopularity: popularityOk,
      atLeastOwnHistory: ownHistoryOk,
      coverageAtLeastHalf: cross.reco['coverage@10'] >= 0.5 * cross.baselines.recoFirstStage['coverage@10'] - eps,
    },
    seconds,
  };
}

function table(rows: Row[]): string {
  const f = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : '-');
  const out = [
    '| input | next best: reco / popularity / own history / first stage (best other) [cross-sell slots] | buy-again (repeats): reco [ordering] / best own history | cross-sell: reco / popularity / first stage | coverage@10 reco / first stage | reliability max / mean gap | checks |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const ok = Object.entries(r.checks)
      .map(([k, v]) => `${v ? 'ok' : 'FAIL'} ${k}`)
      .join(', ');
    out.push(
      `| ${r.what} (${r.nextBest.users} / ${r.buyAgain.users} / ${r.crossSell.users} accounts) | ${f(r.nextBest.reco)} / ${f(r.nextBest.popularity)} / ${f(r.nextBest.ownHistory)} / ${f(r.nextBest.firstStage)} (${r.nextBest.bestOther}) [${r.nextBest.crossSellSlots}] | ${f(r.buyAgain.reco)} [${r.buyAgain.order}] / ${f(r.buyAgain.bestOwnHistory)} ${r.buyAgain.bestOwnHistoryName} | ${f(r.crossSell.reco)} / ${f(r.crossSell.popularity)} / ${f(r.crossSell.firstStage)} | ${f(r.crossSell.coverage)} / ${f(r.crossSell.firstStageCoverage)} | ${f(r.reliabilityMaxGap)} / ${f(r.reliabilityMeanGap)} | ${ok} |`,
    );
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const only = process.env.BENCH_INPUTS?.split(',').filter(Boolean);
  const unknown = only?.filter((n) => !INPUTS.some((i) => i.name === n)) ?? [];
  if (unknown.length) throw new Error(`BENCH_INPUTS: unknown input(s) ${unknown.join(', ')}; known: ${INPUTS.map((i) => i.name).join(', ')}`);
  let retail: Promise<RetailData> | null = null;
  const loadOnce = (): Promise<RetailData> => (retail ??= loadRetail(CSV));
  const rows: Row[] = [];
  for (const input of INPUTS.filter((i) => !only || only.includes(i.name))) {
    const started = performance.now();
    const data = await input.data(loadOnce);
    const r = evaluate(data);
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    rows.push(row(input, r, seconds));
    process.stderr.write(`${input.name}: done in ${seconds} s\n`);
  }
  process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(rows)}\n` : `${table(rows)}\n`);
  if (rows.some((r) => Object.values(r.checks).some((v) => !v))) process.exitCode = 2;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:generalise: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
