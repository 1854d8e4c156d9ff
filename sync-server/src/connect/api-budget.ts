// Counts every HTTP call a Connection makes (REST, composite, Bulk 2.0 and the OAuth refreshes alike) by
// wrapping its transport, so the count is what the org bills against the daily limit, not what our code
// thinks it asked for. The guard stops a run before it eats more than its configured share of the limit.
import type { Connection } from 'jsforce';

type Transport = { httpRequest: (req: { method?: string; url?: string }, options?: unknown) => Promise<unknown> };

export class ApiBudgetExceededError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ApiBudgetExceededError';
  }
}

export type ApiBudgetOptions = {
  /** Largest share (0..1] of the org's daily API requests this process may leave used. Default 0.5. */
  maxShareOfDailyLimit?: number;
};

type Counter = { calls: number; byKind: Record<string, number> };
const counters = new WeakMap<Connection, Counter>();

/** Installs (once per connection) the transport wrapper that counts every HTTP call. */
function counterFor(conn: Connection): Counter {
  const counter = counters.get(conn);
  if (counter) return counter;
  const c: Counter = { calls: 0, byKind: {} };
  const holder = conn as unknown as { _transport: Transport };
  const inner = holder._transport;
  // Bulk 2.0 builds a fresh HttpApi per call from conn._transport, so its calls pass through here too.
  holder._transport = {
    httpRequest: (req, options) => {
      c.calls += 1;
      const kind = classify(req.url ?? '');
      c.byKind[kind] = (c.byKind[kind] ?? 0) + 1;
      return inner.httpRequest(req, options);
    },
  } as Transport;
  counters.set(conn, c);
  return c;
}

/** API calls made through one connection since this budget was created, and the daily-limit guard. */
export class ApiBudget {
  private readonly counter: Counter;
  private readonly start: Counter;
  private dailyMax: number | null = null;
  private usedAtStart: number | null = null;
  private readonly share: number;

  public constructor(
    private readonly conn: Connection,
    options: ApiBudgetOptions = {},
  ) {
    this.share = options.maxShareOfDailyLimit ?? 0.5;
    if (!(this.share > 0 && this.share <= 1)) throw new RangeError('maxShareOfDailyLimit must be in (0, 1]');
    this.counter = counterFor(conn);
    this.start = { calls: this.counter.calls, byKind: { ...this.counter.byKind } };
  }

  public get calls(): number {
    return this.counter.calls - this.start.calls;
  }

  public get byKind(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(this.counter.byKind)) if (v - (this.start.byKind[k] ?? 0) > 0) out[k] = v - (this.start.byKind[k] ?? 0);
    return out;
  }

  /** Reads /limits once; later checks use the Sforce-Limit-Info header jsforce parses on every response. */
  public async refreshLimits(): Promise<{ used: number; max: number }> {
    const limits = await this.conn.limits();
    const daily = limits.DailyApiRequests;
    this.dailyMax = daily.Max;
    const used = daily.Max - daily.Remaining;
    if (this.usedAtStart === null) this.usedAtStart = used;
    return { used, max: daily.Max };
  }

  /** Throws when the org's used daily requests have reached the configured share of the limit. */
  public check(stage: string): void {
    const info = this.conn.limitInfo?.apiUsage;
    const max = info?.limit ?? this.dailyMax;
    const used = info?.used ?? (this.usedAtStart === null ? null : this.usedAtStart + this.calls);
    if (!max || used === null) return;
    if (used >= max * this.share) {
      throw new ApiBudgetExceededError(
        `stopped before ${stage}: the org has used ${used} of its ${max} daily API requests and this service may ` +
          `use up to ${Math.round(this.share * 100)}% (the service's RECO_API_BUDGET_SHARE setting changes it); the next run resumes where this one stopped`,
      );
    }
  }
}

function classify(url: string): string {
  if (url.includes('/oauth2/')) return 'auth';
  if (url.includes('/jobs/query')) return 'bulk-query';
  if (url.includes('/jobs/ingest')) return 'bulk-ingest';
  if (/\/composite(\/|$|\?)/.test(url)) return 'composite';
  if (/\/query(All)?[/?]/.test(url)) return 'query';
  if (url.includes('/describe')) return 'describe';
  if (url.includes('/limits')) return 'limits';
  return 'other';
}
