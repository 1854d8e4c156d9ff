// Deterministic fault injection, so code that talks to an org can be tested against the failures a real
// org produces (maintenance 503s, internal 500s, row-lock contention, expired sessions, slow and dropped
// connections) and reproduce a failing run exactly.
//
// SPEC grammar (see docs/local-org.md):
//   SPEC  := ITEM (';' ITEM)*
//   ITEM  := 'seed=' INT | RULE
//   RULE  := KIND [':' MS] ( '=' RATE | '@' N (',' N)* ) [ '~' PATH ]
//   KIND  := 503 | 500 | lock | expire | slow | drop | limit
// '=RATE' fires on each matching call with probability RATE (0..1), drawn from a PRNG seeded by `seed`
// (default 1); '@N,M' fires on exactly the N-th and M-th matching call, counted from when the spec was set.
// ':MS' is the delay of `slow` (default 1000 ms). '~PATH' limits the rule to API paths (the part after
// /services/data/vXX.X) that start with PATH, where '*' matches any characters.
// A call "matches" a rule when it is an authenticated API call inside the rule's PATH; `lock` rules only
// count calls that write records (single-record DML, sObject Collections, Bulk ingest
// processing), and with a rate they draw once per record.

import { mulberry32 } from './seed/prng.js';

export type FaultKind = '503' | '500' | 'lock' | 'expire' | 'slow' | 'drop' | 'limit';
const KINDS: readonly FaultKind[] = ['503', '500', 'lock', 'expire', 'slow', 'drop', 'limit'];

export type FaultRule = {
  kind: FaultKind;
  rate?: number;
  calls?: Set<number>;
  delayMs: number;
  path?: RegExp;
  source: string;
};

export class FaultSpecError extends Error {
  public constructor(spec: string, detail: string) {
    super(`invalid fault spec "${spec}": ${detail}`);
    this.name = 'FaultSpecError';
  }
}

export function parseFaultSpec(spec: string): { rules: FaultRule[]; seed: number } {
  const rules: FaultRule[] = [];
  let seed = 1;
  for (const raw of spec.split(';')) {
    const item = raw.trim();
    if (!item) continue;
    const seedMatch = /^seed=(\d+)$/.exec(item);
    if (seedMatch) {
      seed = Number(seedMatch[1]);
      continue;
    }
    const m = /^([a-z0-9]+)(?::(\d+))?(?:=([0-9.]+)|@([0-9,\s]+))(?:~(\S+))?$/.exec(item);
    if (!m) {
      throw new FaultSpecError(spec, `"${item}" is not KIND[:MS]=RATE or KIND[:MS]@N[,N...] with an optional ~PATH`);
    }
    const [, kindText, ms, rateText, callsText, pathText] = m;
    if (!KINDS.includes(kindText as FaultKind)) {
      throw new FaultSpecError(spec, `unknown fault kind "${kindText}" (expected one of ${KINDS.join(', ')})`);
    }
    const kind = kindText as FaultKind;
    if (ms !== undefined && kind !== 'slow') throw new FaultSpecError(spec, `":${ms}" is only valid for slow`);
    const rule: FaultRule = { kind, delayMs: ms !== undefined ? Number(ms) : 1000, source: item };
    if (rateText !== undefined) {
      const rate = Number(rateText);
      if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new FaultSpecError(spec, `rate "${rateText}" must be between 0 and 1`);
      rule.rate = rate;
    } else {
      const calls = callsText.split(',').map((s) => s.trim());
      if (calls.some((c) => !/^[1-9]\d*$/.test(c))) throw new FaultSpecError(spec, `call numbers "${callsText}" must be positive integers`);
      rule.calls = new Set(calls.map(Number));
    }
    if (pathText !== undefined) {
      if (!pathText.startsWith('/')) throw new FaultSpecError(spec, `path "${pathText}" must start with /`);
      const body = pathText.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
      rule.path = new RegExp(`^${body}`, 'i');
    }
    rules.push(rule);
  }
  return { rules, seed };
}

export type CallFaults = {
  delayMs: number;
  /** The fault that replaces the response, if any (the first matching rule in spec order wins). */
  fail?: '503' | '500' | 'expire' | 'drop' | 'limit';
};

/** Chooses which records of one write call hit UNABLE_TO_LOCK_ROW (by index). */
export type LockPicker = (count: number) => Set<number>;

export type FaultInjector = {
  readonly spec: string;
  /** Decides the faults of one authenticated API call. */
  onCall(path: string): CallFaults;
  /** Called by write routes once per write call; returns which record indexes fail with a lock error. */
  onWrite(path: string): LockPicker;
  /** Faults injected so far by kind (calls failed or slowed; records locked), for reports of what a test endured. */
  readonly injected: Readonly<Partial<Record<FaultKind, number>>>;
};

export function createFaultInjector(spec: string): FaultInjector {
  const { rules, seed } = parseFaultSpec(spec);
  const state = rules.map((rule, i) => ({ rule, count: 0, random: mulberry32(seed + i * 7919) }));
  const inScope = (rule: FaultRule, path: string) => !rule.path || rule.path.test(path);
  const injected: Partial<Record<FaultKind, number>> = {};
  const count = (kind: FaultKind, n = 1): void => {
    if (n > 0) injected[kind] = (injected[kind] ?? 0) + n;
  };
  const fires = (s: (typeof state)[number]): boolean => {
    s.count++;
    if (s.rule.calls) return s.rule.calls.has(s.count);
    return s.random() < (s.rule.rate ?? 0);
  };
  return {
    spec,
    injected,
    onCall(path) {
      const out: CallFaults = { delayMs: 0 };
      for (const s of state) {
        if (s.rule.kind === 'lock' || !inScope(s.rule, path)) continue;
        if (!fires(s)) continue;
        if (s.rule.kind === 'slow') {
          out.delayMs += s.rule.delayMs;
          count('slow');
        } else if (out.fail === undefined) {
          out.fail = s.rule.kind;
          count(s.rule.kind);
        }
      }
      return out;
    },
    onWrite(path) {
      const pickers: LockPicker[] = [];
      for (const s of state) {
        if (s.rule.kind !== 'lock' || !inScope(s.rule, path)) continue;
        if (s.rule.calls) {
          if (fires(s)) pickers.push((n) => new Set(n > 0 ? [0] : []));
        } else {
          s.count++;
          const rate = s.rule.rate ?? 0;
          pickers.push((n) => {
            const hit = new Set<number>();
            for (let i = 0; i < n; i++) if (s.random() < rate) hit.add(i);
            return hit;
          });
        }
      }
      return (n) => {
        const hit = new Set<number>();
        for (const p of pickers) for (const i of p(n)) hit.add(i);
        count('lock', hit.size);
        return hit;
      };
    },
  };
}

export const NO_LOCKS: LockPicker = () => new Set();

/** Every fault kind a spec may name, so harnesses that inject "every fault" follow this list as it grows. */
export const FAULT_KINDS: readonly FaultKind[] = KINDS;
