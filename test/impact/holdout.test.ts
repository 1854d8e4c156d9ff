// The holdout: a stable, seeded share of accounts whose lists are computed and kept as shadow lists, and
// which no rep-facing surface ever returns.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_HOLDOUT_SHARE, holdoutDraw, isHoldout, resolveOptions } from '../../sync-server/src/models/options.js';
import { explainRecommendation, runModels } from '../../sync-server/src/models/run-models.js';
import { syntheticDataset } from '../../sync-server/src/models/synthetic.js';
import { openMirror, type SqliteMirror } from '../../sync-server/src/mirror/db.js';
import { saveModelOutput } from '../../sync-server/src/mirror/results.js';
import { mirrorResultsStore } from '../../sync-server/src/http/mirror-store.js';
import { RecommendationCache } from '../../sync-server/src/http/use-cases/recommendation-cache.js';
import { getAccountRecommendationsJson } from '../../sync-server/src/http/use-cases/account-results.js';
import type { Dataset, ModelOutput, Recommendation } from '../../sync-server/src/domain/types.js';

// Salesforce-like ids: a fixed prefix and a counter, the shape a weak hash handles worst.
const sfIds = (n: number): string[] => Array.from({ length: n }, (_v, k) => `001Hs00000${k.toString(36).toUpperCase().padStart(5, '0')}AAA`);

describe('impact: holdout assignment', () => {
  it('defaults to a 10% share', () => {
    expect(DEFAULT_HOLDOUT_SHARE).to.equal(0.1);
    expect(resolveOptions().holdoutShare).to.equal(0.1);
    expect(resolveOptions({ holdoutShare: 0 }).holdoutShare).to.equal(0);
  });

  it('is stable per account and seed, and uniform: close to the share on sequential ids', () => {
    const ids = sfIds(20_000);
    for (const id of ids.slice(0, 50)) expect(holdoutDraw(id, 42)).to.equal(holdoutDraw(id, 42));
    for (const share of [0.05, 0.1, 0.3]) {
      const held = ids.filter((id) => isHoldout(id, { holdoutShare: share, seed: 42 })).length / ids.length;
      // Binomial sd at 20,000 accounts is at most 0.0035: 4 sd.
      expect(Math.abs(held - share), `share ${share}`).to.be.below(0.014);
    }
    // Every tenth of [0, 1) gets its tenth: no clumping from the common id prefix.
    const deciles = new Array(10).fill(0);
    for (const id of ids) deciles[Math.floor(holdoutDraw(id, 7) * 10)]++;
    for (const d of deciles) expect(d).to.be.within(1_860, 2_140);
    // Another seed is another draw.
    const moved = ids.filter((id) => isHoldout(id, { holdoutShare: 0.1, seed: 1 }) !== isHoldout(id, { holdoutShare: 0.1, seed: 2 })).length;
    expect(moved).to.be.above(2_000);
  });

  it('moves as few accounts as possible when the share changes', () => {
    const ids = sfIds(10_000);
    const at = (share: number): Set<string> => new Set(ids.filter((id) => isHoldout(id, { holdoutShare: share, seed: 42 })));
    const ten = at(0.1);
    const fifteen = at(0.15);
    for (const id of ten) expect(fifteen.has(id), id).to.equal(true); // raising it moves nobody out
    const added = fifteen.size - ten.size;
    expect(added).to.be.within(350, 650); // about the 5% the share grew by, and no more
    const five = at(0.05);
    for (const id of five) expect(ten.has(id)).to.equal(true); // lowering it only releases accounts
  });
});

describe('impact: holdout accounts never reach a rep surface', function () {
  this.timeout(60_000);
  let ds: Dataset;
  let out: ModelOutput;
  let dir: string;
  let mirror: SqliteMirror;
  before(async () => {
    ds = syntheticDataset({ accounts: 300, products: 80, linesPerAccount: 10, seed: 11 });
    out = runModels(ds, { seed: 9, holdoutShare: 0.3, tune: 'off' });
    dir = mkdtempSync(join(tmpdir(), 'reco-holdout-'));
    mirror = openMirror(join(dir, 'mirror.db'));
    await saveModelOutput(mirror.sql, 'run-1', out);
  });
  after(() => {
    mirror.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const heldOut = (): string[] => out.insights.filter((i) => i.holdout).map((i) => i.accountId);

  it('marks the seeded share as holdout and keeps their lists only as shadow lists', () => {
    const held = heldOut();
    expect(held.length / out.insights.length).to.be.within(0.2, 0.4);
    for (const i of out.insights) expect(i.holdout).to.equal(isHoldout(i.accountId, { holdoutShare: 0.3, seed: 9 }));
    const shown = new Set(out.recommendations.map((r) => r.accountId));
    const shadow = new Set((out.shadow ?? []).map((r) => r.accountId));
    for (const id of held) expect(shown.has(id), id).to.equal(false);
    for (const id of shadow) expect(held).to.include(id);
    // Computed like any other list: most holdout accounts have one.
    expect(shadow.size).to.be.above(held.length * 0.8);
    expect(out.metrics.counts).to.deep.include({ shadow: out.shadow?.length });
  });

  it('the API returns an empty list for a holdout account and the list for a treated one', () => {
    const cache = new RecommendationCache();
    cache.refresh(mirrorResultsStore(mirror.db));
    const list = (id: string): Recommendation[] => (JSON.parse(getAccountRecommendationsJson(cache, id, {}).toString()) as { recommendations: Recommendation[] }).recommendations;
    for (const id of heldOut()) expect(list(id), id).to.deep.equal([]);
    const treated = out.recommendations[0].accountId;
    expect(list(treated).length).to.be.above(0);
  });

  it('streams shadow lists apart from shown ones', () => {
    const seen: Array<{ holdout: boolean; shown: number; shadow: number }> = [];
    runModels(ds, { seed: 9, holdoutShare: 0.3, tune: 'off' }, undefined, (i, recs, shadow) => seen.push({ holdout: i.holdout, shown: recs.length, shadow: shadow.length }));
    for (const s of seen) {
      if (s.holdout) expect(s.shown).to.equal(0);
      else expect(s.shadow).to.equal(0);
    }
    expect(seen.filter((s) => s.holdout).reduce((n, s) => n + s.shadow, 0)).to.equal(out.shadow?.length);
  });

  it('explain still shows an admin what the holdout account would have been shown', () => {
    const r = (out.shadow ?? [])[0];
    const e = explainRecommendation(ds, r.accountId, r.productId, { seed: 9, holdoutShare: 0.3, tune: 'off' });
    expect(e.removedBy).to.equal('holdout');
    expect(e.recommended?.rank).to.equal(r.rank);
  });
});
