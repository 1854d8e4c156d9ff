import { expect } from 'chai';
import pg from 'pg';
import { runModels } from '../../sync-server/src/models/run-models.js';
import { syntheticDataset } from '../../sync-server/src/models/synthetic.js';
import type { ChildProcess } from 'node:child_process';
import { runModelsPartitioned, startWorkerProcess, type PartitionedOptions } from '../../sync-server/src/scale/coordinator.js';
import { lineDigest, OutputHash } from '../../sync-server/src/scale/output-hash.js';
import { BlobPacker, packBlob, unpackBlob } from '../../sync-server/src/scale/blob.js';
import { partitionInput } from '../../sync-server/src/scale/artifacts.js';
import { prepare } from '../../sync-server/src/models/context.js';
import { decodeOutput, OutputWriter } from '../../sync-server/src/scale/output-codec.js';
import { compressFrame, isFrame, storedBytes } from '../../sync-server/src/scale/frame.js';
import { runWorker } from '../../sync-server/src/scale/worker.js';
import type { Dataset, ModelOutput } from '../../sync-server/src/domain/types.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

/** A generated org with every per-account input the partitions must carry: rules, open lines, texts, a cold account. */
function dataset(accounts = 1200): Dataset {
  const ds = syntheticDataset({ accounts, products: 150, linesPerAccount: 10, seed: 9 });
  ds.products[1].isActive = false;
  ds.products.push({ id: 'PNEW', code: 'NEW1', name: 'New product', family: ds.products[0].family, description: null, isActive: true, listPrice: 9 });
  ds.accounts.push({ id: 'ACOLD', name: 'Cold start', country: 'C1', industry: null, createdDate: '2025-12-20T00:00:00.000Z' });
  // Blocks on accounts in different partitions (open opportunity, dismissal), so each must reach its own one.
  for (const a of [0, 437, 901]) {
    ds.opportunities.push({ id: `OOPEN${a}`, accountId: `A${a}`, name: 'open', stageName: 'Prospecting', isWon: false, isClosed: false, closeDate: '2026-02-01', amount: 500, createdDate: '2025-12-01T00:00:00.000Z' });
    ds.lines.push({ id: `LOPEN${a}`, opportunityId: `OOPEN${a}`, accountId: `A${a}`, productId: 'P5', quantity: 1, unitPrice: 5, totalPrice: 5, closeDate: '2026-02-01', isWon: false, isClosed: false });
    ds.feedback.push({ recommendationId: `R${a}`, externalId: `A${a}:P0:Cross-sell`, accountId: `A${a}`, productId: 'P0', kind: 'Cross-sell', status: 'Dismissed', dismissReason: null });
    ds.activities.push({ id: `T${a}`, accountId: `A${a}`, kind: 'call', date: '2025-12-28', source: 'Task' });
  }
  // Customer texts, so the churn model carries per-account text features.
  ds.texts = Array.from({ length: 600 }, (_, k) => ({ accountId: `A${(k * 7) % accounts}`, date: `2025-${String(1 + (k % 12)).padStart(2, '0')}-15T00:00:00.000Z`, score: ((k % 9) - 4) / 4, negativeCase: k % 5 === 0 }));
  return ds;
}

const options = { seed: 5, holdoutShare: 0.2, tune: 'fast' as const };
const previous = { insights: new Map([['A3', { segmentKey: 'gone', segmentChangedOn: '2025-01-01' }], ['A1000', { segmentKey: 'x', segmentChangedOn: '2025-06-01', previousSegmentKey: 'y' }]]) };

function oneProcessHash(out: ModelOutput): string {
  const h = new OutputHash();
  const sink = h.sink();
  const byAccount = new Map<string, { recs: typeof out.recommendations; shadow: typeof out.recommendations }>();
  for (const i of out.insights) byAccount.set(i.accountId, { recs: [], shadow: [] });
  for (const r of out.recommendations) byAccount.get(r.accountId)!.recs.push(r);
  for (const r of out.shadow ?? []) byAccount.get(r.accountId)!.shadow.push(r);
  for (const i of out.insights) sink(i, byAccount.get(i.accountId)!.recs, byAccount.get(i.accountId)!.shadow);
  return h.hex();
}

