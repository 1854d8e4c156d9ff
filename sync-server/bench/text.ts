// `npm run bench:text [-- --texts N]`: scores N (default 100,000) generated support texts of 500 characters
// with Reco's sentiment scorer, one thread, and beside it, in the same run, a floor that only tokenises the
// same texts with wink-nlp (no pipeline steps). The machine is shared: the ratio to the floor and the load
// average say more than the wall time alone. CPU time of the process is printed too.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { mulberry32 as rng } from '../src/lib/random.js';
import { scoreSentiment } from '../src/text/index.js';

const SENTENCES = [
  'I ordered a new card two weeks ago and it has still not arrived.',
  'Thanks for sorting out the transfer so quickly, really appreciated.',
  'Why was I charged twice for the same payment?',
  'The app keeps crashing whenever I try to top up my account.',
  'Your agent was very helpful and explained everything clearly.',
  'I have been waiting for a refund for over a month with no response.',
  'Can you tell me which currencies the card supports?',
  'This is not acceptable, I want to escalate this complaint.',
  'The exchange rate I got was not what the website showed.',
  'Everything works fine now, thank you for the quick fix.',
  'I would like to cancel my subscription at the end of the month.',
  'My payment was declined at the shop even though I have money in the account.',
];

function texts(n: number, seed: number): string[] {
  const random = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let t = `Ref ${i}. `;
    while (t.length < 500) t += `${SENTENCES[Math.floor(random() * SENTENCES.length)]} `;
    out.push(t.slice(0, 500));
  }
  return out;
}

function main(): void {
  const { values } = parseArgs({ options: { texts: { type: 'string' } } });
  const n = Number(values.texts ?? 100_000);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--texts must be a positive integer, got "${values.texts}"`);
  const corpus = texts(n, 7);
  // Warm both paths (model load, JIT) outside the timed loops.
  for (const t of corpus.slice(0, 200)) scoreSentiment(t);
  const floorNlp = winkNLP(model, []);
  for (const t of corpus.slice(0, 200)) floorNlp.readDoc(t).tokens().out();
  const load = loadavg()[0];
  let cpu = process.cpuUsage();
  let started = performance.now();
  let tokens = 0;
  for (const t of corpus) tokens += floorNlp.readDoc(t).tokens().out().length;
  const floorMs = performance.now() - started;
  const floorCpu = process.cpuUsage(cpu);
  cpu = process.cpuUsage();
  started = performance.now();
  const labels = { negative: 0, neutral: 0, positive: 0 };
  for (const t of corpus) labels[scoreSentiment(t).label]++;
  const recoMs = performance.now() - started;
  const recoCpu = process.cpuUsage(cpu);
  const rss = Math.round(process.memoryUsage().rss / 2 ** 20);
  const line = (name: string, ms: number, c: NodeJS.CpuUsage) =>
    `${name.padEnd(26)} ${(ms / 1000).toFixed(1).padStart(7)} s wall ${((c.user + c.system) / 1e6).toFixed(1).padStart(7)} s cpu ${Math.round(n / (ms / 1000)).toString().padStart(8)} texts/s`;
  process.stdout.write(
    [
      `${n} texts x 500 chars (${tokens} tokens), load average ${load.toFixed(2)} at start`,
      line('floor: wink tokenise only', floorMs, floorCpu),
      line('reco scoreSentiment', recoMs, recoCpu),
      `reco / floor: ${(recoMs / floorMs).toFixed(2)}x; labels ${JSON.stringify(labels)}; peak-ish RSS ${rss} MiB`,
      `per 100,000 texts: ${((recoMs * 100_000) / n / 1000).toFixed(1)} s wall, ${(((recoCpu.user + recoCpu.system) / 1e6) * 100_000 / n).toFixed(1)} s cpu ` +
        `(target: under 60 s; wall ${(recoMs * 100_000) / n < 60_000 ? 'meets' : 'misses'} it at this load)`,
    ].join('\n') + '\n',
  );
}

main();
