// A full garbage collection on demand, for the few places that free most of a big process's memory at once
// and must not let the process grow past its budget before V8 gets round to it. V8 collects by heap pressure:
// a coordinator that has just dropped its org's line objects, then packs partitions into Buffers (memory
// outside the heap), kept ~1.4 GB of dead heap and ~0.5 GB of dead Buffers alive at 1M accounts and peaked
// above 4 GB. `gc` exists only with --expose-gc; the flag can be set at run time, and a new context then
// carries the function (as jest's leak detector gets it), so no start-up flag is asked of whoever runs Reco.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