async function counts(url: string, runId: string): Promise<{ results: number; distinct: number; attempts: Map<number, number>; workers: Map<number, string> }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ n: string; d: string }>('SELECT count(*) AS n, count(DISTINCT idx) AS d FROM reco_part_results WHERE run_id = $1', [runId]);
    const p = await c.query<{ idx: number; attempts: number }>('SELECT idx, attempts FROM reco_part_partitions WHERE run_id = $1', [runId]);
    const w = await c.query<{ idx: number; worker: string }>('SELECT idx, worker FROM reco_part_results WHERE run_id = $1', [runId]);
    return { results: Number(r.rows[0].n), distinct: Number(r.rows[0].d), attempts: new Map(p.rows.map((x) => [x.idx, x.attempts])), workers: new Map(w.rows.map((x) => [x.idx, x.worker])) };
  } finally {
    await c.end();
  }
}

describe('scale: blob codec', () => {
  it('round-trips typed arrays, maps, sets and the numbers JSON cannot hold', () => {
    const value = { a: Int32Array.from([1, -2, 3]), f: Float64Array.from([NaN, Infinity, -0, 1.5]), m: new Map([['x', [1, 2]]]), s: new Set([3, 4]), n: [NaN, -Infinity, null], u: undefined, t: 'text', nested: { b: Uint8Array.from([7]), f32: Float32Array.from([0.25]) } };
    const back = unpackBlob<typeof value>(packBlob(value));
    expect(back).to.deep.equal(value);
    expect(Object.is(back.f[2], -0)).to.equal(true);
    expect(back.a).to.be.instanceOf(Int32Array);
  });

  it('packs into its kept buffer the bytes packBlob makes, whatever it packed before (padding included)', () => {
    const packer = new BlobPacker();
    const big = { a: Float64Array.from({ length: 999 }, (_, k) => k + 0.5), s: 'x'.repeat(301) };
    const small = { a: Int8Array.from([1, 2, 3]), b: Int16Array.from([-1]), s: 'ab' };
    expect(Buffer.compare(packer.pack(big), packBlob(big))).to.equal(0);
    // After a bigger blob, the reused bytes hold stale data where the small one pads: it must not show through.
    const again = packer.pack(small);
    expect(Buffer.compare(again, packBlob(small))).to.equal(0);
    expect(unpackBlob(again)).to.deep.equal(small);
  });

  it('keeps plain records as they are, and a key named __proto__ as a key (never the prototype)', () => {
    const records = Array.from({ length: 3 }, (_, k) => ({ id: `A${k}`, name: k === 1 ? null : `Account ${k}`, open: k === 2, score: k / 2 }));
    expect(unpackBlob(packBlob({ records }))).to.deep.equal({ records });
    const odd: Record<string, unknown> = { before: 1 };
    Object.defineProperty(odd, '__proto__', { value: Int32Array.from([7]), enumerable: true, writable: true, configurable: true });
    const back = unpackBlob<Record<string, unknown>>(packBlob({ odd, alsoOdd: JSON.parse('{"__proto__": {"x": 1}}') as unknown }));
    const o = back.odd as Record<string, unknown>;
    expect(Object.getPrototypeOf(o)).to.equal(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(o, '__proto__')?.value).to.deep.equal(Int32Array.from([7]));
    expect(Object.getPrototypeOf(back.alsoOdd)).to.equal(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back.alsoOdd, '__proto__')?.value).to.deep.equal({ x: 1 });
  });

  it('names what it cannot store, and rejects bytes that are not a blob', () => {
    expect(() => packBlob({ x: { y: new Date(0) } })).to.throw(/\$\.x\.y is a Date/);
    expect(() => unpackBlob(Buffer.from('not a blob at all'), 'partition 4 input')).to.throw(/partition 4 input: not a packed blob/);
  });
});

describe('scale: partition inputs', () => {
  it('packs the same bytes from views of the org as from copies, for every partition, texts and blocks included', () => {
    const ctx = prepare(dataset(), options);
    const n = ctx.ds.accounts.length;
    // Whether the churn model keeps the texts depends on their validation gain: set the columns so they are cut.
    const column = (k: number): Float64Array => Float64Array.from({ length: n }, (_, u) => (u * k) % 7);
    expect(ctx.churn.model).to.not.equal(null);
    ctx.churn.model!.textNow = { negativeCases90: column(1), sentiment90: column(3), texts90: column(5) };
    const packer = new BlobPacker();
    let blocked = 0;
    for (let first = 0; first < n; first += 400) {
      const end = Math.min(n, first + 400);
      const copy = partitionInput(ctx, first, end, previous);
      blocked += copy.blocks.openOpportunity.size + copy.blocks.dismissed.size;
      expect(copy.textNow?.sentiment90[0]).to.equal((first * 3) % 7);
      expect(Buffer.compare(packer.pack(partitionInput(ctx, first, end, previous, 'view')), packBlob(copy)), `accounts ${first}..${end - 1}`).to.equal(0);
    }
    expect(blocked).to.be.above(0);
  });
});

