// `npm run demo`: a local Salesforce org seeded from the Online Retail data, the sync server against it, the
// first full sync, then the dashboard URL and the token. Everything stays on loopback; Ctrl-C stops it all.
// After that, in the background: the evaluation against baselines, and a replayed quarter (the models run on
// each of the data's last 13 weeks, the real sales that followed attributed) for the dashboard's impact section.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { SqliteSql } from './mirror/sqlite-sql.js';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ADMIN_USERNAME, INTEGRATION_USERNAME, SALES_REP_USERNAME, assignPermissionSets, deploySource, startLocalOrg, type LocalOrg } from '@reco/local-org';
import { loadConfig } from './config/load-config.js';
import { writeDemoCredentials } from './demo-credentials.js';
import type { ImpactSource } from './http/ports.js';
import type { Sql } from './lib/sql.js';
import { quarterImpactSource } from './simulate/quarter-source.js';
import type { QuarterResult } from './simulate/quarter-from-mirror.js';
import { createLogger } from './logging/logger.js';
import { startServer, stopOnSignals } from './server.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const dataFile = path.resolve(repoRoot, '../shared/data/online-retail.csv.gz');
// Real support queries (BANKING77, CC BY 4.0) opened as Cases on random accounts: the record page's text signals.
const casesFile = path.resolve(repoRoot, '../shared/data/text/banking77-test.csv.gz');
const workDir = path.join(repoRoot, '.reco/demo');
const orgDir = path.join(repoRoot, '.reco/demo-org');
const say = (line: string): void => { process.stdout.write(`${line}\n`); };
const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const t0 = Date.now();
  if (!existsSync(dataFile)) throw new Error(`the demo data is missing: expected ${dataFile} (the UCI Online Retail file, see README "Data")`);
  // A fresh mirror each time: the demo org is rebuilt from the file, so old results would not match it.
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });

  const org = await startDemoOrg();
  say(`Local org at ${org.url} (${seconds(t0)})`);
  const login = writeDemoCredentials(path.join(orgDir, 'credentials.json'), org.credentials);
  say(`Its credentials: ${path.relative(process.cwd(), login.file)} (git-ignored). Log the sf CLI in to it with:`);
  say(`  ${login.loginCommand}`);

  const token = process.env.RECO_API_TOKEN ?? randomBytes(24).toString('base64url');
  const evaluationFile = path.join(workDir, 'evaluation.json');
  const config = loadConfig({
    env: { ...process.env, RECO_API_TOKEN: token },
    overrides: {
      server: { port: process.env.RECO_PORT ?? 3000 },
      store: { path: path.join(workDir, 'mirror.db') },
      dashboard: { injectToken: true },
      evaluation: { file: evaluationFile },
      log: { level: process.env.RECO_LOG_LEVEL ?? 'warn' },
    },
  });
  const { credentials } = org;
  const connection = {
    flow: 'refresh-token' as const, loginUrl: credentials.loginUrl, instanceUrl: credentials.instanceUrl, clientId: credentials.clientId,
    clientSecret: credentials.clientSecret, refreshToken: credentials.refreshToken, accessToken: credentials.accessToken,
  };
  const logger = createLogger({ level: config.log.level });
  // GET /impact answers from the live syncs until the replayed quarter is measured, then from it: a first sync
  // has only just made its lists, so nothing could have converted yet.
  let quarter: ImpactSource | null = null;
  let liveMirror: Sql | null = null;
  const impact = (live: ImpactSource, mirror: Sql): ImpactSource => {
    liveMirror = mirror;
    return (q) => (quarter ?? live)(q);
  };
  let service;
  try {
    service = await startServer(config, { connection, logger, preview: true, impact });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    say(`Port ${config.server.port} is taken; using a free one.`);
    service = await startServer({ ...config, server: { ...config.server, port: 0 } }, { connection, logger, preview: true, impact });
  }
  stopOnSignals(service, logger, () => org.close());

  say(`Dashboard:  ${service.url}/dashboard/  (watch the first sync there)`);
  say(`API token:  ${token}`);
  say('First full sync: extract -> clean -> models -> write back ...');
  const run = await service.coordinator.claim('Full', 'manual');
  const printed = new Map<string, { status: string; at: number }>();
  const ticker = setInterval(() => {
    for (const stage of run.stages.values()) {
      const last = printed.get(stage.stage);
      // A line per state change, and every 5 s while a stage counts records.
      if (last?.status === stage.status && (stage.status !== 'running' || !stage.records || Date.now() - last.at < 5000)) continue;
      printed.set(stage.stage, { status: stage.status, at: Date.now() });
      say(`  ${stage.stage.padEnd(10)} ${stage.status}${stage.records ? ` (${stage.records.toLocaleString()} records)` : ''}  [${seconds(t0)}]`);
      if (stage.stage === 'models' && stage.status === 'done') {
        // The results reach the serving cache a moment after the stage ends; name an account only once it has.
        const example = service.cache.sampleAccount();
        say(`  Recommendations are served now (write-back to the org continues)${example ? `, e.g. account ${example}` : ''}  [${seconds(t0)}]`);
      }
    }
  }, 250);
  const outcome = await run.done;
  clearInterval(ticker);
  if (!outcome) throw new Error('the first sync failed; see the log above');
  say(`Sync ${outcome.status} in ${((outcome.durationMs ?? 0) / 1000).toFixed(1)} s, ${outcome.apiCalls ?? 0} API calls.${outcome.error ? ` Error: ${outcome.error}` : ''}`);

  const sample = service.cache.sampleAccount();
  say('');
  say(`Dashboard:  ${service.url}/dashboard/`);
  say(`API token:  ${token}`);
  if (sample) say(`Try:        curl -H "Authorization: Bearer ${token}" ${service.url}/accounts/${sample}/recommendations`);
  say(`Preview:    ${service.url}/preview/accounts/${sample ?? '<accountId>'} (after npm run build:preview -w lwc)`);
  say(`Ready ${seconds(t0)} after start. Schedules: incremental "${config.schedule.incremental}", full "${config.schedule.full}". Ctrl-C to stop.`);

  // The evaluation against baselines takes a while; it fills the dashboard chart when done. It reads the
  // mirror the sync just wrote, not the CSV: local-org moved the CSV's 2011 dates to the present, and the
  // dashboard must show the window `sf reco evaluate` on this org shows.
  startEvaluation(evaluationFile, config.store.path);
  const quarterFile = path.join(workDir, 'replayed-quarter.db');
  startQuarter(quarterFile, config.store.path, config.impact, t0, (measured) => {
    if (!liveMirror) return;
    const db = new SqliteSql(new DatabaseSync(quarterFile), quarterFile);
    process.once('exit', () => void db.close());
    quarter = quarterImpactSource(db, liveMirror, config.impact, measured);
  });
}

