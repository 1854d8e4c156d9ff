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
    message: 'set exactly one of privateKey (PEM text, SF_PRIVATE_KEY) or privateKeyFile (path to a PEM file, SF_PRIVATE_KEY_FILE)',
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

/**
 * Validates settings; the error lists every wrong or missing setting by name, never its value. `nameOf` says
 * how to name a setting (the environment variable when the settings came from the environment).
 */
export function parseConnectionConfig(input: unknown, nameOf: (setting: string) => string = (s) => s): ConnectionConfig {
  const result = connectionConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((i) => {
      const setting = i.path.length ? i.path.join('.') : 'flow';
      if (i.code === 'invalid_union' || (setting === 'flow' && i.code !== 'custom')) {
        return `${nameOf('flow')}: must be one of sf-org, jwt, client-credentials, refresh-token, password`;
      }
      return `${nameOf(setting)}: ${i.message}`;
    }),
  );
}

/** The environment variable of each connection setting (the README's settings table is tested against it). */
export const connectionEnvVars: Record<string, string> = {
  flow: 'SF_AUTH_FLOW',
  targetOrg: 'SF_TARGET_ORG',
  loginUrl: 'SF_LOGIN_URL',
  instanceUrl: 'SF_INSTANCE_URL',
  clientId: 'SF_CLIENT_ID',
  clientSecret: 'SF_CLIENT_SECRET',
  username: 'SF_USERNAME',
  password: 'SF_PASSWORD',
  refreshToken: 'SF_REFRESH_TOKEN',
  accessToken: 'SF_ACCESS_TOKEN',
  privateKey: 'SF_PRIVATE_KEY',
  privateKeyFile: 'SF_PRIVATE_KEY_FILE',
  apiVersion: 'SF_API_VERSION',
};

/** Names read before the README's names were settled; still accepted so existing deployments keep working. */
export const connectionEnvAliases: Record<string, string> = { SF_JWT_KEY: 'SF_PRIVATE_KEY', SF_JWT_KEY_FILE: 'SF_PRIVATE_KEY_FILE' };

/** Maps SF_* environment variables (as the service and CLI read them) onto the settings; errors name the variables. */
export function connectionConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ConnectionConfig {
  const set = (k: string): string | undefined => (env[k] === undefined || env[k] === '' ? undefined : env[k]);
  const problems: string[] = [];
  const pick = (name: string): string | undefined => {
    const alias = Object.keys(connectionEnvAliases).find((old) => connectionEnvAliases[old] === name);
    const value = set(name);
    const old = alias ? set(alias) : undefined;
    if (value !== undefined && old !== undefined && value !== old) problems.push(`${name}: also set under its old name ${alias} with another value; keep only ${name}`);
    return value ?? old;
  };
  const flow = pick('SF_AUTH_FLOW') ?? (pick('SF_TARGET_ORG') ? 'sf-org' : undefined);
  const raw: Record<string, unknown> = {};
  for (const [setting, name] of Object.entries(connectionEnvVars)) raw[setting] = setting === 'flow' ? flow : pick(name);
  for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
  if (problems.length) throw new ConfigError(problems);
  if (!flow) throw new ConfigError(['SF_AUTH_FLOW: set it (sf-org, jwt, client-credentials, refresh-token, password) or set SF_TARGET_ORG']);
  return parseConnectionConfig(raw, (setting) => connectionEnvVars[setting] ?? setting);
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
