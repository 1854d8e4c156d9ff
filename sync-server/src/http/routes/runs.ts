import { Router } from 'express';
import { AppError } from '../app-error.js';
import type { ResultsStore } from '../ports.js';
import type { RunCoordinator } from '../../schedule/run-coordinator.js';
import { buildOverview } from '../use-cases/overview.js';
import { getRun, listRuns, triggerRun } from '../use-cases/runs.js';
import { parseInput, runIdParam, runsQuery, triggerBody } from '../validation.js';

export function runsRouter(deps: { store: ResultsStore; coordinator: RunCoordinator }): Router {
  const router = Router();
  router.get('/runs', async (req, res) => {
    const { limit } = parseInput(runsQuery, req.query, 'query');
    res.json(await listRuns(deps.store, deps.coordinator, limit ?? 20));
  });
  // The dashboard's verdict: it needs the run history and the coordinator, so it lives beside the runs.
  router.get('/overview', async (_req, res) => {
    res.json(await buildOverview(deps.store, deps.coordinator.current));
  });
  router.get('/runs/:id', async (req, res) => {
    res.json(await getRun(deps.store, deps.coordinator, parseInput(runIdParam, req.params.id, 'id')));
  });
  router.post('/runs', async (req, res) => {
    // express.json skips other types, so `kind=Full` as text/plain would arrive as no body and start the
    // default Incremental: a body Reco cannot read is refused instead (req.is is null when there is no body).
    if (req.is('application/json') === false) {
      throw new AppError('unsupported_media_type', `POST /runs takes a JSON body such as {"kind":"Full"} sent as Content-Type: application/json, not ${req.headers['content-type'] ?? 'an untyped body'}`, 415);
    }
    const { kind } = parseInput(triggerBody, req.body ?? {}, 'body');
    const result = await triggerRun(deps.store, deps.coordinator, kind);
    if (result.run.id) res.location(`/runs/${encodeURIComponent(result.run.id)}`);
    res.status(202).json(result);
  });
  return router;
}
