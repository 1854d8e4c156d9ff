// Fail fast at start: merge an optional JSON file with the environment (environment wins), validate, and
// report every bad setting by its path and variable name. Values are never echoed: some are secrets.
import { readFileSync } from 'node:fs';
import { configSchema, envVars, type Config } from './schema.js';

export class ConfigError extends Error {
  public constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export type ConfigSources = {
  env?: NodeJS.ProcessEnv;
  /** JSON file with the same nesting as the schema; defaults to $RECO_CONFIG_FILE when set. */
  file?: string;
  /** Values that win over both (programmatic use: tests, the demo). */
  overrides?: Record<string, unknown>;
};

export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const file = sources.file ?? env.RECO_CONFIG_FILE;
  const merged: Record<string, unknown> = file ? readConfigFile(file) : {};
  for (const [path, name] of Object.entries(envVars)) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(merged, path, value);
  }
  deepMerge(merged, sources.overrides ?? {});
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => {
      const path = issue.path.join('.');
      // A list item's issue (server.allowedHosts.0) belongs to the list's variable.
      const name = envVars[path] ?? envVars[issue.path.filter((p) => typeof p === 'string').join('.')];
      return `${path}${name ? ` (${name})` : ''}: ${issue.message}`;
    }));
  }
  return parsed.data;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`config file ${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  try {
    const data: unknown = JSON.parse(text);
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('not an object');
    return data as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError([`config file ${file}: not a JSON object (${(error as Error).message})`]);
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
      deepMerge(target[key] as Record<string, unknown>, value as Record<string, unknown>);
    } else if (value !== undefined) {
      target[key] = value;
    }
  }
}
