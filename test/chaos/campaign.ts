// The standing fault campaign (issue 15): many short sync runs on a small org, each under a seeded random mix
// of local-org's faults, some killed with SIGKILL at a random progress point, while the sales rep accepts and
// dismisses recommendations through the REST API at random times. After each run, clean follow-up syncs (as
// the next scheduled runs would) must bring the org to the fault-free run's state: the same hash over Reco's
// objects, every decision as the rep made it, no duplicate and no orphan record; and no log line may hold a
// secret. The fault-free reference is computed once per campaign.
//
// Day 1 (once): seed the org, run a clean Full, replay two weeks of new invoices. Each run starts from a copy
// of that (org file and mirror), so every run syncs the same changes: new orders, moved scores, expiries.
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { FAULT_KINDS, retailSample, type LocalOrg } from '@reco/local-org';
import type { Connection } from 'jsforce';
import { createLogger } from '../../sync-server/src/logging/logger.js';
import { openMirror } from '../../sync-server/src/mirror/db.js';
import { runPipeline, type PipelineOptions } from '../../sync-server/src/pipeline/run-pipeline.js';
import { recoConnection, repConnection, repKeys, startChaosOrg, type RepKeys } from './org.js';
import { convergingLines, duplicates, lineDiff, lostDecisions, orphans, readOrgState, stateHash, stuckRuns, type Decision, type OrgState } from './org-state.js';
import { planRun, type RepAction, type RunPlan, type RunShape } from './plan.js';
import { SecretScanner, type SecretFinding } from './secrets.js';

const SEED_AS_OF = '2026-10-01'; // the seed holds history before this day; the rest waits for replay
const DAY1 = '2026-10-01T00:00:00.000Z';
const REPLAY_UNTIL = '2026-10-15';
const DAY2 = '2026-10-15T00:00:00.000Z';
const MAX_FOLLOW_UPS = 3;
/**
 * Small thresholds, so a small org still goes through Bulk API query and ingest jobs; tuning off, because
 * re-tuning is a model-quality concern and the campaign's subject is the sync (it also makes Full and
 * Incremental runs give the same lists, so one reference serves both).
 */
const PIPELINE: Pick<PipelineOptions, 'extract' | 'writeback' | 'modelOptions'> = {
  extract: { bulkThreshold: 1000, bulkPollInterval: 100 },
  writeback: { bulkThreshold: 150, retryBaseMs: 20 },
  modelOptions: { tune: 'off' },
};
const CHILD = join(import.meta.dirname, '../sync/pipeline-child.ts');

export type CampaignOptions = {
  runs: number;
  seed: number;
  /** Online Retail customers in the org (default 40). */
  customers?: number;
  /** Fault kinds to mix (default: every kind local-org can inject). */
  kinds?: readonly string[];
  /** Progress lines (one per run); default: none. */
  log?: (line: string) => void;
  /** Keep the files of runs that failed a check (their path is in the result). */
  keepFailed?: boolean;
  /** Asked before each run: true ends the campaign early (a time budget, a signal); the report covers the runs done. */
  stop?: () => boolean;
};

export type RunResult = {
  plan: RunPlan;
  /** The faulty run's outcome as the sync process reported it, or 'killed' / 'crashed'. */
  outcome: string;
  killed: boolean;
  followUps: number;
  injected: Record<string, number>;
  repActions: number;
  repGaveUp: number;
  lost: string[];
  duplicates: string[];
  orphans: string[];
  stuck: string[];
  diverged: { count: number; onlyRun: string[]; onlyReference: string[] };
  hash: string;
  /** Secrets found in this run's log lines. */
  secrets: number;
  ok: boolean;
  ms: number;
  dir?: string;
};

export type CampaignReport = {
  seed: number;
  customers: number;
  kinds: string[];
  referenceHash: string;
  referenceShape: RunShape;
  results: RunResult[];
  secrets: SecretFinding[];
  linesScanned: number;
  wallMs: number;
};

type Baseline = { dir: string; orgDb: string; mirror: string; keys: RepKeys };
type Reference = { state: OrgState; shape: RunShape };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function memoryLog(): { stream: DestinationStream; text: () => string } {
  let text = '';
  return { stream: { write: (s: string) => void (text += s) }, text: () => text };
}

async function prepareBaseline(customers: number): Promise<Baseline> {
  const dir = mkdtempSync(join(tmpdir(), 'reco-chaos-'));
  const keys = repKeys();
  const orgDb = join(dir, 'day1.db');
  const mirror = join(dir, 'day1-mirror');
  const org = await startChaosOrg({ db: orgDb, keys, seed: { onlineRetail: await retailSample(customers), asOf: SEED_AS_OF } });
  try {
    const m = openMirror(mirror);
    try {
      const s = await runPipeline({ connection: await recoConnection(org), mirror: m }, { kind: 'Full', asOf: DAY1, ...PIPELINE });
      if (s.status !== 'Succeeded') throw new Error(`the day-1 Full run of the campaign's org did not succeed: ${s.status} ${s.error}`);
    } finally {
      m.close();
    }
    org.replay({ until: REPLAY_UNTIL });
  } finally {
    await org.close();
  }
  return { dir, orgDb, mirror, keys };
}

