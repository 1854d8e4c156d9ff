// When a run tunes and when it reuses stored settings. Tuning costs more than the rest of the model step on a
// small org, and the best settings drift slowly, so a production run re-tunes on the nightly Full run (or when
// the stored settings are older than maxAgeDays) and Incremental runs reuse the settings the last tuned run
// stored in ModelOutput.metrics.tuning.
import type { RecoParams } from '../recommend/fit.js';
import { CALIBRATION_FEATURES } from '../recommend/calibration.js';
import { dayNumber } from '../recommend/purchase-log.js';
import type { ModelOptions } from './options.js';

export type StoredTuning = { params: RecoParams; tunedOn: string };
export type TuningPlan = { options: ModelOptions; reused: StoredTuning | null; reason: string };

/** The tuned settings an earlier output carries, with the asOf they were tuned on, or null. */
export function storedTuning(last: { asOf: string; metrics: Record<string, unknown> } | undefined): StoredTuning | null {
  const t = last?.metrics.tuning as { params?: RecoParams; tunedOn?: string; validation?: unknown } | null | undefined;
  if (!t?.params || typeof t.params !== 'object') return null;
  // Settings whose chances were learned on other features would mis-read this version's rows: tune again.
  if (t.params.nextBest && t.params.nextBest.features !== CALIBRATION_FEATURES) return null;
  // Outputs from before tunedOn was recorded were tuned in the run that produced them.
  const tunedOn = t.tunedOn ?? (t.validation ? last!.asOf : undefined);
  return typeof tunedOn === 'string' ? { params: t.params, tunedOn } : null;
}

/**
 * `historyUnchanged`: the purchase history is the one the stored settings were tuned on. A Full run then
 * reuses fresh settings like an Incremental one: re-tuning on the same evidence only moves the validation
 * window by the days since, retrains the ranker and nudges every score, which rewrites records in the org
 * for no gain.
 */
export function planTuning(
  kind: 'Full' | 'Incremental',
  options: ModelOptions | undefined,
  last: { asOf: string; metrics: Record<string, unknown> } | undefined,
  asOf: string,
  maxAgeDays = 7,
  historyUnchanged = false,
): TuningPlan {
  const base = options ?? {};
  if (base.tune !== undefined) return { options: base, reused: null, reason: `tune '${base.tune}' set by the caller` };
  if (kind === 'Full' && !historyUnchanged) return { options: base, reused: null, reason: 'full run re-tunes' };
  const stored = storedTuning(last);
  if (!stored) return { options: base, reused: null, reason: 'no stored tuned settings' };
  const age = dayNumber(asOf) - dayNumber(stored.tunedOn);
  if (age > maxAgeDays) return { options: base, reused: null, reason: `stored settings are ${age} days old (max ${maxAgeDays})` };
  return {
    options: { ...base, tune: 'off', params: stored.params, paramsTunedOn: stored.tunedOn },
    reused: stored,
    reason: `reusing settings tuned on ${stored.tunedOn.slice(0, 10)}`,
  };
}

/**
 * An order-independent fingerprint of the purchase history (every line's id, quantity, amount, date and
 * outcome): equal fingerprints mean the models would be tuned on the same evidence.
 */
export function historyFingerprint(lines: ReadonlyArray<{ id: string; quantity: number; totalPrice: number; closeDate: string; isWon: boolean }>): string {
  let sum = 0;
  let xor = 0;
  for (const l of lines) {
    const text = `${l.id}|${l.quantity}|${l.totalPrice}|${l.closeDate}|${l.isWon ? 1 : 0}`;
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    sum = (sum + (h >>> 0)) % 2 ** 48;
    xor = (xor ^ h) >>> 0;
  }
  return `${lines.length}:${sum.toString(36)}:${xor.toString(36)}`;
}
