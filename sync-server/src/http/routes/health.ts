import { Router } from 'express';
import type { OrgProbe, ResultsStore } from '../ports.js';

export function healthRouter(deps: { store: ResultsStore; orgProbe: OrgProbe; probeTimeoutMs?: number }): Router {
  const router = Router();
  router.get('/health', (_req, res) => { res.json({ status: 'ok' }); });
  router.get('/ready', async (_req, res) => {
    const org = await withTimeout(deps.orgProbe(), deps.probeTimeoutMs ?? 3000)
      .then(() => ({ ok: true, message: 'reachable' }), (error: unknown) => ({ ok: false, message: `unreachable: ${(error as Error).message ?? 'error'}` }));
    const fault = deps.store.fault?.() ?? null;
    const store = !deps.store.isOpen() ? { ok: false, message: 'closed' } : fault ? { ok: false, message: `failing: ${fault}` } : { ok: true, message: 'open' };
    const ready = org.ok && store.ok;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: { org, store } });
  });
  return router;
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<void>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(timer));
}