/** A copy of day 1 (org and mirror) for one run. */
async function fromBaseline(b: Baseline, name: string): Promise<{ org: LocalOrg; dir: string; mirror: string }> {
  const dir = join(b.dir, name);
  cpSync(b.mirror, join(dir, 'mirror'), { recursive: true });
  copyFileSync(b.orgDb, join(dir, 'org.db'));
  return { org: await startChaosOrg({ db: join(dir, 'org.db'), keys: b.keys }), dir, mirror: join(dir, 'mirror') };
}

/** The fault-free run, and proof that it is converged: a clean follow-up changes nothing. */
async function reference(b: Baseline): Promise<Reference> {
  const { org, dir, mirror: mirrorPath } = await fromBaseline(b, 'reference');
  try {
    const conn = await recoConnection(org);
    const mirror = openMirror(mirrorPath);
    try {
      let events = 0;
      let writebackEvent = 0;
      const t0 = Date.now();
      const s = await runPipeline({ connection: conn, mirror }, {
        kind: 'Incremental', asOf: DAY2, ...PIPELINE,
        onProgress: (e) => {
          events += 1;
          if (e.stage === 'writeback' && writebackEvent === 0) writebackEvent = events;
        },
      });
      if (s.status !== 'Succeeded') throw new Error(`the fault-free run did not succeed: ${s.status} ${s.error}`);
      const shape: RunShape = { apiCalls: s.apiCalls, events, durationMs: Date.now() - t0, writebackEvent };
      const state = await readOrgState(conn);
      const again = await runPipeline({ connection: conn, mirror }, { kind: 'Full', asOf: DAY2, ...PIPELINE });
      const after = await readOrgState(conn);
      const diff = lineDiff(convergingLines(after), convergingLines(state));
      if (again.status !== 'Succeeded' || diff.count > 0) {
        throw new Error(`the fault-free run is not a fixed point: a clean Full after it ${again.status}, ${diff.count} lines differ: ${JSON.stringify(diff)}`);
      }
      return { state, shape };
    } finally {
      mirror.close();
    }
  } finally {
    await org.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

type ChildOutcome = { outcome: string; killed: boolean; output: string };

/** The faulty run, in its own process (as the service runs it), killed with SIGKILL at `plan.killAtEvent`. */
function faultyRun(org: LocalOrg, mirror: string, plan: RunPlan, started: () => void): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const env = {
      ...process.env,
      RECO_TEST_ORG: JSON.stringify(org.credentials),
      RECO_TEST_MIRROR: mirror,
      RECO_TEST_KIND: plan.kind,
      RECO_TEST_OPTIONS: JSON.stringify({ asOf: DAY2, ...PIPELINE }),
      RECO_TEST_LOG: '1',
      ...(plan.killAtEvent !== null ? { RECO_TEST_HOLD_EVENT: String(plan.killAtEvent) } : {}),
    };
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let buf = '';
    let events = 0;
    let killed = false;
    let outcome = 'crashed';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      const text = d.toString();
      out += text;
      buf += text;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        let e: { stage?: string; summary?: { status: string } };
        try {
          e = JSON.parse(line) as typeof e;
        } catch {
          continue; // not a progress line (still scanned for secrets with the rest of the output)
        }
        if (e.summary) outcome = e.summary.status;
        if (!e.stage) continue;
        events += 1;
        if (events === 1) started();
        if (plan.killAtEvent !== null && events === plan.killAtEvent && !killed) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('error', reject);
    child.on('exit', () => resolve({ outcome: killed ? 'killed' : outcome, killed, output: `${out}\n${err}` }));
  });
}

/** The sales rep, acting through the REST API; their decisions in the order the org accepted them. */
class Rep {
  public readonly decisions: Decision[] = [];
  public gaveUp = 0;
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;

  public constructor(private readonly conn: Connection) {}

  /** Schedules the actions `atMs` after now; they run one after the other, as one person acts. */
  public schedule(actions: RepAction[]): void {
    for (const a of actions) {
      this.pending += 1;
      setTimeout(() => {
        this.queue = this.queue.then(() => this.act(a)).finally(() => void (this.pending -= 1));
      }, a.atMs);
    }
  }

  public async settled(): Promise<void> {
    while (this.pending > 0) {
      await this.queue;
      await sleep(20);
    }
  }

