import { Flags } from '@salesforce/sf-plugins-core';
import { RecoCommand } from '../../../shared/reco-command.js';
import { Messages } from '@salesforce/core';
import { explainRecommendation } from '@reco/sync-server/models/run-models.js';
import { resolveAccount } from '../../../shared/accounts.js';
import { defaultDataDir } from '../../../shared/data-dir.js';
import { loadOrgDataset } from '../../../shared/org-dataset.js';
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
  parts: Record<string, number>;
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
  };

  public async run(): Promise<RecoRecommendExplainResult> {
    const { flags } = await this.parse(RecoRecommendExplain);
    const org = flags['target-org'];
    const conn = org.getConnection(flags['api-version']);
    const account = await resolveAccount(conn, flags.account);
    const product = await resolveProduct(conn, flags.product);

    this.spinner.start(messages.getMessage('progress.Loading'));
    const { dataset } = await loadOrgDataset(conn, flags['data-dir'] ?? defaultDataDir(org.getOrgId()));
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
      removedBy: e.removedBy,
      verdict,
    };
    this.styledHeader(messages.getMessage('info.Header', [product.Name, account.Name]));
    this.log(verdict);
    if (result.reason) this.log(messages.getMessage('info.Reason', [result.reason]));
    this.table({ title: messages.getMessage('title.Parts'), data: Object.entries(e.parts).map(([Part, Value]) => ({ Part, Value: Number(Value.toFixed(4)) })) });
    return result;
  }
}
