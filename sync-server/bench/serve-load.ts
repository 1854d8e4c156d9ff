// The load generator for bench/serve.ts, run as its own process so it does not share an event loop (or a
// core) with the server it measures. Args: url token connections durationSeconds; account ids on stdin.
import autocannon from 'autocannon';

const [url, token, connections, duration] = process.argv.slice(2);
const ids = (await new Promise<string>((resolve) => {
  let text = '';
  process.stdin.on('data', (d) => { text += d; }).on('end', () => resolve(text));
})).split('\n').filter(Boolean);

let next = 0;
const run = autocannon({
  url,
  connections: Number(connections),
  duration: Number(duration),
  headers: { authorization: `Bearer ${token}` },
  requests: [{
    method: 'GET',
    // A different account on each request, so the measurement covers the lookup, not one hot entry.
    setupRequest: (req) => ({ ...req, path: `/accounts/${ids[next++ % ids.length]}/recommendations?limit=10` }),
  }],
});
// Every response's latency in whole milliseconds (autocannon's own unit), so the parent can merge windows into
// one distribution: the percentiles of a whole sync are not a function of its windows' percentiles.
const histogram = new Map<number, number>();
run.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
  if (Number(status) < 200 || Number(status) > 299) return; // autocannon's latency figures count 2xx only, too
  const bucket = Math.round(ms);
  histogram.set(bucket, (histogram.get(bucket) ?? 0) + 1);
});
const result = await run;
process.stdout.write(JSON.stringify({
  connections: Number(connections),
  durationSeconds: Number(duration),
  requests: result.requests.total,
  requestsPerSecond: result.requests.average,
  latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, p999: (result.latency as unknown as { p99_9?: number }).p99_9 ?? null, max: result.latency.max, mean: result.latency.mean },
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  histogram: [...histogram].sort((a, b) => a[0] - b[0]),
}));