  private async act(a: RepAction): Promise<void> {
    // The org may be failing calls (the faults are for everyone): the rep tries again, like a person would.
    for (let attempt = 0; attempt < 8; attempt++) {
      try {
        let target: { Id: string; Account__c: string; Product__c: string } | undefined;
        if (a.changeMind && this.decisions.length > 0) {
          const d = this.decisions[Math.floor(a.pick * this.decisions.length)];
          target = { Id: d.recommendationId, Account__c: d.accountId, Product__c: d.productId };
        } else {
          const shown = (await this.conn.query<{ Id: string; Account__c: string; Product__c: string }>("SELECT Id, Account__c, Product__c FROM Product_Recommendation__c WHERE Status__c = 'New' ORDER BY Id")).records;
          target = shown[Math.floor(a.pick * shown.length)];
        }
        if (!target) return;
        const res = (await this.conn.sobject('Recommendation_Reaction__c').create({
          Recommendation__c: target.Id, Account__c: target.Account__c, Product__c: target.Product__c, Reaction__c: a.reaction, Dismiss_Reason__c: a.reason,
        } as never)) as unknown as { success: boolean; errors?: unknown[] };
        if (!res.success) throw new Error(JSON.stringify(res.errors));
        this.decisions.push({ recommendationId: target.Id, accountId: target.Account__c, productId: target.Product__c, reaction: a.reaction, reason: a.reason });
        return;
      } catch {
        await sleep(100 * 2 ** Math.min(attempt, 4));
      }
    }
    this.gaveUp += 1;
  }
}

