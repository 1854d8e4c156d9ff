// npm run impact:replay -- [--weeks 13] [--dir .reco/impact-replay] [--serve] [--json]
// Seeds a local org from the Online Retail file with the last `weeks` weeks held back, runs Reco on the cutoff,
// then replays those weeks invoice by invoice with a weekly sync, through the real pipeline and measurement.
// Prints the impact report; --serve then starts the sync server on the result so the dashboard shows it.
// No rep acts on the lists in a replay, so the lift it reports should be close to 0.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalOrg } from '@reco/local-org';
import { loadConfig } from '../config/load-config.js';
import { createConnection } from '../connect/connect.js';
import { buildReport, DEFAULT_WINDOW_DAYS, reactionsFromMirror, readConversions, readExposures } from '../impact/index.js';
import { createLogger } from '../logging/logger.js';
import { openMirror } from '../mirror/db.js';
import { DEFAULT_HOLDOUT_SHARE } from '../models/options.js';
import { dayToIso } from '../recommend/purchase-log.js';
import { startServer, stopOnSignals } from '../server.js';
import { replayQuarter } from './replay-quarter.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const say = (line: string): void => { process.stderr.write(`${line}\n`); };

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    weeks: { type: 'string', default: '13' }, dir: { type: 'string', default: path.join(repoRoot, '.reco/impact-replay') },
    data: { type: 'string', default: process.env.RECO_ONLINE_RETAIL ?? path.resolve(repoRoot, '../shared/data/online-retail.csv.gz') },
    serve: { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
  } });
  const weeks = Number(values.weeks);
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > 26) throw new Error(`--weeks must be a whole number from 1 to 26, got "${values.weeks}"`);
  // local-org moves the data so its last invoice is about yesterday: hold back the last `weeks` weeks.
  const today = Math.floor(Date.now() / 86_400_000);
  const cutoff = dayToIso(today - 1 - 7 * weeks);
  rmSync(values.dir, { recursive: true, force: true });
  mkdirSync(values.dir, { recursive: true });
  const t0 = Date.now();
  say(`Seeding a local org with history before ${cutoff} ...`);
  const org = await startLocalOrg({ port: 0, db: path.join(values.dir, 'org.db'), seed: { onlineRetail: values.data }, asOf: cutoff });
  const c = org.credentials;
  const connection = await createConnection({ flow: 'refresh-token', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken });
  const mirrorPath = path.join(values.dir, 'mirror.db');
  const mirror = openMirror(mirrorPath);
  await replayQuarter({ connection, mirror }, {
    cutoff, weeks, replay: (until) => org.replay({ until }),
    onRun: (w, asOf, s) => say(`  week ${w} (${asOf}): ${s.kind} ${s.status} in ${(s.durationMs / 1000).toFixed(1)} s; ${s.impact?.conversions ?? 0} conversions so far`),
  });
  const report = buildReport(await readExposures(mirror.sql), await readConversions(mirror.sql), { windowDays: DEFAULT_WINDOW_DAYS, holdoutShare: DEFAULT_HOLDOUT_SHARE, reactions: await reactionsFromMirror(mirror.sql) });
  mirror.close();
  say(`Replayed ${weeks} weeks in ${((Date.now() - t0) / 1000).toFixed(0)} s.`);
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : `${report.verdict.text}\n`);
  if (!values.serve) {
    await org.close();
    return;
  }
  const token = process.env.RECO_API_TOKEN ?? randomBytes(24).toString('base64url');
  const config = loadConfig({ env: { ...process.env, RECO_API_TOKEN: token }, overrides: {
    server: { port: process.env.RECO_PORT ?? 0 }, store: { path: mirrorPath }, dashboard: { injectToken: true },
    schedule: { enabled: false, resumeOnStart: false }, log: { level: 'warn' },
  } });
  const logger = createLogger({ level: config.log.level });
  const service = await startServer(config, { logger, connection: { flow: 'refresh-token', loginUrl: c.loginUrl, instanceUrl: c.instanceUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken, accessToken: c.accessToken } });
  stopOnSignals(service, logger, () => org.close());
  say(`Dashboard:  ${service.url}/dashboard/  (impact section; API token ${token}). Ctrl-C to stop.`);
}

main().catch((error: unknown) => {
  process.stderr.write(`impact:replay: ${(error as Error).message}\n`);
  process.exit(1);
});