/**
 * The replayed quarter, in a child process so the dashboard keeps answering while the models run once per
 * replayed week. The impact section switches to it when it is measured.
 */
function startQuarter(outFile: string, mirror: string, settings: { windowDays: number; holdoutShare: number }, t0: number, ready: (r: QuarterResult) => void): void {
  const started = Date.now();
  let stdout = '';
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'simulate/quarter-cli.ts'), '--mirror', mirror, '--out', outFile,
    '--weeks', '13', '--holdout-share', String(settings.holdoutShare), '--window', String(settings.windowDays)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.on('close', (code) => {
    if (code !== 0) {
      say(`The replayed quarter exited with code ${code}; the impact section shows the live syncs' figures.`);
      return;
    }
    const measured = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as QuarterResult;
    ready(measured);
    say(`Replayed quarter (${measured.from} to ${measured.to}, ${measured.weeks} weekly model runs, ${measured.conversions.toLocaleString()} conversions) is now the dashboard's impact section, measured in ${seconds(started)} (${seconds(t0)} after start).`);
  });
  process.once('exit', () => child.kill());
}

/**
 * Seeding 540k lines is most of the demo's start-up, so the seeded org is kept in .reco/demo-org and reused
 * while the data file is unchanged (RECO_DEMO_RESEED=1 forces a fresh one). The marker is written only after
 * a complete seed, so an interrupted one is redone.
 */
async function startDemoOrg(): Promise<LocalOrg> {
  const db = path.join(orgDir, 'org.db');
  const marker = path.join(orgDir, 'seeded.json');
  const cases = existsSync(casesFile) ? casesFile : undefined;
  const stamp = JSON.stringify({ file: dataFile, size: statSync(dataFile).size, mtimeMs: statSync(dataFile).mtimeMs, cases });
  if (process.env.RECO_DEMO_RESEED !== '1' && existsSync(marker) && readFileSync(marker, 'utf8') === stamp) {
    say('Reusing the seeded local org in .reco/demo-org (RECO_DEMO_RESEED=1 to rebuild it).');
    return installReco(await startLocalOrg({ port: 0, db }));
  }
  rmSync(orgDir, { recursive: true, force: true });
  mkdirSync(orgDir, { recursive: true });
  say(`Seeding a local org from ${path.relative(process.cwd(), dataFile)} (once; later demos reuse it) ...`);
  const org = installReco(await startLocalOrg({ port: 0, db, seed: { onlineRetail: dataFile, cases } }));
  writeFileSync(marker, stamp);
  return org;
}

/**
 * Installs Reco as an admin would (`sf project deploy start` of force-app, then `sf org assign permset`),
 * through local-org's own deploy path; on a reused org it redeploys the same metadata, which changes
 * nothing, and keeps the assignments it already has.
 */
function installReco(org: LocalOrg): LocalOrg {
  const outcome = deploySource(org, path.join(repoRoot, 'force-app'));
  assignPermissionSets(org, ADMIN_USERNAME, ['Reco_Admin']);
  assignPermissionSets(org, INTEGRATION_USERNAME, ['Reco_Integration']);
  assignPermissionSets(org, SALES_REP_USERNAME, ['Reco_Sales_Rep']);
  say(`Deployed Reco's metadata to the local org (${outcome.applied.length} components) and assigned its permission sets.`);
  return org;
}

function startEvaluation(outFile: string, mirror: string): void {
  const out = createWriteStream(`${outFile}.partial`);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'evaluate/cli.ts'), '--mirror', mirror, '--json'], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.pipe(out);
  child.on('close', (code) => {
    out.close(() => {
      if (code === 0) {
        renameSync(`${outFile}.partial`, outFile);
        say('Evaluation against baselines is now on the dashboard.');
      } else {
        say(`The evaluation exited with code ${code}; the dashboard shows no evaluation chart.`);
      }
    });
  });
  process.once('exit', () => child.kill());
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${(error as Error).message}\n`);
  process.exit(1);
});
