// The service's settings, declared once: each key names its environment variable so a validation error can
// tell the operator exactly what to fix (practica's config.ts, with zod instead of convict).
import cron from 'node-cron';
import { z } from 'zod';

const cronExpression = z.string().refine((expr) => cron.validate(expr), { message: 'not a valid cron expression' });
const booleanish = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')]);
/**
 * A whole number from the environment (text) or a file (number). z.coerce would turn "abc" into NaN and
 * report "expected number, received NaN"; the operator needs to read what the setting must be instead.
 */
const integer = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.union([z.number(), z.string().trim().regex(/^-?\d+$/, { error: message }).transform(Number)], { error: message })
    .pipe(z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message }));
};
const port = integer(0, 65535);
/** A share such as 0.5 from the environment (text) or a file (number). */
const fraction = (() => {
  const message = 'must be a number above 0 and at most 1, such as 0.5 for half';
  return z.union([z.number(), z.string().trim().regex(/^(0|1)?(\.\d+)?$/, { error: message }).transform(Number)], { error: message })
    .pipe(z.number({ error: message }).gt(0, { error: message }).max(1, { error: message }));
})();
/**
 * Characters of customer text quoted back into the org: "off" (or 0) for none, else 1 to 255
 * (Text_Excerpt__c holds 255).
 */
const excerptChars = (() => {
  const message = 'must be off, or a whole number of characters from 1 to 255';
  return z.union([z.number(), z.string().trim().regex(/^(off|\d+)$/i, { error: message }).transform((v) => (v.toLowerCase() === 'off' ? 0 : Number(v)))], { error: message })
    .pipe(z.number({ error: message }).int({ error: message }).min(0, { error: message }).max(255, { error: message }));
})();
// node-cron hands the zone to Intl; an unknown one would only fail when the first schedule is set up, after
// the server already listens.
const timeZone = z.string().min(1).refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, { message: 'not a known IANA time zone (e.g. UTC, Europe/London, America/New_York)' });
// A comma-separated list in the environment, an array in the file.
/** postgres://user:password@host:port/database (postgresql:// too), with a host and a database name. */
const postgresUrl = z.string().trim().refine((value) => {
  try {
    const u = new URL(value);
    return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname !== '' && u.pathname.length > 1;
  } catch {
    return false;
  }
}, { error: 'must be a PostgreSQL URL: postgres://user:password@host:port/database (the value is not shown: it may hold a password)' });

const hostList = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').map((h) => h.trim()).filter(Boolean) : v),
  z.array(z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/, { error: 'must list host names or host:port, separated by commas' })),
);

