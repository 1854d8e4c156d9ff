// One run of the fault campaign, drawn from (campaign seed, run number) alone, so any run can be replayed on
// its own: the run kind, a fault spec mixing local-org's fault kinds, where (if at all) the sync process is
// killed, and when the rep acts. Fault kinds are dealt from a shuffled deck, two per run, so a short campaign
// of ceil(kinds / 2) runs already injects every kind; a third, random kind is added to some runs.
import { mulberry32 } from '../../sync-server/src/lib/random.js';

export type RepAction = { atMs: number; reaction: 'Accepted' | 'Dismissed'; reason: string | null; pick: number; changeMind: boolean };
export type RunPlan = {
  run: number;
  seed: number;
  kind: 'Full' | 'Incremental';
  faults: string;
  faultKinds: string[];
  /** The progress event after which the sync process is killed with SIGKILL; null: not killed. */
  killAtEvent: number | null;
  rep: RepAction[];
};
/** What the fault-free run looked like: how many API calls, progress events and milliseconds it took. */
export type RunShape = { apiCalls: number; events: number; durationMs: number; /** The first write-back event. */ writebackEvent: number };

const REASONS = ['Not relevant', 'Already owns it', 'Bought elsewhere', 'Too expensive', 'Bad timing'];
const SCOPES = ['/query', '/jobs/*', '/composite/sobjects', '/sobjects'];

/** A per-run seed from the campaign's (FNV-1a mix), so run N's plan does not depend on runs before it. */
export function runSeed(campaignSeed: number, run: number): number {
  let h = (0x811c9dc5 ^ campaignSeed) >>> 0;
  for (const c of `run:${run}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The kinds of run `run`: the deck (shuffled once per campaign, dealt cyclically) gives two. */
function dealt(campaignSeed: number, run: number, kinds: readonly string[]): string[] {
  const deck = shuffled(kinds, mulberry32(campaignSeed));
  return [...new Set([deck[(2 * run) % deck.length], deck[(2 * run + 1) % deck.length]])];
}

function rule(kind: string, random: () => number, shape: RunShape): string {
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const scope = random() < 0.25 ? SCOPES[int(0, SCOPES.length - 1)] : null;
  // Call numbers count only calls inside the scope (a handful) or all API calls of the run (rep's included).
  const maxCall = scope ? 8 : Math.max(4, shape.apiCalls);
  const at = (n: number): string => [...new Set(Array.from({ length: n }, () => int(1, maxCall)))].sort((a, b) => a - b).join(',');
  const rate = (lo: number, hi: number): string => (lo + random() * (hi - lo)).toFixed(3);
  let r: string;
  switch (kind) {
    case 'slow':
      r = random() < 0.5 ? `slow:${int(50, 300)}=${rate(0.05, 0.25)}` : `slow:${int(300, 1500)}@${at(2)}`;
      break;
    case 'lock':
      // lock rules count write calls only (a run makes a few dozen), and with a rate draw once per record.
      r = random() < 0.5 ? `lock=${rate(0.01, 0.08)}` : `lock@${[...new Set([int(1, 12), int(1, 12)])].join(',')}`;
      return r; // writes only: a path scope would mostly never match
    case 'expire':
      r = `expire@${at(2)}`;
      break;
    default:
      // 503, 500, drop and any kind local-org learns later: a rare rate, or one or two chosen calls.
      r = random() < 0.35 ? `${kind}=${rate(0.005, 0.03)}` : `${kind}@${at(int(1, 2))}`;
  }
  return scope ? `${r}~${scope}` : r;
}

export function planRun(campaignSeed: number, run: number, kinds: readonly string[], shape: RunShape): RunPlan {
  const seed = runSeed(campaignSeed, run);
  const random = mulberry32(seed);
  const faultKinds = dealt(campaignSeed, run, kinds);
  if (random() < 0.3) {
    const extra = kinds[Math.floor(random() * kinds.length)];
    if (!faultKinds.includes(extra)) faultKinds.push(extra);
  }
  const faults = [...faultKinds.map((k) => rule(k, random, shape)), `seed=${Math.floor(random() * 1_000_000)}`].join(';');
  const kind = random() < 0.5 ? 'Full' : 'Incremental';
  // Every fourth run is killed for sure (so a short campaign has kills), the others with probability 0.35.
  const killed = run % 4 === 1 || random() < 0.35;
  // Half the kills land in the write-back (a few events of many), the others anywhere from connect on.
  const from = random() < 0.5 ? Math.max(2, shape.writebackEvent) : 2;
  const killAtEvent = killed ? from + Math.floor(random() * Math.max(1, shape.events - from)) : null;
  const rep: RepAction[] = Array.from({ length: 1 + Math.floor(random() * 4) }, () => {
    const reaction = random() < 0.5 ? 'Accepted' : 'Dismissed';
    return {
      atMs: Math.floor(random() * shape.durationMs * 1.2),
      reaction,
      reason: reaction === 'Dismissed' ? REASONS[Math.floor(random() * REASONS.length)] : null,
      pick: random(),
      changeMind: random() < 0.15,
    };
  });
  rep.sort((a, b) => a.atMs - b.atMs);
  return { run, seed, kind, faults, faultKinds, killAtEvent, rep };
}
