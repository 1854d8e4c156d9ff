import { Router } from 'express';
import { notFound } from '../app-error.js';
import type { ImpactSource } from '../ports.js';
import { getImpactReport } from '../use-cases/impact.js';
import { impactQuery, parseInput } from '../validation.js';

export function impactRouter(deps: { impact?: ImpactSource }): Router {
  const router = Router();
  router.get('/impact', (req, res) => {
    const q = parseInput(impactQuery, req.query, 'query');
    const report = getImpactReport(deps.impact, { since: q.since, windowDays: q.window, by: q.by });
    if (!report) throw notFound('This server does not measure impact (no mirror store)');
    res.json({ impact: report });
  });
  return router;
}
