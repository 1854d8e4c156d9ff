// A fixed-size account sample of the purchase log for in-run tuning, so the tune costs about the same on a
// 5k-account org and a 1M-account one. Every (n / max)-th account with history is kept (deterministic, spread
// over the whole index) with its full history, renumbered densely, and its segment carried along.
import { selectLines, type PurchaseLog } from '../recommend/purchase-log.js';

export type AccountSample = { log: PurchaseLog; groupOf: Int32Array; accounts: number };

/** null when the log already has at most maxAccounts accounts with history (tune on all of it). */
export function sampleAccounts(log: PurchaseLog, groupOf: Int32Array, maxAccounts: number): AccountSample | null {
  if (!(Number.isInteger(maxAccounts) && maxAccounts > 0)) throw new Error(`tuneSampleAccounts must be a positive integer, got ${maxAccounts}`);
  const has = new Uint8Array(log.nUsers);
  for (let k = 0; k < log.user.length; k++) has[log.user[k]] = 1;
  let withHistory = 0;
  for (let u = 0; u < log.nUsers; u++) withHistory += has[u];
  if (withHistory <= maxAccounts) return null;
  const stride = withHistory / maxAccounts;
  const newIx = new Int32Array(log.nUsers).fill(-1);
  const groups = new Int32Array(maxAccounts);
  let seen = 0;
  let next = 0;
  for (let u = 0; u < log.nUsers && next < maxAccounts; u++) {
    if (!has[u]) continue;
    if (seen++ === Math.floor(next * stride)) {
      groups[next] = groupOf[u];
      newIx[u] = next++;
    }
  }
  const out = selectLines(log, (k) => newIx[log.user[k]] >= 0, { user: newIx, nUsers: next });
  return { log: out, groupOf: groups.subarray(0, next), accounts: next };
}
