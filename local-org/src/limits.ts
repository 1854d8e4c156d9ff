// The daily API request allocation a real org enforces. Every authenticated REST call (each Bulk 2.0
// call and each composite call counts once) consumes one request; token and identity calls do not.
// The counter resets at midnight UTC of the org clock, which stands in for Salesforce's rolling 24 h.

export const DEFAULT_DAILY_API_LIMIT = 15000; // Developer Edition

export type ApiUsage = { used: number; limit: number };

export type ApiCounter = {
  /** Consumes one request; false when the allocation is already spent (the call must be refused). */
  consume(): boolean;
  usage(): ApiUsage;
  /** The Sforce-Limit-Info header value jsforce parses into conn.limitInfo. */
  header(): string;
  /** Consumes Bulk allocations: ingest batches (one per 10,000 rows) and query jobs. */
  consumeBulk(kind: 'batches' | 'queryJobs', n: number): void;
  /** The GET /limits body (Max/Remaining per allocation). */
  limits(): Record<string, { Max: number; Remaining: number }>;
};

const BULK_BATCHES_PER_DAY = 15000;
const BULK_QUERY_JOBS_PER_DAY = 10000;

export function createApiCounter(limit: number, clock: () => Date): ApiCounter {
  if (!Number.isInteger(limit) || limit < 0) throw new Error(`daily API limit must be a non-negative integer, got ${limit}`);
  let day = '';
  let used = 0;
  const bulk = { batches: 0, queryJobs: 0 };
  const roll = (): void => {
    const today = clock().toISOString().slice(0, 10);
    if (today !== day) {
      day = today;
      used = 0;
      bulk.batches = 0;
      bulk.queryJobs = 0;
    }
  };
  const usage = (): ApiUsage => {
    roll();
    return { used, limit };
  };
  return {
    consume() {
      roll();
      if (used >= limit) return false;
      used++;
      return true;
    },
    usage,
    header() {
      const u = usage();
      return `api-usage=${u.used}/${u.limit}`;
    },
    consumeBulk(kind, n) {
      roll();
      bulk[kind] += n;
    },
    limits() {
      const u = usage();
      const full = (max: number) => ({ Max: max, Remaining: max });
      return {
        ConcurrentAsyncGetReportInstances: full(200),
        ConcurrentSyncReportRuns: full(20),
        DailyApiRequests: { Max: u.limit, Remaining: u.limit - u.used },
        DailyAsyncApexExecutions: full(250000),
        DailyBulkApiBatches: { Max: BULK_BATCHES_PER_DAY, Remaining: Math.max(0, BULK_BATCHES_PER_DAY - bulk.batches) },
        DailyBulkV2QueryFileStorageMB: full(976562),
        DailyBulkV2QueryJobs: { Max: BULK_QUERY_JOBS_PER_DAY, Remaining: Math.max(0, BULK_QUERY_JOBS_PER_DAY - bulk.queryJobs) },
        DailyGenericStreamingApiEvents: full(10000),
        DailyStreamingApiEvents: full(10000),
        DataStorageMB: full(5),
        FileStorageMB: full(20),
        HourlyDashboardRefreshes: full(200),
        HourlyODataCallout: full(10000),
        HourlySyncReportRuns: full(500),
        MassEmail: full(10),
        SingleEmail: full(15),
      };
    },
  };
}
