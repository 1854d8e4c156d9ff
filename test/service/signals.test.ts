// SIGTERM and SIGINT stop the process gracefully: the active run is asked to checkpoint and the process exits
// 0 after it has, with the run recorded as aborted (so the next start resumes it).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { expect } from 'chai';
import { api } from './doubles.js';

const fixture = path.join(import.meta.dirname, 'signal-service.fixture.ts');

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  describe(`service process on ${signal}`, function () {
    this.timeout(30_000);

    it('lets the active run checkpoint, then exits 0', async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
      const lines: Array<Record<string, unknown>> = [];
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          const entry = JSON.parse(line) as Record<string, unknown>;
          lines.push(entry);
          if (typeof entry.url === 'string') resolve(entry.url);
        });
        child.once('exit', () => reject(new Error('the service exited before listening')));
      });
      const started = await api(url, '/runs', { method: 'POST', body: JSON.stringify({ kind: 'Full' }) });
      expect(started.status).to.equal(202);
      await new Promise((resolve) => setTimeout(resolve, 450)); // into the second stage
      child.kill(signal);
      expect(await exited).to.equal(0);
      expect(lines.find((l) => l.msg === 'signal received: stopping')).to.include({ signal });
      expect(lines.some((l) => l.msg === 'shutdown: asking the run to checkpoint')).to.equal(true);
      const final = lines.find((l) => l.final)?.final as Array<{ id: string; status: string; done: string[] }>;
      expect(final).to.have.length(1);
      expect(final[0]).to.include({ id: started.body.run.id, status: 'Aborted' });
      expect(final[0].done).to.include('extract').and.not.include('writeback');
    });
  });
}
