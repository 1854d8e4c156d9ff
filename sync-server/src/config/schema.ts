// The service's settings, declared once: each key names its environment variable so a validation error can
// tell the operator exactly what to fix (practica's config.ts, with zod instead of convict).
import cron from 'node-cron';
import { z } from 'zod';

const cronExpression = z.string().refine((expr) => cron.validate(expr), { message: 'not a valid cron expression' });
const booleanish = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')]);
const port = z.coerce.number().int().min(0).max(65535);

export const configSchema = z.object({
  server: z.object({
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(3000),
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
  }).prefault({}),
  schedule: z.object({
    enabled: booleanish.default(true),
    incremental: cronExpression.default('*/15 * * * *'),
    // Off the quarter-hour so the nightly full run does not collide with an incremental tick.
    full: cronExpression.default('7 2 * * *'),
    timezone: z.string().min(1).default('UTC'),
    resumeOnStart: booleanish.default(true),
  }).prefault({}),
  shutdown: z.object({
    graceMs: z.coerce.number().int().min(0).max(600_000).default(30_000),
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
  }).prefault({}),
});

export type Config = z.infer<typeof configSchema>;

/** Environment variable for each setting path; the loader reads these and errors cite them. */
export const envVars: Record<string, string> = {
  'server.host': 'RECO_HOST',
  'server.port': 'RECO_PORT',
  'auth.token': 'RECO_API_TOKEN',
  'store.path': 'RECO_STORE_PATH',
  'schedule.enabled': 'RECO_SCHEDULE_ENABLED',
  'schedule.incremental': 'RECO_SCHEDULE_INCREMENTAL',
  'schedule.full': 'RECO_SCHEDULE_FULL',
  'schedule.timezone': 'RECO_SCHEDULE_TIMEZONE',
  'schedule.resumeOnStart': 'RECO_SCHEDULE_RESUME_ON_START',
  'shutdown.graceMs': 'RECO_SHUTDOWN_GRACE_MS',
  'log.level': 'RECO_LOG_LEVEL',
  'evaluation.file': 'RECO_EVALUATION_FILE',
  'dashboard.injectToken': 'RECO_DASHBOARD_INJECT_TOKEN',
  'impact.holdoutShare': 'RECO_IMPACT_HOLDOUT_SHARE',
  'impact.windowDays': 'RECO_IMPACT_WINDOW_DAYS',
};
