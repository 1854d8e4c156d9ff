import { Router } from 'express';
import type { ResultsStore } from '../ports.js';
import { getAccountInsight, getAccountRecommendationsJson } from '../use-cases/account-results.js';
import type { RecommendationCache } from '../use-cases/recommendation-cache.js';
import type { Projection } from '../use-cases/segment-projection.js';
import { searchAccounts } from '../use-cases/account-search.js';
import { accountIdParam, accountSearchQuery, parseInput, recommendationsQuery } from '../validation.js';

export function resultsRouter(deps: { store: ResultsStore; cache: RecommendationCache; projection: () => Promise<Projection> }): Router {
  const router = Router();
  router.get('/accounts', async (req, res) => {
    const { q, limit } = parseInput(accountSearchQuery, req.query, 'query');
    res.json(await searchAccounts(deps.store, deps.cache, q, limit ?? 10));
  });
  router.get('/accounts/:id/recommendations', (req, res) => {
    const accountId = parseInput(accountIdParam, req.params.id, 'id');
    res.type('application/json').send(getAccountRecommendationsJson(deps.cache, accountId, parseInput(recommendationsQuery, req.query, 'query')));
  });
  router.get('/accounts/:id/insight', async (req, res) => {
    res.json(await getAccountInsight(deps.store, parseInput(accountIdParam, req.params.id, 'id')));
  });
  router.get('/segments', async (_req, res) => { res.json({ segments: await deps.store.listSegments() }); });
  router.get('/segments/projection', async (_req, res) => { res.json(await deps.projection()); });
  router.get('/evaluation', (_req, res) => { res.json({ evaluation: deps.store.evaluation() }); });
  return router;
}
