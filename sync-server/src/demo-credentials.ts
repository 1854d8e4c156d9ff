// `npm run demo` leaves the demo org's credentials where the CLI can use them: a 0600 JSON file under the
// git-ignored .reco/ (the shape `npm run local-org -- --credentials-file` writes, so `replay` reads it too),
// and one `sf org login` line that reads the token from that file, so the token itself is never printed.
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type DemoOrgCredentials = {
  instanceUrl: string; loginUrl: string; username: string; password: string; clientId: string; clientSecret: string; accessToken: string; refreshToken: string;
};

export const DEMO_ORG_ALIAS = 'reco-demo';

/** Writes the file (atomically, owner-only) and returns the shell line that logs the `sf` CLI in to the org. */
export function writeDemoCredentials(file: string, credentials: DemoOrgCredentials): { file: string; loginCommand: string } {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600); // the mode above is masked by the umask only on creation; a reused name keeps its old mode
  renameSync(tmp, file);
  return { file, loginCommand: loginCommand(file, credentials.instanceUrl) };
}

/** POSIX-shell single quoting: the path may hold spaces or quotes. */
const shellQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

export function loginCommand(file: string, instanceUrl: string): string {
  const readToken = `node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).accessToken' ${shellQuote(file)}`;
  return `SF_ACCESS_TOKEN="$(${readToken})" sf org login access-token --instance-url ${shellQuote(instanceUrl)} --alias ${DEMO_ORG_ALIAS} --no-prompt`;
}
