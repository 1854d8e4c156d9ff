import { Flags } from '@salesforce/sf-plugins-core';
import { RecoCommand } from '../../shared/reco-command.js';
import { Messages } from '@salesforce/core';
import type { Connection as JsforceConnection } from 'jsforce';
import { evaluate, loadOrgDataset, retailDataFromDataset, type ListReport } from '@reco/sync-server';
import { defaultDataDir } from '../../shared/data-dir.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@reco/plugin-reco', 'reco.evaluate');

type Metrics = { 'precision@10': number; 'recall@10': number; 'ndcg@10': number; 'hitRate@10': number; 'coverage@10': number; users: number };

export type ListVerdict = { list: string; reco: Metrics; bestBaseline: string; baseline: Metrics; liftPercent: number | null; beatsBaselines: boolean };
export type RecoEvaluateResult = {
  windows: { trainFrom: string; validationFrom: string; testFrom: string; testTo: string };
  crossSell: ListVerdict;
  buyAgain: ListVerdict;
  verdict: string;
};

/** Below this many evaluated accounts a difference in NDCG is mostly noise; say so instead of declaring a winner. */
const MIN_USERS = 30;

/**
 * Reco's own variants (for example its first stage without re-ranking) sit beside the baselines in the report;
 * they are shown in the table, but the verdict compares Reco with the simple baselines only.
 */
const isSimpleBaseline = (name: string): boolean => !name.startsWith('reco');

function judge(list: string, r: ListReport): ListVerdict {
  const [bestBaseline, baseline] = Object.entries(r.baselines)
    .filter(([name]) => isSimpleBaseline(name))
    .sort((a, b) => b[1]['ndcg@10'] - a[1]['ndcg@10'])[0];
  const reco = r.reco as Metrics;
  const lift = baseline['ndcg@10'] > 0 ? Math.round((reco['ndcg@10'] / baseline['ndcg@10'] - 1) * 1000) / 10 : null;
  return { list, reco, bestBaseline, baseline: baseline as Metrics, liftPercent: lift, beatsBaselines: reco['ndcg@10'] > baseline['ndcg@10'] };
}

export default class RecoEvaluate extends RecoCommand<RecoEvaluateResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    'data-dir': Flags.directory({ summary: messages.getMessage('flags.data-dir.summary') }),
  };

  public async run(): Promise<RecoEvaluateResult> {
    const { flags } = await this.parse(RecoEvaluate);
    const org = flags['target-org'];
    const conn = org.getConnection(flags['api-version']);
    this.spinner.start(messages.getMessage('progress.Loading'));
    const { dataset } = await loadOrgDataset(conn as unknown as JsforceConnection, flags['data-dir'] ?? defaultDataDir(org.getOrgId()));
    this.spinner.status = messages.getMessage('progress.Evaluating');
    let report;
    try {
      report = evaluate(retailDataFromDataset(dataset));
    } catch (err) {
      this.spinner.stop('failed');
      throw messages.createError('error.CannotEvaluate', [(err as Error).message]);
    }
    this.spinner.stop();
    const crossSell = judge('cross-sell', report.crossSell);
    const buyAgain = judge('buy-again', report.buyAgain);
    const verdicts = [crossSell, buyAgain].map((v) =>
      v.reco.users < MIN_USERS
        ? messages.getMessage('verdict.TooFew', [v.list, v.reco.users, MIN_USERS])
        : v.beatsBaselines
          ? messages.getMessage('verdict.Better', [v.list, v.liftPercent ?? 0, v.bestBaseline])
          : messages.getMessage('verdict.Worse', [v.list, v.bestBaseline]),
    );
    this.log(messages.getMessage('info.Windows', [report.windows.trainFrom, report.windows.testFrom, report.windows.testTo]));
    for (const v of [crossSell, buyAgain]) {
      const rows = [{ Method: 'Reco', ...fmt(v.reco) }, ...Object.entries(v.list === 'cross-sell' ? report.crossSell.baselines : report.buyAgain.baselines).map(([name, m]) => ({ Method: name, ...fmt(m as Metrics) }))];
      this.table({ title: messages.getMessage('title.List', [v.list]), data: rows });
    }
    const verdict = verdicts.join('\n');
    this.log(verdict);
    return { windows: report.windows, crossSell, buyAgain, verdict };
  }
}

// sf tables capital-case every header ("NDCG@10" would print as "Ndcg 10"), so the cut-off is in the title.
function fmt(m: Metrics): Record<string, string | number> {
  return {
    NDCG: m['ndcg@10'].toFixed(3),
    Recall: m['recall@10'].toFixed(3),
    Precision: m['precision@10'].toFixed(3),
    'Hit rate': m['hitRate@10'].toFixed(3),
    Accounts: m.users,
  };
}