async function oneRun(b: Baseline, ref: Reference, plan: RunPlan, scanner: SecretScanner, keepFailed: boolean): Promise<RunResult> {
  const t0 = Date.now();
  const secretsBefore = scanner.findings.length;
  const { org, dir, mirror: mirrorPath } = await fromBaseline(b, `run-${plan.run}`);
  let keep = false;
  try {
    const c = org.credentials;
    const repConn = await repConnection(org, b.keys);
    const rep = new Rep(repConn);
    const repUserId = org.store.identity.salesRepUserId;
    org.setFaults(plan.faults);
    const child = await faultyRun(org, mirrorPath, plan, () => rep.schedule(plan.rep));
    const injected = org.faultsInjected() as Record<string, number>;
    org.setFaults(null);
    scanner.scan(`run ${plan.run}: sync process`, child.output);

    const conn = await recoConnection(org);
    const log = memoryLog();
    const logger = createLogger({ level: 'debug', name: 'reco-sync-follow-up' }, log.stream);
    const mirror = openMirror(mirrorPath);
    let state: OrgState | undefined;
    let followUps = 0;
    let verdict: Pick<RunResult, 'lost' | 'duplicates' | 'orphans' | 'stuck' | 'diverged' | 'hash' | 'ok'> | undefined;
    try {
      while (followUps < MAX_FOLLOW_UPS) {
        followUps += 1;
        await runPipeline({ connection: conn, mirror, logger }, { kind: 'Incremental', asOf: DAY2, ...PIPELINE });
        await rep.settled(); // decisions made after this follow-up's status phase are the next one's to copy
        state = await readOrgState(conn);
        const touched = new Set(rep.decisions.map((d) => d.accountId));
        const lines = convergingLines(state, touched);
        const diff = lineDiff(lines, convergingLines(ref.state, touched));
        verdict = {
          lost: lostDecisions(state, rep.decisions, repUserId),
          duplicates: duplicates(state),
          orphans: orphans(state),
          stuck: stuckRuns(state),
          diverged: { count: diff.count, onlyRun: diff.onlyA, onlyReference: diff.onlyB },
          hash: stateHash(lines),
          ok: false,
        };
        verdict.ok = verdict.lost.length + verdict.duplicates.length + verdict.orphans.length + verdict.stuck.length + diff.count === 0;
        if (verdict.ok) break;
      }
    } finally {
      mirror.close();
    }
    scanner.know('the client secret', c.clientSecret);
    scanner.know('the admin password', c.password);
    scanner.know('the refresh token', c.refreshToken);
    scanner.know('an access token', c.accessToken);
    scanner.know('an access token', conn.accessToken);
    scanner.know("the rep's access token", repConn.accessToken);
    scanner.know("the rep's private key", b.keys.privateKey);
    scanner.scan(`run ${plan.run}: follow-up syncs`, log.text());
    for (const r of state?.runs ?? []) scanner.scan(`run ${plan.run}: Reco_Run__c ${r.External_Id__c}`, `${r.Error__c ?? ''}\n${r.Summary__c ?? ''}`);
    const v = verdict as NonNullable<typeof verdict>;
    const secrets = scanner.findings.length - secretsBefore;
    keep = keepFailed && !v.ok;
    return {
      plan, outcome: child.outcome, killed: child.killed, followUps, injected, repActions: rep.decisions.length, repGaveUp: rep.gaveUp,
      ...v, secrets, ms: Date.now() - t0, ...(keep ? { dir } : {}),
    };
  } finally {
    await org.close();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

export function describeRun(r: RunResult): string {
  const faults = Object.entries(r.injected).map(([k, n]) => `${k}:${n}`).join(',') || 'none';
  const head = `run ${r.plan.run} seed=${r.plan.seed} ${r.plan.kind} faults="${r.plan.faults}" injected=${faults} kill=${r.plan.killAtEvent ?? '-'} outcome=${r.outcome} rep=${r.repActions}/${r.plan.rep.length} follow-ups=${r.followUps} hash=${r.hash} secrets=${r.secrets} ${(r.ms / 1000).toFixed(1)}s`;
  if (r.ok) return `${head} ok`;
  const why = [
    r.lost.length ? `lost decisions: ${r.lost.slice(0, 5).join('; ')}` : '',
    r.duplicates.length ? `duplicates: ${r.duplicates.slice(0, 5).join('; ')}` : '',
    r.orphans.length ? `orphans: ${r.orphans.slice(0, 5).join('; ')}` : '',
    r.stuck.length ? `runs left Running: ${r.stuck.join(', ')}` : '',
    r.diverged.count ? `${r.diverged.count} lines differ from the fault-free run; run has ${JSON.stringify(r.diverged.onlyRun)}; reference has ${JSON.stringify(r.diverged.onlyReference)}` : '',
  ].filter(Boolean);
  return `${head} FAILED\n  ${why.join('\n  ')}${r.dir ? `\n  files kept in ${r.dir}` : ''}`;
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignReport> {
  const t0 = Date.now();
  const customers = o.customers ?? 40;
  const kinds = [...(o.kinds ?? FAULT_KINDS)];
  const log = o.log ?? (() => undefined);
  const baseline = await prepareBaseline(customers);
  try {
    const ref = await reference(baseline);
    const referenceHash = stateHash(convergingLines(ref.state));
    log(`chaos: seed=${o.seed} runs=${o.runs} customers=${customers} kinds=${kinds.join(',')} reference hash=${referenceHash} (${ref.state.recs.length} recommendations, ${ref.state.insights.length} insights, ${ref.state.segments.length} segments; ${ref.shape.apiCalls} API calls, ${ref.shape.events} progress events (write-back from ${ref.shape.writebackEvent}), ${(ref.shape.durationMs / 1000).toFixed(1)} s)`);
    const scanner = new SecretScanner();
    const results: RunResult[] = [];
    for (let run = 0; run < o.runs && !o.stop?.(); run++) {
      const r = await oneRun(baseline, ref, planRun(o.seed, run, kinds, ref.shape), scanner, o.keepFailed ?? false);
      results.push(r);
      log(describeRun(r));
    }
    return { seed: o.seed, customers, kinds, referenceHash, referenceShape: ref.shape, results, secrets: scanner.findings, linesScanned: scanner.linesScanned, wallMs: Date.now() - t0 };
  } finally {
    rmSync(baseline.dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** The campaign's one-line summary: runs, faults injected by kind, kills, rep actions, and what went wrong. */
export function summaryLine(r: CampaignReport): string {
  const injected: Record<string, number> = {};
  for (const x of r.results) for (const [k, n] of Object.entries(x.injected)) injected[k] = (injected[k] ?? 0) + n;
  const sum = (f: (x: RunResult) => number): number => r.results.reduce((n, x) => n + f(x), 0);
  const faults = r.kinds.map((k) => `${k}=${injected[k] ?? 0}`).join(' ');
  return [
    `chaos summary: seed=${r.seed} runs=${r.results.length} failed=${r.results.filter((x) => !x.ok).length} customers=${r.customers}`,
    `faults injected: ${faults}`,
    `kills=${sum((x) => (x.killed ? 1 : 0))}`,
    `rep actions=${sum((x) => x.repActions)} (gave up ${sum((x) => x.repGaveUp)})`,
    `lost decisions=${sum((x) => x.lost.length)}`,
    `duplicates=${sum((x) => x.duplicates.length)}`,
    `orphans=${sum((x) => x.orphans.length)}`,
    `runs left Running=${sum((x) => x.stuck.length)}`,
    `diverged runs=${r.results.filter((x) => x.diverged.count > 0).length}`,
    `secrets found=${r.secrets.length} in ${r.linesScanned} log lines`,
    `follow-ups max=${Math.max(0, ...r.results.map((x) => x.followUps))}`,
    `wall=${(r.wallMs / 1000).toFixed(0)} s`,
  ].join(' | ');
}
