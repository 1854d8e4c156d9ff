import { Flags } from '@salesforce/sf-plugins-core';
import { RecoCommand } from '../../../shared/reco-command.js';
import { Messages } from '@salesforce/core';
import { queryReco } from '../../../shared/reco-query.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@reco/plugin-reco', 'reco.segments.list');

export type SegmentRow = { key: string; name: string; accounts: number; description: string | null; active: boolean };
export type RecoSegmentsListResult = { segments: SegmentRow[] };

type SegmentRecord = { Name: string; Key__c: string; Account_Count__c: number | null; Description__c: string | null; Active__c: boolean };

export default class RecoSegmentsList extends RecoCommand<RecoSegmentsListResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    'include-retired': Flags.boolean({ summary: messages.getMessage('flags.include-retired.summary') }),
  };

  public async run(): Promise<RecoSegmentsListResult> {
    const { flags } = await this.parse(RecoSegmentsList);
    const conn = flags['target-org'].getConnection(flags['api-version']);
    // Segments a run no longer produces are kept (accounts' previous segment points at them) but retired.
    const where = flags['include-retired'] ? '' : ' WHERE Active__c = true';
    const records = await queryReco<SegmentRecord>(
      conn,
      `SELECT Name, Key__c, Account_Count__c, Description__c, Active__c FROM Customer_Segment__c${where} ORDER BY Account_Count__c DESC NULLS LAST`,
      'Customer_Segment__c',
    );
    const segments = records.map((r) => ({
      key: r.Key__c,
      name: r.Name,
      accounts: r.Account_Count__c ?? 0,
      description: r.Description__c,
      active: r.Active__c,
    }));
    if (segments.length === 0) this.log(messages.getMessage('info.NoSegments'));
    else {
      const status = (s: SegmentRow): string => messages.getMessage(s.active ? 'label.Active' : 'label.Retired');
      this.table({
        data: segments.map((s) => ({
          Segment: s.name,
          Accounts: s.accounts,
          Description: s.description ?? '',
          ...(flags['include-retired'] ? { Status: status(s) } : {}),
        })),
      });
    }
    return { segments };
  }
}
