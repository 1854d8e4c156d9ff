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
};

const SYSTEM = ['Id', 'SystemModstamp', 'IsDeleted'];

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
  { name: 'Task', fields: [...SYSTEM, 'AccountId', 'WhatId', 'ActivityDate', 'TaskSubtype', 'Type', 'CreatedDate'] },
  { name: 'Event', fields: [...SYSTEM, 'AccountId', 'WhatId', 'ActivityDate', 'StartDateTime', 'EventSubtype', 'Type', 'CreatedDate'] },
  {
    name: 'Product_Recommendation__c',
    fields: [...SYSTEM, 'External_Id__c', 'Account__c', 'Product__c', 'Kind__c', 'Status__c', 'Dismiss_Reason__c'],
    // Reco itself only ever sets New or Expired; any other status is a rep's.
    othersEditsOnly: { stillRead: "Status__c NOT IN ('New', 'Expired')" },
  },
];

/** Fields orgs may lack without it being an error (multi-currency is an org setting). */
export const OPTIONAL_FIELDS = new Set(['CurrencyIsoCode', 'TaskSubtype', 'EventSubtype', 'PricebookEntry.CurrencyIsoCode']);
