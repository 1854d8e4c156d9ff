// Connection settings, validated once at start so a wrong setting fails with its name instead of deep inside
// an HTTP call. Secrets are only ever read here and handed to jsforce; describeConnectionConfig() is the one
// place that renders settings for humans, and it masks them.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const url = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ''));
const apiVersion = z.string().regex(/^\d{2,3}\.0$/, 'must look like "62.0"').default('62.0');

const common = { apiVersion };

export const connectionConfigSchema = z.discriminatedUnion('flow', [
  z.object({ flow: z.literal('sf-org'), targetOrg: z.string().min(1, 'set the sf CLI alias or username'), ...common }),
  z.object({
    flow: z.literal('jwt'),
    loginUrl: url.default('https://login.salesforce.com'),
    clientId: z.string().min(1),
    username: z.string().min(1),
    privateKey: z.string().min(1).optional(),
    privateKeyFile: z.string().min(1).optional(),
    ...common,
  }).refine((c) => Boolean(c.privateKey) !== Boolean(c.privateKeyFile), {
    message: 'set exactly one of privateKey (PEM text) or privateKeyFile (path to a PEM file)',
    path: ['privateKey'],
  }),
  z.object({
    flow: z.literal('client-credentials'),
    loginUrl: url, // the org's My Domain URL: the client-credentials grant is not served by login.salesforce.com
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    ...common,
  }),
  z.object({
    flow: z.literal('refresh-token'),
    loginUrl: url.default('https://login.salesforce.com'),
    instanceUrl: url.optional(),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1).optional(),
    refreshToken: z.string().min(1),
    accessToken: z.string().min(1).optional(),
    ...common,
  }),
  z.object({
    flow: z.literal('password'),
    loginUrl: url.default('https://login.salesforce.com'),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    username: z.string().min(1),
    password: z.string().min(1), // password + security token unless the IP range is trusted
    ...common,
  }),
]);

export type ConnectionConfig = z.output<typeof connectionConfigSchema>;
export type ConnectionConfigInput = z.input<typeof connectionConfigSchema>;

export class ConfigError extends Error {
  public constructor(public readonly problems: string[]) {
    super(`invalid Salesforce connection settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates settings; the error lists every wrong or missing setting by name, never its value. */
export function parseConnectionConfig(input: unknown): ConnectionConfig {
  const result = connectionConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((i) => {
      const name = i.path.length ? i.path.join('.') : 'flow';
      if (i.code === 'invalid_union' || (name === 'flow' && i.code !== 'custom')) {
        return 'flow: must be one of sf-org, jwt, client-credentials, refresh-token, password';
      }
      return `${name}: ${i.message}`;
    }),
  );
}

/** Maps SF_* environment variables (as the service and CLI read them) onto the settings. */
export function connectionConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ConnectionConfig {
  const pick = (k: string): string | undefined => (env[k] === undefined || env[k] === '' ? undefined : env[k]);
  const flow = pick('SF_AUTH_FLOW') ?? (pick('SF_TARGET_ORG') ? 'sf-org' : undefined);
  const raw: Record<string, unknown> = {
    flow,
    targetOrg: pick('SF_TARGET_ORG'),
    loginUrl: pick('SF_LOGIN_URL'),
    instanceUrl: pick('SF_INSTANCE_URL'),
    clientId: pick('SF_CLIENT_ID'),
    clientSecret: pick('SF_CLIENT_SECRET'),
    username: pick('SF_USERNAME'),
    password: pick('SF_PASSWORD'),
    refreshToken: pick('SF_REFRESH_TOKEN'),
    accessToken: pick('SF_ACCESS_TOKEN'),
    privateKey: pick('SF_JWT_KEY'),
    privateKeyFile: pick('SF_JWT_KEY_FILE'),
    apiVersion: pick('SF_API_VERSION'),
  };
  for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
  if (!flow) throw new ConfigError(['SF_AUTH_FLOW: set it (sf-org, jwt, client-credentials, refresh-token, password) or set SF_TARGET_ORG']);
  return parseConnectionConfig(raw);
}

const SECRET_KEYS = new Set(['clientSecret', 'password', 'refreshToken', 'accessToken', 'privateKey']);

/** A loggable view of the settings: secrets masked, everything else as is. */
export function describeConnectionConfig(config: ConnectionConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) out[k] = SECRET_KEYS.has(k) ? '***' : String(v);
  return out;
}

export function readPrivateKey(config: Extract<ConnectionConfig, { flow: 'jwt' }>): string {
  if (config.privateKey) return config.privateKey;
  try {
    return readFileSync(config.privateKeyFile as string, 'utf8');
  } catch (err) {
    throw new ConfigError([`privateKeyFile: cannot read ${config.privateKeyFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
}
