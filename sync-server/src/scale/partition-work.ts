// The per-account part of the model step for one partition: picks (scoring, rules, per-family cap), records
// (reasons, chances, revenue) and insights, by the same functions the one-process step calls, on a context
// holding the shared artifact and this partition's accounts. Output: one JSON line per account (its insight,
// shown list and shadow list) and each line's SHA-256, from which the run's output hash is built in account order.
import { dayToIso } from '../recommend/purchase-log.js';
import { buyAgainPicks, crossSellPicks } from '../models/lists.js';
import { pickContextFrom } from '../models/pick-context.js';
import { accountOutput, type AccountOutputContext } from '../models/run-models.js';
import type { PartitionInput, SharedArtifact } from './artifacts.js';
import { accountLine } from './output-hash.js';
import { OutputWriter } from './output-codec.js';
import type { PartitionResult } from './queue.js';

/** Awaited every CHECKPOINT_ACCOUNTS accounts, so a worker can renew its lease; throwing aborts the partition. */
export type Checkpoint = (accountsDone: number) => Promise<void>;
const CHECKPOINT_ACCOUNTS = 512;
/** A generous guess at one account's line (~12 KB on a generated org), so a partition's buffer is allocated once. */
const LINE_BYTES = 16_384;

/** `writer`: the caller's, kept from one partition to the next (see OutputWriter); a new one otherwise. */
export async function runPartition(shared: SharedArtifact, part: PartitionInput, checkpoint?: Checkpoint, writer?: OutputWriter): Promise<PartitionResult> {
  const n = part.end - part.first;
  if (part.accounts.length !== n || part.ui.nUsers !== n) {
    throw new Error(`partition of accounts ${part.first}..${part.end - 1}: input holds ${part.accounts.length} accounts and ${part.ui.nUsers} purchase histories, expected ${n}`);
  }
  const { ui } = part;
  const pick = pickContextFrom({
    ui,
    opts: shared.opts,
    families: shared.families,
    productBlock: shared.productBlock,
    blocks: part.blocks,
    newProductsByFamily: shared.newProductsByFamily,
    segOf: part.segOf,
    neighbours: shared.neighbours,
    pop: shared.pop,
    signals: shared.signals,
    buyAgain: shared.buyAgain,
    params: shared.params,
    asOfDay: shared.asOfDay,
  });
  const out: AccountOutputContext = {
    ds: { accounts: part.accounts, products: shared.products },
    ui,
    iu: { ptr: shared.iuPtr },
    seg: { of: part.segOf, segments: shared.segments, metrics: shared.segmentMetrics },
    itemLineValue: shared.itemLineValue,
    fit: { asOfDay: shared.asOfDay, params: shared.params },
    features: part.features,
    crm: part.crm,
    breadth: part.breadth,
    churn: { model: shared.churn.model ? { ...shared.churn.model, ...(part.textNow ? { textNow: part.textNow } : {}) } : null, report: shared.churn.report },
    opts: shared.opts,
  };
  const day = { asOfDay: shared.asOfDay, today: dayToIso(shared.asOfDay) };
  const digests = Buffer.alloc(n * 32);
  const lines = writer ?? new OutputWriter(n * LINE_BYTES);
  lines.reset();
  let recommendations = 0;
  let shadow = 0;
  for (let u = 0; u < n; u++) {
    if (checkpoint && u % CHECKPOINT_ACCOUNTS === 0) await checkpoint(u);
    const picks = { cross: crossSellPicks(pick, u), buy: buyAgainPicks(pick, u) };
    const { insight, list, holdout } = accountOutput(out, u, picks, part.previous?.[u] ?? undefined, day);
    lines.add(accountLine(insight, holdout ? [] : list, holdout ? list : [])).copy(digests, u * 32);
    if (holdout) shadow += list.length;
    else recommendations += list.length;
  }
  return { accounts: n, recommendations, shadow, digests, output: lines.finish() };
}
