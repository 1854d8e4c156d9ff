// The cron schedule fires runs, never two at once, and an overlapping tick is skipped and logged.
import { expect } from 'chai';
import type { Pipeline } from '@reco/sync-server/schedule/ports.js';
import { fakePipeline, MemoryStore, startTestService, waitFor } from './doubles.js';

describe('run schedule', () => {
  it('fires on the cron expression and skips ticks while a run is in progress', async () => {
    const store = new MemoryStore();
    const inner = fakePipeline(store, 200); // 7 stages: a run lasts ~1.4 s, longer than the 1 s tick
    let running = 0;
    let maxConcurrent = 0;
    const pipeline: Pipeline = async (kind, options) => {
      running++;
      maxConcurrent = Math.max(maxConcurrent, running);
      try { return await inner(kind, options); } finally { running--; }
    };
    const service = await startTestService({ store, pipeline, schedule: { enabled: true, incremental: '* * * * * *', full: '0 0 1 1 *' } });
    try {
      await waitFor(() => store.runs.filter((r) => r.status === 'Succeeded').length >= 2, 6000, 'two scheduled runs');
      const skips = service.lines.filter((l) => l.msg === 'run skipped: another run is in progress');
      expect(maxConcurrent).to.equal(1);
      expect(inner.calls.every((c) => c.kind === 'Incremental')).to.equal(true);
      expect(skips.length).to.be.greaterThan(0);
      expect(skips[0]).to.include({ kind: 'Incremental', source: 'schedule', activeKind: 'Incremental' });
      const metrics = await service.metrics.registry.getSingleMetricAsString('reco_runs_skipped_total');
      expect(metrics).to.match(/reco_runs_skipped_total\{kind="Incremental",source="schedule"\} [1-9]/);
      expect(service.lines.filter((l) => l.msg === 'schedule registered').map((l) => l.expression)).to.deep.equal(['* * * * * *', '0 0 1 1 *']);
    } finally {
      await service.close();
    }
    const after = store.runs.length;
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(store.runs.length, 'no tick after close').to.equal(after);
  });

  it('logs a tick missed while the event loop was busy as a structured line', async () => {
    const store = new MemoryStore();
    const service = await startTestService({ store, pipeline: fakePipeline(store, 1), schedule: { enabled: true, incremental: '* * * * * *', full: '0 0 1 1 *' } });
    try {
      await waitFor(() => store.runs.length >= 1, 4000, 'a first scheduled run');
      const until = Date.now() + 2500;
      while (Date.now() < until) { /* hold the event loop past two ticks, as a long model step does */ }
      await waitFor(() => service.lines.some((l) => String(l.msg).startsWith('scheduled run missed')), 4000, 'a missed-tick line');
      const missed = service.lines.find((l) => String(l.msg).startsWith('scheduled run missed'));
      expect(missed).to.include({ kind: 'Incremental', level: 'warn' });
      expect(Number.isNaN(Date.parse(String(missed?.scheduledFor))), 'scheduledFor is a date').to.equal(false);
    } finally {
      await service.close();
    }
  });
});
