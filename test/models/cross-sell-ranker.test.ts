import { expect } from 'chai';
import { mulberry32 } from '../../sync-server/src/lib/random.js';
import { createLogBuilder } from '../../sync-server/src/evaluate/log-builder.js';
import { evaluate } from '../../sync-server/src/evaluate/run-evaluation.js';
import { endBefore } from '../../sync-server/src/evaluate/protocol.js';
import { tuneReco } from '../../sync-server/src/recommend/tune.js';
import { addMonths } from '../../sync-server/src/recommend/calendar.js';
import { dayToIso, sliceLog, type PurchaseLog } from '../../sync-server/src/recommend/purchase-log.js';
import { N_FEATURES, linearScore, trainRanker, type CandidateList } from '../../sync-server/src/recommend/rerank.js';
import { buildTextIndex, ProfileSimilarity } from '../../sync-server/src/recommend/text-similarity.js';
import { fitReco, DEFAULT_PARAMS, type RecoParams } from '../../sync-server/src/recommend/fit.js';
import { buildUserItems } from '../../sync-server/src/recommend/purchase-log.js';
import { retailDataset, type RetailData } from '../../sync-server/src/evaluate/retail-data.js';
import { explainRecommendation, runModels } from '../../sync-server/src/models/run-models.js';

/**
 * A seeded shop with taste clusters and a steady stream of launches: each family launches a product every
 * month, and new products sell fastest in their first months (what "adopted right now" means).
 */
function seededShop(seed = 11): RetailData {
  const rnd = mulberry32(seed);
  const families = 6;
  const launches = 20; // per family, one a month
  const start = Date.UTC(2010, 0, 1);
  const products = Array.from({ length: families * launches }, (_, p) => ({ family: p % families, launch: Math.floor(p / families) * 30 }));
  const b = createLogBuilder();
  let inv = 0;
  for (let c = 0; c < 400; c++) {
    const taste = c % families;
    const orders = 3 + Math.floor(rnd() * 6);
    for (let o = 0; o < orders; o++) {
      const day = Math.floor(rnd() * 600);
      inv++;
      for (let k = 0; k < 4; k++) {
        const fam = rnd() < 0.75 ? taste : Math.floor(rnd() * families);
        // Recently launched products of the family are the likeliest picks.
        const live = products.map((p, i) => ({ p, i })).filter(({ p }) => p.family === fam && p.launch <= day);
        if (live.length === 0) continue;
        const weights = live.map(({ p }) => Math.exp(-(day - p.launch) / 90));
        let x = rnd() * weights.reduce((a, v) => a + v, 0);
        let pick = live[live.length - 1].i;
        for (let t = 0; t < live.length; t++) if ((x -= weights[t]) <= 0) {
          pick = live[t].i;
          break;
        }
        b.add({
          account: `C${c}`,
          product: `P${pick}`,
          order: `I${inv}`,
          date: dayToIso(Math.floor(start / 86_400_000) + day),
          revenue: 2,
          country: taste < 3 ? 'UK' : 'FR',
          description: `${['MUG', 'CANDLE', 'BAG', 'CARD', 'LAMP', 'TIN'][products[pick].family]} DESIGN ${pick}`,
        });
      }
    }
  }
  return b.build({ read: 0, kept: 0, rejected: 0 });
}

function plantedLists(seed: number, n: number): CandidateList[] {
  const rnd = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const rows = 30;
    const x = new Float64Array(rows * N_FEATURES);
    const labels = new Uint8Array(rows);
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < N_FEATURES; k++) x[r * N_FEATURES + k] = rnd();
      // Feature 3 drives adoption, feature 8 a little; the rest is noise.
      labels[r] = rnd() < 1 / (1 + Math.exp(-(6 * x[r * N_FEATURES + 3] + 2 * x[r * N_FEATURES + 8] - 7))) ? 1 : 0;
    }
    return { items: Int32Array.from({ length: rows }, (_, r) => r), x, n: rows, labels };
  });
}

