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

export class ApiBudget {
  public calls = 0;
  public readonly byKind: Record<string, number> = {};
  private dailyMax: number | null = null;
  private usedAtStart: number | null = null;
  private readonly share: number;

  public constructor(
    private readonly conn: Connection,
    options: ApiBudgetOptions = {},
  ) {
    this.share = options.maxShareOfDailyLimit ?? 0.5;
    if (!(this.share > 0 && this.share <= 1)) throw new RangeError('maxShareOfDailyLimit must be in (0, 1]');
    const holder = conn as unknown as { _transport: Transport };
    const inner = holder._transport;
    holder._transport = {
      httpRequest: (req, options) => {
        this.calls += 1;
        const kind = classify(req.url ?? '');
        this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
        return inner.httpRequest(req, options);
      },
    } as Transport;
    // Bulk 2.0 builds a fresh HttpApi per call from conn._transport, so its calls pass through here too.
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
          `use up to ${Math.round(this.share * 100)}% (set maxShareOfDailyLimit to change it); the next run resumes where this one stopped`,
      );
    }
  }
}

function classify(url: string): string {
  if (url.includes('/oauth2/')) return 'auth';
  if (url.includes('/jobs/query')) return 'bulk-query';
  if (url.includes('/jobs/ingest')) return 'bulk-ingest';
  if (url.includes('/composite/')) return 'composite';
  if (/\/query(All)?[/?]/.test(url)) return 'query';
  if (url.includes('/describe')) return 'describe';
  if (url.includes('/limits')) return 'limits';
  return 'other';
}