describe('scale: stored frames', () => {
  it('reads a frame back, passes bytes stored before frames through, and names a damaged frame', () => {
    const blob = packBlob({ a: Int32Array.from([1, 2, 3]), name: 'partition 5' });
    const frame = compressFrame(blob);
    expect(isFrame(frame)).to.equal(true);
    expect(unpackBlob(storedBytes(frame, 'partition 5 input'))).to.deep.equal({ a: Int32Array.from([1, 2, 3]), name: 'partition 5' });
    expect(storedBytes(blob, 'partition 5 input')).to.equal(blob);
    const damaged = Buffer.from(frame);
    damaged.fill(0, 6, damaged.length);
    expect(() => storedBytes(damaged, 'run r: partition 5 input')).to.throw(/run r: partition 5 input: the stored bytes are a damaged zstd frame/);
  });
});

describe('scale: output codec', () => {
  it('round-trips the lines in a compressed frame, reads a raw result as it is, and names a damaged frame', () => {
    const lines = Array.from({ length: 200 }, (_, k) => JSON.stringify([{ accountId: `A${k}`, note: 'é ✓' }, [], []]));
    const writer = new OutputWriter();
    for (const line of lines) writer.add(line);
    const frame = writer.finish();
    expect(frame.length).to.be.below(Buffer.byteLength(lines.join('\n')) / 5);
    expect(decodeOutput(frame, 'partition 1')).to.equal(lines.join('\n'));
    expect(decodeOutput(Buffer.from(lines.join('\n')), 'partition 1')).to.equal(lines.join('\n'));
    const damaged = Buffer.from(frame);
    damaged.fill(0, 8, 40);
    expect(() => decodeOutput(damaged, 'run r: partition 7')).to.throw(/run r: partition 7: output: the stored bytes are a damaged zstd frame/);
  });

  it('gives each line the digest the one-process hash takes of it, whatever its characters, and grows past its first guess, and is reused', () => {
    const lines = ['[{"accountId":"A1"},[],[]]', JSON.stringify([{ name: 'Café ✓ 𝄞 \u2028' }, [], []]), 'x'.repeat(5000), ''];
    const w = new OutputWriter(16);
    const digests = lines.map((l) => w.add(l));
    expect(digests.map((d) => d.toString('hex'))).to.deep.equal(lines.map((l) => lineDigest(l).toString('hex')));
    expect(decodeOutput(w.finish(), 'partition 2')).to.equal(lines.join('\n'));
    w.add('again');
    expect(decodeOutput(w.finish(), 'partition 3')).to.equal('again');
    w.add('half of a partition whose claim was lost');
    w.reset();
    w.add('next');
    expect(decodeOutput(w.finish(), 'partition 4')).to.equal('next');
  });
});

