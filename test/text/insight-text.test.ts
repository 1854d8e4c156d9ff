import { expect } from 'chai';
import { DatabaseSync } from 'node:sqlite';
import { SqliteSql } from '../../sync-server/src/mirror/sqlite-sql.js';
import type { AccountInsight, ModelOutput } from '../../sync-server/src/domain/types.js';
import { attachTextSignals } from '../../sync-server/src/pipeline/text-signals.js';
import { rescoreChanged } from '../../sync-server/src/text/index.js';
import { insightPayload } from '../../sync-server/src/writeback/payloads.js';
import { RECO_OBJECTS } from '../../sync-server/src/writeback/reco-objects.js';

function insight(accountId: string): AccountInsight {
  return {
    accountId, segmentKey: null, previousSegmentKey: null, segmentChangedOn: null, lifecycleStage: 'Active', recencyDays: 3,
    frequency: 2, monetary: 10, averageOrderValue: 5, engagementScore: 1, churnRisk: 0.2, holdout: false, signals: {},
  } as AccountInsight;
}

describe('text: insight fields and write-back payload', () => {
  it('puts sentiment, negative cases and themes on the insight and into Account_Insight__c fields', async () => {
    const db = new SqliteSql(new DatabaseSync(':memory:'), ':memory:');
    const texts = ['My card has not arrived', 'Card still not arrived, terrible', 'The card never arrived', 'No card yet, it has not arrived', 'Card not arrived and no response'];
    await rescoreChanged(db, texts.map((t, i) => ({ id: `500${i}`, object: 'Case', accountId: '001A', date: `2024-06-2${i}T00:00:00Z`, systemModstamp: 's', parts: [t], isClosed: false })));
    const output = { asOf: '2024-07-01T00:00:00.000Z', insights: [insight('001A'), insight('001B')], recommendations: [], segments: [], metrics: {} } as unknown as ModelOutput;
    expect(await attachTextSignals(db, output)).to.include({ accounts: 1 });
    const a = output.insights[0].text!;
    expect(a.negativeCases30).to.equal(5);
    expect(a.sentimentScore).to.be.lessThan(-0.2);
    expect(a.topThemes).to.match(/arriv.* ×5$/);
    expect(output.insights[1].text).to.equal(null);
    const payload = insightPayload(output.insights[0], new Map());
    expect(payload).to.include({ Negative_Cases_30__c: 5, Negative_Cases_90__c: 5, Top_Themes__c: a.topThemes, Sentiment_Score__c: a.sentimentScore });
    expect(payload.Text_Excerpt__c).to.be.a('string');
    expect(insightPayload(output.insights[1], new Map())).to.include({ Sentiment_Score__c: null, Top_Themes__c: null, Text_Excerpt__c: null });
    const fields = RECO_OBJECTS.find((o) => o.name === 'Account_Insight__c')!.fields;
    for (const k of Object.keys(payload).filter((k) => k !== 'External_Id__c')) expect(fields, k).to.include(k);
    await db.close();
  });
});