export const configSchema = z.object({
  server: z.object({
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(3000),
    // Host header values accepted besides the server's own address (a reverse proxy's or DNS name).
    allowedHosts: hostList.default([]),
  }).prefault({}),
  // Preprocessed rather than defaulted: the token has no default, and a missing section must still report auth.token.
  auth: z.preprocess((v) => v ?? {}, z.object({
    // Long enough that guessing is hopeless; the demo generates one.
    token: z.string({ error: 'is required' }).min(16, { error: 'must be at least 16 characters' }),
  })),
  // Org connection settings in the sync engine's format (connect/config.ts: flow, loginUrl, clientId, ...),
  // validated by it at start. Usually absent from the file: the SF_* variables then apply.
  org: z.record(z.string(), z.unknown()).optional(),
  store: z.object({
    path: z.string().min(1).default('.reco/mirror.db'),
    // A PostgreSQL store instead of the node:sqlite file at `path`. The messages never quote the value: it
    // carries the password.
    url: postgresUrl.optional(),
  }).prefault({}),
  // Several sync-server processes on one PostgreSQL store: every one serves, one at a time runs.
  replicas: z.object({
    // Shown to the other replicas while this one runs (default: host name and process id).
    name: z.string().trim().min(1).max(63).optional(),
    // How often a replica looks for a run left unfinished by one that died, and takes it over.
    takeoverSeconds: integer(1, 3600).default(15),
  }).prefault({}),
  // The model step's per-account part in worker processes, handed out through the PostgreSQL store
  // (docs/scale.md). Unset, the model step runs in the service's process, as with the node:sqlite store.
  models: z.object({
    // Worker processes the service starts for a run's model step; 0: none, the workers run elsewhere (`npm run worker`).
    workers: integer(0, 256).optional(),
    // Accounts per partition, the unit of work a worker claims (default 5,000).
    partitionAccounts: integer(10, 1_000_000).optional(),
  }).prefault({}),
  schedule: z.object({
    enabled: booleanish.default(true),
    incremental: cronExpression.default('*/15 * * * *'),
    // Off the quarter-hour so the nightly full run does not collide with an incremental tick.
    full: cronExpression.default('7 2 * * *'),
    timezone: timeZone.default('UTC'),
    resumeOnStart: booleanish.default(true),
  }).prefault({}),
  // How a run uses the org; unset, the pipeline's defaults (in parentheses in the README) apply.
  sync: z.object({
    // Share of the org's daily API requests a run may leave used before it stops and resumes next time.
    apiBudgetShare: fraction.optional(),
    // Above this many changed records an object is read with Bulk API 2.0 instead of REST queries.
    extractBulkThreshold: integer(1, 100_000_000).optional(),
    // Above this many records to write, write-back uses Bulk API 2.0 instead of sObject Collections.
    writebackBulkThreshold: integer(1, 100_000_000).optional(),
    // Incremental reads start this far before the last watermark, for records committed late.
    incrementalOverlapMs: integer(0, 86_400_000).optional(),
    // Incremental runs reuse the last tuned model settings until they are this many days old.
    retuneAfterDays: integer(0, 365).optional(),
  }).prefault({}),
  // Customer text (Cases, comments, Tasks, Events, emails): Reco stores scores and themes, and quotes at most
  // this much of one text back into the org as the insight's excerpt. Unset, the text step's defaults apply
  // (text/score-store.ts DEFAULT_EXCERPT_CHARS: 160, none for emails).
  text: z.object({
    // Case, CaseComment, Task and Event.
    excerptChars: excerptChars.optional(),
    // EmailMessage: off unless the operator opts in, emails being the most private text.
    emailExcerptChars: excerptChars.optional(),
  }).prefault({}),
  shutdown: z.object({
    graceMs: integer(0, 600_000).default(30_000),
  }).prefault({}),
  log: z.object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  }).prefault({}),
  evaluation: z.object({
    // JSON written by `npm run evaluate -- --json`, shown on the dashboard when present.
    file: z.string().min(1).optional(),
  }).prefault({}),
  impact: z.object({
    // Share of accounts whose lists reps never see, kept to measure lift. Assignment is a seeded hash of the
    // Account Id, so changing the share moves only the accounts between the old and new share.
    holdoutShare: z.coerce.number().min(0).max(0.5).default(0.1),
    // Days after a recommendation in which a new line item for its product counts as its conversion.
    windowDays: z.coerce.number().int().min(1).max(3650).default(90),
  }).prefault({}),
  dashboard: z.object({
    // Demo convenience: put the token into the page, only for loopback clients.
    injectToken: booleanish.default(false),
    // ISO 4217 code the dashboard shows amounts in. Unset: the currency stamped on the mirrored opportunities
    // (multi-currency orgs); a single-currency org's amounts are then shown without a symbol.
    currency: z.string().trim().regex(/^[A-Z]{3}$/, { error: 'must be a three-letter ISO 4217 currency code such as GBP, EUR or USD' }).optional(),
  }).prefault({}),
}).superRefine((config, ctx) => {
  // Settings that only mean something together with another one.
  if (config.models.workers !== undefined && !config.store.url) {
    ctx.addIssue({
      code: 'custom',
      path: ['models', 'workers'],
      message: 'needs a PostgreSQL store (RECO_STORE_URL): the partitions and their results go through PostgreSQL, which the worker processes share; with the RECO_STORE_PATH file the model step runs in the service, so leave it unset',
    });
  }
  if (config.models.partitionAccounts !== undefined && config.models.workers === undefined) {
    ctx.addIssue({ code: 'custom', path: ['models', 'partitionAccounts'], message: 'applies only to the model step in worker processes: set RECO_MODEL_WORKERS too, or leave it unset' });
  }
});

export type Config = z.infer<typeof configSchema>;

/** Environment variable for each setting path; the loader reads these and errors cite them. */
export const envVars: Record<string, string> = {
  'server.host': 'RECO_HOST',
  'server.port': 'RECO_PORT',
  'server.allowedHosts': 'RECO_ALLOWED_HOSTS',
  'auth.token': 'RECO_API_TOKEN',
  'store.path': 'RECO_STORE_PATH',
  'store.url': 'RECO_STORE_URL',
  'replicas.name': 'RECO_REPLICA_NAME',
  'replicas.takeoverSeconds': 'RECO_TAKEOVER_SECONDS',
  'models.workers': 'RECO_MODEL_WORKERS',
  'models.partitionAccounts': 'RECO_MODEL_PARTITION_ACCOUNTS',
  'schedule.enabled': 'RECO_SCHEDULE_ENABLED',
  'schedule.incremental': 'RECO_SCHEDULE_INCREMENTAL',
  'schedule.full': 'RECO_SCHEDULE_FULL',
  'schedule.timezone': 'RECO_SCHEDULE_TIMEZONE',
  'schedule.resumeOnStart': 'RECO_SCHEDULE_RESUME_ON_START',
  'sync.apiBudgetShare': 'RECO_API_BUDGET_SHARE',
  'sync.extractBulkThreshold': 'RECO_EXTRACT_BULK_THRESHOLD',
  'sync.writebackBulkThreshold': 'RECO_WRITEBACK_BULK_THRESHOLD',
  'sync.incrementalOverlapMs': 'RECO_INCREMENTAL_OVERLAP_MS',
  'sync.retuneAfterDays': 'RECO_RETUNE_AFTER_DAYS',
  'text.excerptChars': 'RECO_TEXT_EXCERPTS',
  'text.emailExcerptChars': 'RECO_TEXT_EMAIL_EXCERPTS',
  'shutdown.graceMs': 'RECO_SHUTDOWN_GRACE_MS',
  'log.level': 'RECO_LOG_LEVEL',
  'evaluation.file': 'RECO_EVALUATION_FILE',
  'dashboard.injectToken': 'RECO_DASHBOARD_INJECT_TOKEN',
  'dashboard.currency': 'RECO_CURRENCY',
  'impact.holdoutShare': 'RECO_IMPACT_HOLDOUT_SHARE',
  'impact.windowDays': 'RECO_IMPACT_WINDOW_DAYS',
};
