import { Router } from 'express';
import type { ImpactSource } from '../ports.js';
import { getImpactReport } from '../use-cases/impact.js';
import { impactQuery, parseInput } from '../validation.js';

export function impactRouter(deps: { impact?: ImpactSource }): Router {
  const router = Router();
  router.get('/impact', async (req, res) => {
    const q = parseInput(impactQuery, req.query, 'query');
    // null when this service has no measurement store (test doubles, a store without the mirror).
    res.json({ impact: await getImpactReport(deps.impact, { since: q.since, windowDays: q.window, by: q.by }) });
  });
  return router;
}
