// Which recommendations converted: the account got a new Opportunity line item for the recommended product on
// or after the day Reco first listed it, and no more than the window later. Shown and shadow lists go through
// exactly this rule, so the two groups are measured alike.
import type { IsoDate } from '../domain/types.js';
import type { Conversion, Exposure } from './store.js';

/** Default attribution window: a suggestion is credited with a purchase at most this many days after it was made. */
export const DEFAULT_WINDOW_DAYS = 90;

/** A line item as attribution needs it; `on` is the day it happened (see linesFromMirror for how it is read). */
export type AttributableLine = { id: string; opportunityId: string; accountId: string; productId: string; on: IsoDate; amount: number; won: boolean };

const DAY_MS = 86_400_000;
const dayNo = (d: IsoDate): number => Math.floor(Date.parse(`${d.slice(0, 10)}T00:00:00Z`) / DAY_MS);

export function checkWindowDays(windowDays: number): number {
  if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > 3650) {
    throw new RangeError(`attribution window must be a whole number of days between 1 and 3650, got ${windowDays}`);
  }
  return windowDays;
}

/**
 * The first qualifying line for each exposure (earliest day, then lowest line id, so the answer does not
 * depend on the order lines were read in). Exposures already converted are passed in `known` and keep their
 * line: only its won state is refreshed from the line's opportunity.
 */
export function attribute(exposures: Exposure[], lines: AttributableLine[], windowDays = DEFAULT_WINDOW_DAYS, known: Conversion[] = []): Conversion[] {
  checkWindowDays(windowDays);
  const byKey = new Map<string, AttributableLine[]>();
  for (const l of lines) {
    const k = `${l.accountId}\u0000${l.productId}`;
    const list = byKey.get(k);
    if (list) list.push(l);
    else byKey.set(k, [l]);
  }
  for (const list of byKey.values()) list.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const lineById = new Map(lines.map((l) => [l.id, l]));
  const knownBy = new Map(known.map((c) => [c.externalId, c]));
  const out: Conversion[] = [];
  for (const e of exposures) {
    const prior = knownBy.get(e.externalId);
    if (prior) {
      // The line that converted it may since have been deleted or moved: the conversion stands as recorded.
      const line = lineById.get(prior.lineId);
      out.push(line ? { ...prior, won: line.won } : prior);
      continue;
    }
    const from = dayNo(e.firstOn);
    const hit = byKey.get(`${e.accountId}\u0000${e.productId}`)?.find((l) => {
      const d = dayNo(l.on);
      return d >= from && d <= from + windowDays;
    });
    if (hit) out.push({ externalId: e.externalId, lineId: hit.id, opportunityId: hit.opportunityId, convertedOn: hit.on.slice(0, 10), amount: hit.amount, won: hit.won });
  }
  return out;
}
