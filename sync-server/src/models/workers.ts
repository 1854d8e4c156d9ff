// Starting one of this folder's worker modules, and sharing big arrays with it. From TypeScript source a worker
// needs tsx's loader: a process started by tsx passes it on; one that registered tsx in-process (oclif, for the
// sf plugin) does not, so it is added. A `node -e` parent's script and `--input-type` are not the worker's.
import { Worker } from 'node:worker_threads';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

export function startWorker(name: 'list-worker' | 'similarity-worker', workerData: unknown): Worker {
  const ext = extname(fileURLToPath(import.meta.url));
  return startWorkerModule(new URL(`./${name}${ext}`, import.meta.url), workerData);
}

/** Starts any worker module of this source tree (a .ts one with tsx's loader), e.g. the pipeline's thread. */
export function startWorkerModule(url: URL, workerData: unknown): Worker {
  const ext = extname(fileURLToPath(url));
  const execArgv: string[] = [];
  for (let k = 0; k < process.execArgv.length; k++) {
    const a = process.execArgv[k];
    if (['-e', '--eval', '-p', '--print', '--input-type'].includes(a)) k++;
    else if (!/^--(eval|print|input-type)=/.test(a)) execArgv.push(a);
  }
  if (ext === '.ts' && !execArgv.some((a) => a.includes('tsx'))) execArgv.push('--import', import.meta.resolve('tsx'));
  return new Worker(url, { execArgv, workerData });
}

/**
 * A copy of `value` whose large typed arrays live on shared memory (arrays already shared are kept), so posting
 * it to several workers copies only the small parts. Walks plain objects and arrays.
 */
export function withSharedArrays<T>(value: T, minBytes = 1 << 16): T {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const a = value as unknown as Int32Array;
    if (a.buffer instanceof SharedArrayBuffer || a.byteLength < minBytes) return value;
    const Ctor = a.constructor as Int32ArrayConstructor;
    const copy = new Ctor(new SharedArrayBuffer(a.byteLength) as unknown as ArrayBuffer);
    copy.set(a);
    return copy as unknown as T;
  }
  if (Array.isArray(value)) return value.map((v) => withSharedArrays(v, minBytes)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withSharedArrays(v, minBytes)])) as T;
  }
  return value;
}
