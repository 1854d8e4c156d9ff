// The model step's output hash: SHA-256 over each account's line digest, in account order. A line is the
// account's insight, shown list and shadow list as JSON, so the hash changes with any field of any record, and
// it is the same whether the lines were made by one process (a sink) or by partitions in any order of completion.
import { createHash } from 'node:crypto';
import type { AccountInsight, Recommendation } from '../domain/types.js';

export function accountLine(insight: AccountInsight, recommendations: readonly Recommendation[], shadow: readonly Recommendation[]): string {
  return JSON.stringify([insight, recommendations, shadow]);
}

export function lineDigest(line: string): Buffer {
  return createHash('sha256').update(line).digest();
}

/** Accumulates line digests in account order. */
export class OutputHash {
  private readonly hash = createHash('sha256');
  public accounts = 0;

  /** One account's digest, or a run of them (32 bytes each) for consecutive accounts. */
  public add(digests: Uint8Array): void {
    if (digests.byteLength % 32 !== 0) throw new Error(`output hash: ${digests.byteLength} bytes is not a whole number of 32-byte digests`);
    this.hash.update(digests);
    this.accounts += digests.byteLength / 32;
  }

  /** The sink form, for the one-process step: `runModelsInWorkers(ds, o, prev, hash.sink())`. */
  public sink(): (insight: AccountInsight, recommendations: Recommendation[], shadow: Recommendation[]) => void {
    return (insight, recommendations, shadow) => this.add(lineDigest(accountLine(insight, recommendations, shadow)));
  }

  public hex(): string {
    return this.hash.digest('hex');
  }
}
