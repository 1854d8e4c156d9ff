// The service runs the pipeline on a worker thread, and the model step starts its own worker threads on large
// orgs: those must start from inside a worker too (tsx's loader passed down when running from source).
import { expect } from 'chai';
import { startWorkerModule } from '../../sync-server/src/models/workers.js';

describe('sync: worker threads inside the pipeline thread', function () {
  this.timeout(120_000);

  it('starts a model worker from inside a worker thread', async () => {
    const outer = startWorkerModule(new URL('./nested-worker.fixture.ts', import.meta.url), {});
    try {
      const message = await new Promise<string>((resolve, reject) => {
        outer.once('message', (m: string) => resolve(m));
        outer.once('error', reject);
      });
      expect(message).to.equal('nested worker online');
    } finally {
      await outer.terminate();
    }
  });
});
