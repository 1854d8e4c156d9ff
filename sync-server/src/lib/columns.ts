// Several typed columns carved from one ArrayBuffer. On a big org every large allocation counts as external
// memory, and V8 starts a full garbage collection each time that grows by ~64 MB: over a 10M-object input, a
// 2-6 s pause. One buffer per group of columns allocated together costs one such collection instead of one
// per column.
import { setFlagsFromString } from 'node:v8';

export type ColumnSpec = Record<string, { type: 'f64' | 'i32'; length: number }>;
export type Columns<S extends ColumnSpec> = { [K in keyof S]: S[K]['type'] extends 'f64' ? Float64Array : Int32Array };

/** `shared`: on a SharedArrayBuffer, so worker threads can read the columns without copying them. */
export function allocateColumns<S extends ColumnSpec>(spec: S, options: { shared?: boolean } = {}): Columns<S> {
  const keys = Object.keys(spec);
  // 8-byte columns first, so every view starts aligned.
  const ordered = [...keys.filter((k) => spec[k].type === 'f64'), ...keys.filter((k) => spec[k].type === 'i32')];
  let bytes = 0;
  for (const k of ordered) bytes += spec[k].length * (spec[k].type === 'f64' ? 8 : 4);
  const buf = options.shared ? (new SharedArrayBuffer(bytes) as unknown as ArrayBuffer) : new ArrayBuffer(bytes);
  const out: Record<string, Float64Array | Int32Array> = {};
  let offset = 0;
  for (const k of ordered) {
    const { type, length } = spec[k];
    out[k] = type === 'f64' ? new Float64Array(buf, offset, length) : new Int32Array(buf, offset, length);
    offset += length * (type === 'f64' ? 8 : 4);
  }
  return out as Columns<S>;
}

let externalInGlobalLimit = false;

/**
 * Counts typed-array memory in V8's overall heap limit instead of starting a full collection for every ~64 MB
 * of new arrays. Each of those collections marks the whole input (10M line objects on a million-account org,
 * 2-6 s each, about half of that run's model step); under the overall limit the arrays are still collected,
 * just together with the heap. The flag only changes when V8 collects, never what a run computes. Set once per
 * process, before the first large allocation; a process started with the flag already has it.
 */
export function countColumnsInHeapLimit(): void {
  if (externalInGlobalLimit) return;
  externalInGlobalLimit = true;
  setFlagsFromString('--external-memory-accounted-in-global-limit');
}
