// What Reco reads from the org: one entry per object, with the fields the clean stage needs. Kept apart from
// the extraction code so the org check can verify exactly these fields are readable.

export type SourceObject = {
  name: string;
  fields: string[];
  /** SOQL filter that always applies (e.g. only Reco's own recommendations); none for most objects. */
  where?: string;
  /**
   * Incremental reads skip records last changed by Reco's own user (deletions still come through): Reco
   * knows what it wrote, and only other users' edits (reps' Accept/Dismiss) are news. Records matching
   * `stillRead` are read whoever changed them last: a rep's decision made just before Reco rewrote the
   * record's scores is still news, and still visible in the record.
   */
  othersEditsOnly?: { stillRead?: string };
  /** Part of Reco's own metadata (read, never written, by Reco): missing means "deploy Reco", not "grant Read". */
  recoMetadata?: boolean;
  /**
   * Customer text: `parts` are scored as the page arrives (text/score-store.ts) and never reach the mirror,
   * which keeps only the other fields. `date` is when the text was written; the account comes from
   * `account`, else from the mirrored parent Case (`parent`), else from `related` when it is an Account id.
   * `inbound` names a checkbox that is false when the org wrote the text (an agent's reply): not scored.
   */
  text?: { parts: string[]; date: string; account?: string; parent?: string; related?: string; closed?: string; inbound?: string };
};

const SYSTEM = ['Id', 'SystemModstamp', 'IsDeleted'];

function serviceTextObjects(): SourceObject[] {
  return [
    {
      name: 'Case',
      fields: [...SYSTEM, 'AccountId', 'ContactId', 'Subject', 'Description', 'Status', 'Priority', 'Type', 'Reason', 'Origin', 'CreatedDate', 'ClosedDate', 'IsClosed'],
      text: { parts: ['Subject', 'Description'], date: 'CreatedDate', account: 'AccountId', closed: 'IsClosed' },
    },
    {
      name: 'CaseComment',
      fields: [...SYSTEM, 'ParentId', 'CommentBody', 'IsPublished', 'CreatedDate'],
      text: { parts: ['CommentBody'], date: 'CreatedDate', parent: 'ParentId' },
    },
    {
      // HtmlBody is not read: TextBody carries the same words without the markup, at a fraction of the size.
      name: 'EmailMessage',
      fields: [...SYSTEM, 'ParentId', 'RelatedToId', 'Subject', 'TextBody', 'Incoming', 'MessageDate', 'Status', 'CreatedDate'],
      text: { parts: ['Subject', 'TextBody'], date: 'MessageDate', parent: 'ParentId', related: 'RelatedToId', inbound: 'Incoming' },
    },
  ];
}

export const SOURCE_OBJECTS: SourceObject[] = [
  { name: 'Account', fields: [...SYSTEM, 'Name', 'BillingCountry', 'Industry', 'CreatedDate'] },
  { name: 'Product2', fields: [...SYSTEM, 'Name', 'ProductCode', 'Family', 'Description', 'IsActive'] },
  { name: 'PricebookEntry', fields: [...SYSTEM, 'Product2Id', 'Pricebook2Id', 'UnitPrice', 'IsActive', 'CurrencyIsoCode'] },
  {
    name: 'Opportunity',
    fields: [...SYSTEM, 'AccountId', 'Name', 'StageName', 'IsWon', 'IsClosed', 'CloseDate', 'Amount', 'CreatedDate', 'CurrencyIsoCode'],
  },
  {
    name: 'OpportunityLineItem',
    fields: [...SYSTEM, 'OpportunityId', 'Product2Id', 'PricebookEntryId', 'Quantity', 'UnitPrice', 'TotalPrice', 'CurrencyIsoCode', 'CreatedDate'],
  },
  {
    name: 'Task',
    fields: [...SYSTEM, 'AccountId', 'WhatId', 'ActivityDate', 'TaskSubtype', 'Type', 'CreatedDate', 'Subject', 'Description'],
    text: { parts: ['Subject', 'Description'], date: 'CreatedDate', account: 'AccountId' },
  },
  {
    name: 'Event',
    fields: [...SYSTEM, 'AccountId', 'WhatId', 'ActivityDate', 'StartDateTime', 'EventSubtype', 'Type', 'CreatedDate', 'Subject', 'Description'],
    text: { parts: ['Subject', 'Description'], date: 'CreatedDate', account: 'AccountId' },
  },
  {
    name: 'Product_Recommendation__c',
    fields: [...SYSTEM, 'External_Id__c', 'Account__c', 'Product__c', 'Kind__c', 'Status__c', 'Dismiss_Reason__c'],
    // Reco itself only ever sets New, Expired or Converted; any other status is a rep's. (Re-reading Reco's
    // own Converted rows would cost every Incremental a read that grows with every sale.)
    othersEditsOnly: { stillRead: "Status__c NOT IN ('New', 'Expired', 'Converted')" },
  },
  {
    // Reps' Accept/Dismiss, as records they create (Reco never writes these): the newest per recommendation
    // is the decision. The rep's comment is theirs, not Reco's to copy.
    name: 'Recommendation_Reaction__c',
    recoMetadata: true,
    fields: [...SYSTEM, 'CreatedDate', 'Recommendation__c', 'Account__c', 'Product__c', 'Reaction__c', 'Dismiss_Reason__c'],
  },
  // Service text, after Account (and Case before its comments and emails, whose account comes from the Case).
  ...serviceTextObjects(),
];

/** Fields orgs may lack without it being an error (multi-currency is an org setting). */
export const OPTIONAL_FIELDS = new Set(['CurrencyIsoCode', 'TaskSubtype', 'EventSubtype', 'PricebookEntry.CurrencyIsoCode']);
