import { Flags } from '@salesforce/sf-plugins-core';
import { RecoCommand } from '../../../shared/reco-command.js';
import { Messages } from '@salesforce/core';
import type { Connection as JsforceConnection } from 'jsforce';
import { explainRecommendation, loadOrgDataset } from '@reco/sync-server';
import { resolveAccount } from '../../../shared/accounts.js';
import { defaultDataDir } from '../../../shared/data-dir.js';
import { resolveProduct } from '../../../shared/products.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@reco/plugin-reco', 'reco.recommend.explain');

export type RecoRecommendExplainResult = {
  account: { id: string; name: string };
  product: { id: string; name: string; code: string | null };
  kind: string;
  recommended: boolean;
  rank: number | null;
  score: number | null;
  reason: string | null;
  /** Raw score parts (model feature names), for admins; shown with --verbose. */
  parts: Record<string, number>;
  /** What pushed the score up most, in words a rep understands. */
  drivers: string[];
  removedBy: string | null;
  verdict: string;
};

export default class RecoRecommendExplain extends RecoCommand<RecoRecommendExplainResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    account: Flags.string({ char: 'a', summary: messages.getMessage('flags.account.summary'), required: true }),
    product: Flags.string({ char: 'p', summary: messages.getMessage('flags.product.summary'), required: true }),
    'data-dir': Flags.directory({ summary: messages.getMessage('flags.data-dir.summary') }),
    verbose: Flags.boolean({ summary: messages.getMessage('flags.verbose.summary') }),
  };

  public async run(): Promise<RecoRecommendExplainResult> {
    const { flags } = await this.parse(RecoRecommendExplain);
    const org = flags['target-org'];
    const conn = org.getConnection(flags['api-version']);
    const account = await resolveAccount(conn, flags.account);
    const product = await resolveProduct(conn, flags.product);

    this.spinner.start(messages.getMessage('progress.Loading'));
    const { dataset } = await loadOrgDataset(conn as unknown as JsforceConnection, flags['data-dir'] ?? defaultDataDir(org.getOrgId()));
    this.spinner.stop();
    if (!dataset.accounts.some((a) => a.id === account.Id)) throw messages.createError('error.NotModelled', [account.Name, 'account']);
    if (!dataset.products.some((p) => p.id === product.Id)) throw messages.createError('error.NotModelled', [product.Name, 'product']);

    const e = explainRecommendation(dataset, account.Id, product.Id);
    // A holdout account's shadow list is shown to the admin running explain; the verdict says reps never see it.
    const verdict = e.recommended && e.removedBy === 'holdout'
      ? messages.getMessage('verdict.HeldOut', [e.kind, e.recommended.rank])
      : e.recommended
      ? messages.getMessage('verdict.Recommended', [e.kind, e.recommended.rank])
      : e.removedBy
        ? messages.getMessage('verdict.Removed', [messages.getMessage(`rule.${e.removedBy}`)])
        : messages.getMessage('verdict.Outranked', [e.kind]);
    const result: RecoRecommendExplainResult = {
      account: { id: account.Id, name: account.Name },
      product: { id: product.Id, name: product.Name, code: product.ProductCode },
      kind: e.kind,
      recommended: e.recommended !== null,
      rank: e.recommended?.rank ?? null,
      score: e.recommended?.score ?? null,
      reason: e.recommended?.reason ?? null,
      parts: e.parts,
      drivers: drivers(e.parts),
      removedBy: e.removedBy,
      verdict,
    };
    const name = product.ProductCode ? `${product.Name} (${product.ProductCode})` : product.Name;
    this.styledHeader(messages.getMessage('info.Header', [name, account.Name]));
    this.log(verdict);
    if (result.score !== null) this.log(messages.getMessage('info.Chance', [chanceWords(result.score)]));
    if (result.reason) this.log(messages.getMessage('info.Reason', [result.reason]));
    if (result.drivers.length) this.log(messages.getMessage('info.Drivers', [result.drivers.join('; ')]));
    // Model feature names mean nothing to a rep: they are for an admin checking the model, on request.
    if (flags.verbose) {
      this.table({ title: messages.getMessage('title.Parts'), data: Object.entries(e.parts).map(([Part, Value]) => ({ Part, Value: Number(Value.toFixed(4)) })) });
    }
    return result;
  }
}

/** Parts that are totals or counts, not contributions: never a "driver". */
const NOT_DRIVERS = new Set(['total', 'score', 'rankerTotal', 'orders']);

/** Up to three parts that raised the score most, each in the words of its messages entry (part.<name>). */
export function drivers(parts: Record<string, number>): string[] {
  return Object.entries(parts)
    .map(([k, v]) => [k.replace(/^ranker\./, ''), v] as const)
    .filter(([k, v]) => !NOT_DRIVERS.has(k) && v > 1e-6 && messages.messages.has(`part.${k}`))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k]) => messages.getMessage(`part.${k}`));
}

function chanceWords(score: number): string {
  return score < 0.01 ? 'under 1%' : `about ${Math.round(score * 100)}%`;
}
