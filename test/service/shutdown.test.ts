// Graceful shutdown: the active run is asked to stop through its AbortSignal, checkpoints, and the next start
// resumes it from the checkpoint.
import { expect } from 'chai';
import { api, fakePipeline, MemoryStore, startTestService, waitFor } from './doubles.js';

describe('graceful shutdown', () => {
  it('lets a run checkpoint when the service stops mid-run, and resumes it on the next start', async () => {
    const store = new MemoryStore();
    const first = fakePipeline(store, 120);
    const service1 = await startTestService({ store, pipeline: first });
    const started = await api(service1.url, '/runs', { method: 'POST', body: JSON.stringify({ kind: 'Full' }) });
    const runId = started.body.run.id as string;
    await waitFor(() => store.getRun(runId)?.stages.find((s) => s.stage === 'clean')?.status === 'done', 3000, 'clean done');
    await service1.close();

    const interrupted = store.getRun(runId)!;
    expect(interrupted.status).to.equal('Aborted');
    const doneStages = interrupted.stages.filter((s) => s.status === 'done').map((s) => s.stage);
    expect(doneStages).to.include.members(['extract', 'clean']);
    expect(doneStages).not.to.include('writeback');
    expect(service1.lines.some((l) => l.msg === 'shutdown: asking the run to checkpoint')).to.equal(true);
    await expectRefused(service1.url);

    const second = fakePipeline(store, 10);
    const service2 = await startTestService({ store, pipeline: second });
    try {
      await waitFor(() => second.calls.length === 1 && service2.coordinator.current === null, 3000, 'resumed run');
      expect(second.calls[0]).to.deep.equal({ kind: 'Full', resumedFrom: doneStages });
      expect(store.runs.at(-1)!.status).to.equal('Succeeded');
      expect(service2.lines.find((l) => l.msg === 'resuming the interrupted run')).to.include({ runId, kind: 'Full', status: 'Aborted' });
    } finally {
      await service2.close();
    }
  });

  it('does not resume after a run that finished', async () => {
    const store = new MemoryStore();
    const pipeline = fakePipeline(store, 1);
    const service1 = await startTestService({ store, pipeline });
    await api(service1.url, '/runs', { method: 'POST', body: '{}' });
    await waitFor(() => service1.coordinator.current === null, 3000, 'run end');
    await service1.close();
    const service2 = await startTestService({ store, pipeline });
    await service2.close();
    expect(pipeline.calls.map((c) => c.kind)).to.deep.equal(['Incremental']);
  });

  it('refuses new runs while shutting down and gives up waiting after the grace period', async () => {
    const store = new MemoryStore();
    const stuck = { resolve: () => {} };
    const service = await startTestService({
      store, graceMs: 200,
      pipeline: (_kind, { onProgress }) => new Promise((resolve) => {
        onProgress({ runId: 'stuck-1', stage: 'extract', status: 'running' });
        stuck.resolve = () => resolve({ runId: 'stuck-1', status: 'Aborted' });
      }),
    });
    await api(service.url, '/runs', { method: 'POST', body: '{}' });
    const started = Date.now();
    const closing = service.close();
    expect(() => service.coordinator.trigger('Full', 'manual')).to.throw('shutting down');
    await closing;
    expect(Date.now() - started).to.be.within(150, 2000);
    expect(service.lines.some((l) => l.msg === 'shutdown: run did not stop in time')).to.equal(true);
    stuck.resolve();
  });
});

async function expectRefused(url: string): Promise<void> {
  let refused = false;
  try { await fetch(`${url}/health`); } catch { refused = true; }
  expect(refused, 'server stopped listening').to.equal(true);
}
