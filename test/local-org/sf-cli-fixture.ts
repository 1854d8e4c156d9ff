// Shared set-up for the tests that drive the real Salesforce CLI (@salesforce/cli, pinned in the root
// devDependencies) against local-org: an in-process org plus an isolated HOME for sf (it writes ~/.sf,
// ~/.sfdx and its logs there), and a runner that spawns `sf` the way an admin types it.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalOrg } from '../../local-org/src/index.js';
import { startTestOrg } from './http-fixture.js';

/** The pinned CLI's own entry point (what node_modules/.bin/sf runs), with this process's Node (24, via npx). */
const SF_RUN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../node_modules/@salesforce/cli/bin/run.js');

export type SfRun = { code: number; stdout: string; stderr: string };

export type SfSession = {
  org: LocalOrg;
  home: string;
  /** Runs `sf <args>`; `@token` in an argument is replaced by the org's access token. Never throws on exit codes. */
  sf(args: string[], opts?: { env?: Record<string, string>; cwd?: string }): Promise<SfRun>;
  /** `sf <args> --json`, parsed; the exit code is kept beside the envelope. */
  sfJson<T = unknown>(args: string[], opts?: { env?: Record<string, string>; cwd?: string }): Promise<SfJson<T>>;
  close(): Promise<void>;
};

export type SfJson<T> = { code: number; status: number; result: T; warnings?: string[]; name?: string; message?: string; data?: unknown };

/** The environment of an admin's shell, minus anything that would point sf at another org or config. */
function baseEnv(home: string, instanceUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // CI runners set CI / CI_*; @oclif/table then prints plain ASCII tables instead of what an admin sees.
  for (const [k, v] of Object.entries(process.env)) if (!/^(SF|SFDX|CI)_/i.test(k) && !['DEBUG', 'CI', 'CONTINUOUS_INTEGRATION'].includes(k)) env[k] = v;
  return {
    ...env,
    HOME: home,
    USERPROFILE: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    SF_AUTOUPDATE_DISABLE: 'true',
    SF_DISABLE_TELEMETRY: 'true',
    SF_USE_PROGRESS_BAR: 'false',
    // The update check spawns a detached `sf` that would reach for the npm registry.
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_HIDE_RELEASE_NOTES: 'true',
    SF_ORG_INSTANCE_URL: instanceUrl,
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
}

export async function startSfSession(): Promise<SfSession> {
  const org = await startTestOrg();
  const home = mkdtempSync(path.join(tmpdir(), 'reco-sf-home-'));
  const env = baseEnv(home, org.url);
  const sf = (args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): Promise<SfRun> =>
    new Promise((resolve, reject) => {
      const argv = args.map((a) => a.replace('@token', org.credentials.accessToken));
      execFile(
        process.execPath,
        ['--no-deprecation', SF_RUN, ...argv],
        { env: { ...env, ...opts.env }, cwd: opts.cwd ?? home, timeout: 90_000, maxBuffer: 32 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : NaN) : 0;
          if (err && Number.isNaN(code)) reject(err);
          else resolve({ code, stdout, stderr });
        },
      );
    });
  return {
    org,
    home,
    sf,
    async sfJson<T>(args: string[], opts?: { env?: Record<string, string>; cwd?: string }): Promise<SfJson<T>> {
      const run = await sf([...args, '--json'], opts);
      try {
        return { ...(JSON.parse(run.stdout) as Omit<SfJson<T>, 'code'>), code: run.code };
      } catch {
        throw new Error(`sf ${args.join(' ')} --json printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
      }
    },
    async close() {
      await org.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Plain output without the http warning sf adds for a loopback org, for table assertions. */
export const lines = (out: string): string[] => out.split('\n').map((l) => l.trimEnd()).filter((l) => l && !l.startsWith('Warning: Using insecure protocol'));
