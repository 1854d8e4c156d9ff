import { expect } from 'chai';
import type { Recommendation } from '../../sync-server/src/domain/types.js';
import { openMirror } from '../../sync-server/src/mirror/db.js';
import { loadModelOutput, saveModelOutput } from '../../sync-server/src/mirror/results.js';
import { mergeNextBest } from '../../sync-server/src/models/lists.js';
import { runModels } from '../../sync-server/src/models/run-models.js';
import { syntheticDataset } from '../../sync-server/src/models/synthetic.js';
import { recommendationPayload } from '../../sync-server/src/writeback/payloads.js';

const rec = (kind: Recommendation['kind'], rank: number, score: number): Recommendation => ({
  accountId: 'A', productId: `${kind === 'Buy again' ? 'B' : 'X'}${rank}`, kind, rank, score, confidence: 'Low', reason: '', evidence: {}, expectedRevenue: null, opportunityId: null,
});
const order = (rs: Recommendation[]) => rs.map((r) => `${r.productId}:${r.nextBestRank}`);

describe('models: the one next-best list per account (Next_Best_Rank__c)', function () {
  this.timeout(120_000);

  it('interleaves by calibrated chance when the calibration chose it, each kind keeping its order, ties to the re-order', () => {
    const cross = [rec('Cross-sell', 1, 0.4), rec('Cross-sell', 2, 0.3), rec('Cross-sell', 3, 0.05)];
    const buy = [rec('Buy again', 1, 0.6), rec('Buy again', 2, 0.3), rec('Buy again', 3, 0.1)];
    expect(order(mergeNextBest(cross, buy, 'probability'))).to.deep.equal(['B1:1', 'X1:2', 'B2:3', 'X2:4', 'B3:5', 'X3:6']);
  });

  it('puts re-orders first when the calibration did not trust interleaving, or there is none', () => {
    for (const merge of ['buyAgainFirst', undefined] as const) {
      const cross = [rec('Cross-sell', 1, 0.9), rec('Cross-sell', 2, 0.8)];
      const buy = [rec('Buy again', 1, 0.1)];
      expect(order(mergeNextBest(cross, buy, merge))).to.deep.equal(['B1:1', 'X1:2', 'X2:3']);
    }
  });

  it('the model step ranks every shown list 1..n across both kinds; the mirror keeps it and the write-back sends it', async () => {
    const out = runModels(syntheticDataset({ accounts: 300, products: 100, linesPerAccount: 12, seed: 7 }), { seed: 1 });
    const byAccount = new Map<string, Recommendation[]>();
    for (const r of out.recommendations) byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), r]);
    let mixed = 0;
    for (const list of byAccount.values()) {
      const ranks = list.map((r) => r.nextBestRank).sort((a, b) => a! - b!);
      expect(ranks).to.deep.equal(list.map((_, k) => k + 1));
      // Within a kind, the merged order is the kind's own order.
      for (const kind of ['Cross-sell', 'Buy again'] as const) {
        const mine = list.filter((r) => r.kind === kind).sort((a, b) => a.nextBestRank! - b.nextBestRank!);
        expect(mine.map((r) => r.rank)).to.deep.equal(mine.map((_, k) => k + 1));
      }
      if (new Set(list.map((r) => r.kind)).size === 2) mixed++;
    }
    expect(mixed, 'accounts with both kinds in their list').to.be.greaterThan(50);

    const mirror = openMirror(':memory:');
    try {
      await saveModelOutput(mirror.sql, 'run-1', out);
      const back = (await loadModelOutput(mirror.sql))!;
      const key = (r: Recommendation) => `${r.accountId}/${r.productId}/${r.kind}`;
      const stored = new Map(back.recommendations.map((r) => [key(r), r.nextBestRank]));
      expect(out.recommendations.every((r) => stored.get(key(r)) === r.nextBestRank)).to.equal(true);
    } finally {
      mirror.close();
    }
    const first = out.recommendations[0];
    expect(recommendationPayload(first).Next_Best_Rank__c).to.equal(first.nextBestRank);
    expect(recommendationPayload({ ...first, nextBestRank: undefined }).Next_Best_Rank__c).to.equal(null);
  });
});
