// The custom objects Reco writes, their external-id fields and the fields it sets. The org check verifies the
// running user can create and update exactly these.

export type RecoObject = { name: string; externalId: string; fields: string[]; createOnly?: string[] };

export const RECO_OBJECTS: RecoObject[] = [
  {
    name: 'Reco_Run__c',
    externalId: 'External_Id__c',
    fields: ['Kind__c', 'Status__c', 'Started_At__c', 'Finished_At__c', 'Records_Read__c', 'Records_Written__c', 'Records_Failed__c', 'Api_Calls__c', 'Summary__c', 'Error__c'],
  },
  { name: 'Customer_Segment__c', externalId: 'Key__c', fields: ['Name', 'Description__c', 'Account_Count__c', 'Profile__c', 'Active__c', 'Run__c'] },
  {
    name: 'Account_Insight__c',
    externalId: 'External_Id__c',
    fields: [
      'Segment__c', 'Previous_Segment__c', 'Segment_Changed_On__c', 'Lifecycle_Stage__c', 'Recency_Days__c', 'Frequency__c', 'Monetary__c',
      'Average_Order_Value__c', 'Engagement_Score__c', 'Churn_Risk__c', 'Holdout__c', 'Signals__c', 'Run__c',
      // text signals (text/org-signals.ts)
      'Sentiment_Score__c', 'Sentiment_Trend__c', 'Negative_Cases_30__c', 'Negative_Cases_90__c', 'Open_Case_Age_Days__c', 'Top_Themes__c', 'Text_Excerpt__c',
    ],
    // master-detail, not reparentable: set on create only
    createOnly: ['Account__c'],
  },
  {
    name: 'Product_Recommendation__c',
    externalId: 'External_Id__c',
    fields: ['Product__c', 'Kind__c', 'Rank__c', 'Next_Best_Rank__c', 'Score__c', 'Confidence__c', 'Reason__c', 'Evidence__c', 'Expected_Revenue__c', 'Opportunity__c', 'Status__c', 'Run__c'],
    createOnly: ['Account__c'],
  },
];
