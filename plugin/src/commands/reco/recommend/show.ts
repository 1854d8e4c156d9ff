import { Flags } from '@salesforce/sf-plugins-core';
import { RecoCommand } from '../../../shared/reco-command.js';
import { Messages } from '@salesforce/core';
import { resolveAccount } from '../../../shared/accounts.js';
import { queryReco } from '../../../shared/reco-query.js';
import { soqlString } from '../../../shared/soql.js';
import { shownConfidence } from '@reco/sync-server';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@reco/plugin-reco', 'reco.recommend.show');

export const KINDS = { 'cross-sell': 'Cross-sell', 'buy-again': 'Buy again' } as const;

export type RecommendationRow = {
  id: string;
  kind: string;
  rank: number | null;
  /** Place in the account's one next-best list (both kinds merged); null on records written before it existed. */
  nextBestRank: number | null;
  product: string | null;
  productCode: string | null;
  productId: string;
  score: number | null;
  confidence: string | null;
  expectedRevenue: number | null;
  status: string | null;
  reason: string | null;
};

export type RecoRecommendShowResult = { account: { id: string; name: string }; recommendations: RecommendationRow[] };

type RecRecord = {
  Id: string;
  Kind__c: string;
  Rank__c: number | null;
  Next_Best_Rank__c: number | null;
  Product__c: string;
  Product__r: { Name: string; ProductCode: string | null } | null;
  Score__c: number | null;
  Confidence__c: string | null;
  Expected_Revenue__c: number | null;
  Status__c: string | null;
  Reason__c: string | null;
};

export default class RecoRecommendShow extends RecoCommand<RecoRecommendShowResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    account: Flags.string({ char: 'a', summary: messages.getMessage('flags.account.summary'), required: true }),
    kind: Flags.option({ summary: messages.getMessage('flags.kind.summary'), options: ['cross-sell', 'buy-again'] as const })(),
    'include-closed': Flags.boolean({ summary: messages.getMessage('flags.include-closed.summary'), default: false }),
  };

  public async run(): Promise<RecoRecommendShowResult> {
    const { flags } = await this.parse(RecoRecommendShow);
    const conn = flags['target-org'].getConnection(flags['api-version']);
    const account = await resolveAccount(conn, flags.account);
    const filters = [`Account__c = ${soqlString(account.Id)}`];
    if (flags.kind) filters.push(`Kind__c = ${soqlString(KINDS[flags.kind])}`);
    // Expired and dismissed rows are history, not advice; admins ask for them explicitly.
    if (!flags['include-closed']) filters.push("Status__c IN ('New', 'Accepted')");
    const records = await queryReco<RecRecord>(
      conn,
      'SELECT Id, Kind__c, Rank__c, Next_Best_Rank__c, Product__c, Product__r.Name, Product__r.ProductCode, Score__c, Confidence__c, Expected_Revenue__c, Status__c, Reason__c ' +
        // The one next-best list first (what to act on first); rows from before it existed follow by kind and rank.
        `FROM Product_Recommendation__c WHERE ${filters.join(' AND ')} ORDER BY Next_Best_Rank__c ASC NULLS LAST, Kind__c, Rank__c ASC NULLS LAST`,
      'Product_Recommendation__c',
    );
    const recommendations = records.map((r) => ({
      id: r.Id,
      kind: r.Kind__c,
      rank: r.Rank__c,
      nextBestRank: r.Next_Best_Rank__c ?? null,
      product: r.Product__r?.Name ?? null,
      productCode: r.Product__r?.ProductCode ?? null,
      productId: r.Product__c,
      score: r.Score__c,
      // Never above what the score's chance supports, even on rows written before scores were calibrated.
      confidence: shownConfidence(r.Confidence__c, r.Score__c),
      expectedRevenue: r.Expected_Revenue__c,
      status: r.Status__c,
      reason: r.Reason__c,
    }));
    this.styledHeader(messages.getMessage('info.Header', [account.Name, account.Id]));
    if (recommendations.length === 0) this.log(messages.getMessage('info.NoRecommendations'));
    else
      this.table({
        data: recommendations.map((r) => ({
          'Next best': r.nextBestRank ?? '',
          Kind: r.kind,
          Rank: r.rank ?? '',
          Product: r.product ?? r.productId,
          Code: r.productCode ?? '',
          'Chance (3 months)': r.score === null ? '' : r.score < 0.01 ? '<1%' : `${Math.round(r.score * 100)}%`,
          Confidence: r.confidence ?? '',
          'Expected revenue': r.expectedRevenue === null ? '' : r.expectedRevenue.toFixed(2),
          Status: r.status ?? '',
          Reason: r.reason ?? '',
        })),
      });
    return { account: { id: account.Id, name: account.Name }, recommendations };
  }
}