describe('models: cross-sell ranker', () => {
  it('learns planted weights deterministically and survives a JSON round trip', () => {
    const lists = plantedLists(3, 300);
    const a = trainRanker(lists)!;
    const b = trainRanker(plantedLists(3, 300))!;
    expect(a).to.deep.equal(b);
    expect(JSON.parse(JSON.stringify(a))).to.deep.equal(a);
    const w = a.weights;
    expect(w[3]).to.be.greaterThan(0.5);
    expect(w[3]).to.be.greaterThan(w[8]);
    expect(w[8]).to.be.greaterThan(0);
    for (const k of [0, 1, 2, 5, 10]) expect(Math.abs(w[k])).to.be.lessThan(w[3] / 3);
    // Ranking held-out lists by the model puts adopted candidates first far more often than chance.
    let hitsTop5 = 0;
    let positives = 0;
    for (const l of plantedLists(4, 100)) {
      const order = [...l.items].sort((i, j) => linearScore(a, l.x, j) - linearScore(a, l.x, i));
      hitsTop5 += order.slice(0, 5).filter((i) => l.labels![i]).length;
      positives += l.labels!.reduce((s, v) => s + v, 0);
    }
    expect(hitsTop5 / positives).to.be.greaterThan(2 * (5 / 30));
  });

  it('returns no model when too few accounts adopt a candidate', () => {
    expect(trainRanker(plantedLists(5, 10))).to.equal(null);
  });

  it('content similarity links products by description words and family', () => {
    const ix = buildTextIndex(['RED MUG', 'BLUE MUG', 'RED CANDLE', 'PAPER BAG', 'GIFT BAG'], ['Kitchen', 'Kitchen', 'Home', 'Home', 'Home']);
    const sim = new ProfileSimilarity(ix);
    sim.begin();
    sim.add(0, 1); // the account bought the red mug
    sim.finish();
    expect(sim.similarity(1)).to.be.greaterThan(sim.similarity(3)); // blue mug: same word and family
    expect(sim.similarity(2)).to.be.greaterThan(0); // red candle: shares "red"
    expect(sim.similarity(4)).to.equal(0);
  });

  it('lets an unsold product in by its description: the closest to what the account buys', () => {
    // Products 0-2 sold; 3-5 never sold. Account 0 buys candles, account 1 buys mugs.
    const names = ['VANILLA CANDLE', 'ROSE CANDLE', 'ENAMEL MUG', 'ENAMEL TEA MUG', 'LAVENDER CANDLE', 'PAPER NAPKINS'];
    const log: PurchaseLog = {
      nUsers: 3,
      nItems: 6,
      user: Int32Array.from([0, 0, 1, 2]),
      item: Int32Array.from([0, 1, 2, 0]),
      day: Int32Array.from([10, 12, 11, 9]),
      order: Int32Array.from([0, 1, 2, 3]),
      revenue: Float64Array.from([1, 1, 1, 1]),
    };
    const text = buildTextIndex(names, ['Home', 'Home', 'Home', 'Home', 'Home', 'Home']);
    const fit = fitReco(buildUserItems(log), 20, DEFAULT_PARAMS, undefined, undefined, text);
    expect(fit.cross.contentMatch(0, [3, 4, 5])).to.equal(4);
    expect(fit.cross.contentMatch(1, [5, 4, 3])).to.equal(3);
    expect(fit.cross.contentMatch(0, [3, 4, 5], (i) => i !== 4)).to.equal(3); // rules still apply
    expect(fit.cross.contentMatch(0, [4], () => false)).to.equal(-1);
  });

  const shop = seededShop();

  it('tuning never reads the test window and is deterministic', () => {
    const asOf = addMonths(shop.lastDay, -3);
    const train = sliceLog(shop.log, -Infinity, asOf);
    const text = buildTextIndex(shop.descriptions);
    const opts = { text, maxUsers: 300, passes: 1, similarity: false };
    const a = tuneReco(shop.log, asOf, opts);
    // Purchases on or after asOf are replaced by noise: nothing the tuner returns may change.
    const rnd = mulberry32(9);
    const noisy: PurchaseLog = { ...shop.log, item: shop.log.item.map((v, k) => (shop.log.day[k] >= asOf ? Math.floor(rnd() * shop.log.nItems) : v)) };
    const b = tuneReco(noisy, asOf, opts);
    const c = tuneReco(train, asOf, opts);
    expect(JSON.stringify(b)).to.equal(JSON.stringify(a));
    expect(JSON.stringify(c)).to.equal(JSON.stringify(a));
    expect(a.ranker?.crossCheck.every((w) => w.to <= asOf)).to.equal(true);
    expect(a.params.cross.ranker, a.ranker?.reason).to.not.equal(null);
  });

  it('stored settings reproduce the lists; a ranker stored with other features falls back to the first stage', () => {
    const asOf = addMonths(shop.lastDay, -3);
    const text = buildTextIndex(shop.descriptions);
    const tuned = tuneReco(shop.log, asOf, { text, maxUsers: 300, passes: 1, similarity: false });
    const ui = buildUserItems(sliceLog(shop.log, -Infinity, asOf));
    const lists = (params: typeof tuned.params): string => {
      const fit = fitReco(ui, asOf, params, undefined, undefined, text);
      return JSON.stringify(Array.from({ length: 60 }, (_, u) => fit.cross.recommend(u, 10, -1)));
    };
    const stored = JSON.parse(JSON.stringify(tuned.params)) as typeof tuned.params;
    expect(lists(stored)).to.equal(lists(tuned.params));
    const firstStage = lists({ ...tuned.params, cross: { ...tuned.params.cross, ranker: null } });
    expect(lists(tuned.params)).to.not.equal(firstStage);
    const old = structuredClone(tuned.params);
    old.cross.ranker = { ...old.cross.ranker!, features: old.cross.ranker!.features.slice(1), weights: old.cross.ranker!.weights.slice(1) };
    expect(lists(old)).to.equal(firstStage);
  });

  it('re-ranked lists keep truthful co-purchase evidence and probability scores', function () {
    this.timeout(30_000);
    const ds = retailDataset(shop);
    const out = runModels(ds, { tune: 'fast' });
    const tuning = (out.metrics as { tuning?: { params?: { cross?: { ranker?: unknown } } } }).tuning;
    expect(tuning?.params?.cross?.ranker).to.be.an('object').with.property('weights');
    const buyers = new Map<string, Set<string>>();
    for (const l of ds.lines) buyers.set(l.productId, (buyers.get(l.productId) ?? new Set()).add(l.accountId));
    const byName = new Map(ds.products.map((p) => [p.name, p.id]));
    const cross = out.recommendations.filter((r) => r.kind === 'Cross-sell');
    let checked = 0;
    for (const r of cross) {
      expect(r.score).to.be.within(0, 1);
      expect(buyers.get(r.productId)?.has(r.accountId) ?? false).to.equal(false); // never bought
      const ev = r.evidence as { kind: string; anchor?: string; accountsBuyingBoth?: number; accountsBuyingAnchor?: number };
      if (ev.kind !== 'co-purchase') continue;
      const anchorBuyers = buyers.get(byName.get(ev.anchor!)!)!;
      expect(anchorBuyers.has(r.accountId)).to.equal(true);
      expect(ev.accountsBuyingAnchor).to.equal(anchorBuyers.size);
      expect(ev.accountsBuyingBoth).to.equal([...anchorBuyers].filter((a) => buyers.get(r.productId)?.has(a)).length);
      checked++;
    }
    expect(checked).to.be.greaterThan(cross.length / 2);
  });

  it('explain gives the ranker\'s parts: shares that add up to its score, and the probability shown as the score', function () {
    this.timeout(60_000);
    const ds = retailDataset(shop);
    const out = runModels(ds, { tune: 'fast' });
    const params = (out.metrics as { tuning: { params: RecoParams } }).tuning.params;
    const rec = out.recommendations.find((r) => r.kind === 'Cross-sell' && (r.evidence as { kind: string }).kind === 'co-purchase')!;
    const e = explainRecommendation(ds, rec.accountId, rec.productId, { tune: 'off', params });
    expect(e.recommended?.rank).to.equal(rec.rank);
    const shares = Object.entries(e.parts).filter(([k]) => k.startsWith('ranker.'));
    expect(shares.map(([k]) => k)).to.deep.equal(params.cross.ranker!.features.map((f) => `ranker.${f}`));
    expect(shares.reduce((sum, [, v]) => sum + v, 0)).to.be.closeTo(e.parts.rankerTotal, 1e-9);
    expect(e.parts.score).to.be.closeTo(rec.score, 1e-4);
    expect(e.parts.rankerProbability).to.be.within(0, 1);
  });

  it('beats popularity and the first stage on a seeded shop with launches, on two splits', function () {
    this.timeout(60_000);
    for (const data of [shop, endBefore(shop, dayToIso(addMonths(shop.lastDay, -2)))]) {
      const r = evaluate(data);
      expect(r.tuning.ranker?.kept, r.tuning.ranker?.reason).to.equal(true);
      const reco = r.crossSell.reco['ndcg@10'];
      expect(reco).to.be.greaterThan(r.crossSell.baselines.popularity['ndcg@10']);
      expect(reco).to.be.greaterThan(r.crossSell.baselines.itemKnn['ndcg@10']);
      expect(reco).to.be.greaterThan(r.crossSell.baselines.recoFirstStage['ndcg@10']);
      expect(r.crossSell.reco['recall@10']).to.be.greaterThan(r.crossSell.baselines.popularity['recall@10']);
    }
  });
});
