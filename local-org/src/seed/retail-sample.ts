// A real-data sample for end-to-end tests and benches: every row (cancellations and fee lines included) of the
// first N customers of the shared Online Retail file, so a small org can be seeded in seconds with the data's
// real quirks instead of hand-made rows. Written once per N into the OS temp dir and reused.
import { createReadStream, createWriteStream, existsSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { fileURLToPath } from 'node:url';

/** The whole Online Retail file, in the data folder beside the repository. */
export const ONLINE_RETAIL_FILE = resolve(fileURLToPath(import.meta.url), '../../../../../shared/data/online-retail.csv.gz');

/** Customer id is the 7th column; descriptions may hold quoted commas, so count columns from the end. */
function customerOf(line: string): string {
  const parts = line.split(',');
  return parts[parts.length - 2] ?? '';
}

export async function retailSample(customers: number): Promise<string> {
  const out = join(tmpdir(), `reco-retail-sample-${customers}.csv`);
  if (existsSync(out)) return out;
  const keep = new Set<string>();
  const tmp = `${out}.${process.pid}.tmp`;
  const w = createWriteStream(tmp);
  const lines = createInterface({ input: createReadStream(ONLINE_RETAIL_FILE).pipe(createGunzip()), crlfDelay: Infinity });
  let header = true;
  for await (const line of lines) {
    if (header) {
      w.write(`${line}\n`);
      header = false;
      continue;
    }
    const c = customerOf(line);
    if (c === '') continue;
    if (!keep.has(c)) {
      if (keep.size >= customers) continue;
      keep.add(c);
    }
    w.write(`${line}\n`);
  }
  await new Promise<void>((res, rej) => w.end((err?: Error | null) => (err ? rej(err) : res())));
  renameSync(tmp, out);
  return out;
}