describe('scale: the model step as partitions claimed by worker processes', function () {
  this.timeout(240_000);
  let db: TestDatabase;
  let ds: Dataset;
  let one: ModelOutput;
  let oneHash: string;
  before(async () => {
    db = await createTestDatabase();
    ds = dataset();
    one = runModels(ds, options, previous);
    oneHash = oneProcessHash(one);
  });
  after(async () => {
    await db?.drop();
  });
  const run = (p: Partial<PartitionedOptions>, sink?: Parameters<typeof runModelsPartitioned>[3]): ReturnType<typeof runModelsPartitioned> =>
    runModelsPartitioned(ds, options, previous, sink, { url: db.url, workers: 2, partitionAccounts: 150, threads: 0, ...p });

  it('gives exactly the one-process output: same records, insights and shadow lists, and the same hash', async () => {
    const out = await run({});
    expect(one.recommendations.length).to.be.greaterThan(5000);
    expect(one.insights.filter((i) => i.holdout).length).to.be.greaterThan(100);
    expect(one.insights.filter((i) => i.signals.churnReason).length + one.insights.filter((i) => i.previousSegmentKey).length).to.be.greaterThan(0);
    expect(out.output.insights).to.deep.equal(one.insights);
    expect(out.output.recommendations).to.deep.equal(one.recommendations);
    expect(out.output.shadow).to.deep.equal(one.shadow);
    expect(out.hash).to.equal(oneHash);
    expect(out.output.metrics.counts).to.deep.equal(one.metrics.counts);
    const c = await counts(db.url, out.runId);
    expect(c.results).to.equal(Math.ceil(ds.accounts.length / 150));
    expect(out.workers.map((w) => w.partitions).reduce((a, b) => a + b)).to.equal(c.results);
    expect(out.workers).to.have.length(2);
    for (const w of out.workers) expect(w.peakRssMb).to.be.greaterThan(0);
  });

  it('streams the records to a sink in account order, the hash does not depend on the partition size, old runs are pruned', async () => {
    const streamed: string[] = [];
    const out = await run({ partitionAccounts: 97, workers: 1, keepRuns: 1 }, (insight, recs) => streamed.push(insight.accountId, ...recs.map((r) => r.productId)));
    expect(out.hash).to.equal(oneHash);
    // keepRuns: 1 deleted the first test's run with its inputs and results; this one's are all there.
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const runs = await c.query<{ run_id: string }>('SELECT run_id FROM reco_part_runs');
      expect(runs.rows.map((r) => r.run_id)).to.deep.equal([out.runId]);
      const left = await c.query<{ n: string }>('SELECT count(*) AS n FROM reco_part_results WHERE run_id <> $1', [out.runId]);
      expect(Number(left.rows[0].n)).to.equal(0);
    } finally {
      await c.end();
    }
    expect((await counts(db.url, out.runId)).results).to.equal(Math.ceil(ds.accounts.length / 97));
    expect(streamed).to.deep.equal(one.insights.flatMap((i) => [i.accountId, ...one.recommendations.filter((r) => r.accountId === i.accountId).map((r) => r.productId)]));
  });

  it('retries the partition of a worker killed mid-partition on another worker: same hash, one result per partition', async () => {
    let killed: { pid: number; idx: number } | null = null;
    const second = await run({
      leaseMs: 1000,
      partitionAccounts: 300,
      readOutput: false,
      onStarted: async ({ runId, workers }) => {
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        try {
          for (let k = 0; k < 2000 && !killed; k++) {
            const { rows } = await c.query<{ idx: number; worker: string }>(`SELECT idx, worker FROM reco_part_partitions WHERE run_id = $1 AND status = 'running' ORDER BY idx LIMIT 1`, [runId]);
            const pid = rows[0] ? Number(rows[0].worker.split(':').pop()) : NaN;
            const child = workers.find((w) => w.pid === pid);
            if (child) {
              child.kill('SIGKILL');
              killed = { pid, idx: rows[0].idx };
            } else await new Promise((r) => setTimeout(r, 5));
          }
        } finally {
          await c.end();
        }
      },
    });
    expect(killed, 'a worker was killed while it held a partition').to.not.equal(null);
    const { pid, idx } = killed!;
    expect(second.hash).to.equal(oneHash);
    const c = await counts(db.url, second.runId);
    expect(c.results).to.equal(c.distinct);
    expect(c.results).to.equal(Math.ceil(ds.accounts.length / 300));
    expect(c.attempts.get(idx)).to.be.at.least(2);
    expect(c.workers.get(idx)).to.not.match(new RegExp(`:${pid}$`));
    // Only the survivor reported figures: the killed process never got to print its own.
    expect(second.workers).to.have.length(1);
    expect(second.workers[0].pid).to.not.equal(pid);
  });

  it('retries a partition that throws, and fails the run naming it once its attempts are used up', async () => {
    // Partition 2's input is damaged after publishing, before any worker starts: every attempt at it throws.
    const started: ChildProcess[] = [];
    const failing = run({
      maxAttempts: 3,
      retryDelayMs: 50,
      workers: 0,
      onPublished: async ({ runId, pool }) => {
        await pool.query(`UPDATE reco_part_partitions SET input = '\\x00010203040506070809'::bytea WHERE run_id = $1 AND idx = 2`, [runId]);
        for (let w = 0; w < 2; w++) started.push(startWorkerProcess(db.url, runId));
      },
      timeoutMs: 120_000,
    });
    let error: Error | null = null;
    try {
      await failing.catch((e: Error) => (error = e));
      // The workers see the run failed and stop on their own.
      await Promise.all(started.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r)))));
    } finally {
      for (const c of started) if (c.exitCode === null) c.kill('SIGKILL');
    }
    expect(started.map((c) => c.exitCode)).to.deep.equal([0, 0]);
    expect(error).to.not.equal(null);
    expect(error!.message).to.match(/partition 2 \(accounts 300\.\.449\) failed after 3 attempts: run [0-9a-f-]+: partition 2 input: not a packed blob/);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const { rows } = await c.query<{ status: string; error: string }>(`SELECT status, error FROM reco_part_runs ORDER BY created_at DESC LIMIT 1`);
      expect(rows[0].status).to.equal('failed');
      expect(rows[0].error).to.match(/^partition 2 /);
    } finally {
      await c.end();
    }
  });

  it('after a failed run, a run on the same inputs computes only what that run did not finish', async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    let failed: { run_id: string; done: number };
    try {
      const { rows } = await c.query<{ run_id: string; done: number }>(
        `SELECT r.run_id, (SELECT count(*)::int FROM reco_part_results res WHERE res.run_id = r.run_id) AS done
           FROM reco_part_runs r WHERE r.status = 'failed' ORDER BY r.created_at DESC LIMIT 1`,
      );
      failed = rows[0];
    } finally {
      await c.end();
    }
    expect(failed.done, 'the failed run above finished some partitions').to.be.above(0);
    const out = await run({});
    expect(out.hash).to.equal(oneHash);
    expect(out.reused).to.deep.equal({ from: failed.run_id, partitions: failed.done });
    expect(out.workers.reduce((s, w) => s + w.partitions, 0)).to.equal(Math.ceil(ds.accounts.length / 150) - failed.done);
    // Same whole-org part, other inputs (no previous insights): nothing is taken, and no run is named as the source.
    const fresh = await runModelsPartitioned(ds, options, undefined, undefined, { url: db.url, workers: 2, partitionAccounts: 150, threads: 0 });
    expect(fresh.reused).to.deep.equal({ from: null, partitions: 0 });
    expect(fresh.workers.reduce((s, w) => s + w.partitions, 0)).to.equal(Math.ceil(ds.accounts.length / 150));
  });

  it('finishes a run whose partition failed once and then read clean input (a transient failure)', async () => {
    let good: Buffer | null = null;
    let handStarted: ReturnType<typeof runWorker> | null = null;
    const out = await run({
      // A size no earlier run of this suite used: nothing is taken over from the failed run above.
      partitionAccounts: 160,
      maxAttempts: 3,
      // Long against the test's 20 ms look, so the clean input is back before the retry (which the delay is for).
      retryDelayMs: 1500,
      workers: 0,
      onPublished: async ({ runId, pool }) => {
        const { rows } = await pool.query<{ input: Buffer }>('SELECT input FROM reco_part_partitions WHERE run_id = $1 AND idx = 1', [runId]);
        good = rows[0].input;
        await pool.query(`UPDATE reco_part_partitions SET input = '\\x00'::bytea WHERE run_id = $1 AND idx = 1`, [runId]);
        // A worker started by hand (as on another machine), until the partition has failed once.
        handStarted = runWorker({ url: db.url, runId });
        for (let k = 0; ; k++) {
          if (k > 3000) throw new Error('partition 1 never failed');
          const p = await pool.query<{ last_error: string | null }>('SELECT last_error FROM reco_part_partitions WHERE run_id = $1 AND idx = 1', [runId]);
          if (p.rows[0].last_error !== null) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        await pool.query('UPDATE reco_part_partitions SET input = $2 WHERE run_id = $1 AND idx = 1', [runId, good]);
      },
      timeoutMs: 120_000,
    });
    expect(out.hash).to.equal(oneHash);
    const stats = await handStarted!;
    expect(stats.failures).to.be.at.least(1);
    expect(stats.partitions).to.equal(Math.ceil(ds.accounts.length / 160));
    expect(out.reused.partitions).to.equal(0);
    const c = await counts(db.url, out.runId);
    expect(c.attempts.get(1)).to.be.at.least(2);
    expect(c.results).to.equal(c.distinct);
  });
});
