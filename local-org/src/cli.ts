// local-org command line: serve an emulated org (optionally seeded from the UCI Online Retail file), or
// replay pending invoices into an existing org.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { LocalOrgOptions } from './app.js';
import { parseFaultSpec } from './faults.js';
import type { ReplayOptions } from './seed/replay.js';

const HELP = `Usage:
  npm run local-org -- [options]                 serve a local Salesforce org
  npm run local-org -- replay [replay options]   replay pending invoices as new live records

Serve options:
  --blank                   serve a blank org: standard objects only, nothing deployed (deploy Reco's
                            metadata yourself with \`sf project deploy start\`)
  --deploy DIR              SFDX source directory deployed (Metadata API deploy, validated as a real org
                            validates it) before serving; default: this repository's force-app, whose
                            Reco_Admin / Reco_Integration permission sets are then assigned to the admin
                            and integration users
  --port N                  TCP port (default 0: any free port)
  --host ADDR               interface to bind (default 127.0.0.1)
  --db FILE                 SQLite file holding the org (default: in memory)
  --currency CODE           the org's currency, Organization.DefaultCurrencyIsoCode (default: USD for a
                            new org, GBP with --seed online-retail; given for an existing --db, replaces it)
  --seed online-retail=PATH load the UCI Online Retail CSV (.csv or .csv.gz) into a new --db
  --seed-cases PATH         with --seed: open Cases with the support queries of a text,label CSV
                            (e.g. ../shared/data/text/banking77-test.csv.gz) on random accounts
  --as-of YYYY-MM-DD        seed only history before this day; the rest stays pending for replay
  --credentials-file PATH   write {instanceUrl, loginUrl, username, password, clientId, clientSecret,
                            accessToken, refreshToken} as JSON (mode 0600)
  --faults SPEC             inject faults (grammar below)
  --daily-api-limit N       daily API request allocation (default 15000)
  --username NAME, --password PW, --client-id ID, --client-secret SECRET
                            admin login and connected app (defaults: admin@reco.local, random password,
                            reco-local-org, random secret)
  --jwt-public-key FILE     PEM key that JWT-bearer assertions must be signed with
  -h, --help                show this help
  (environment LOCAL_ORG_DEBUG=1 logs method, path, status and time of every request to stderr)

Replay options (use --url/--credentials-file while the server runs, or --db when it is stopped):
  --credentials-file PATH   replay through the running server named in this credentials file
  --db FILE                 replay directly into a stopped org's SQLite file
  --until YYYY-MM-DD        replay invoices dated before this day
  --count N                 replay at most N invoices

Fault SPEC: rules separated by ';'
  KIND[:MS]=RATE[~PATH]     fire on each matching API call with probability RATE (0..1)
  KIND[:MS]@N,M[~PATH]      fire on exactly the N-th and M-th matching API call
  seed=N                    PRNG seed for rates (default 1)
  KIND: 503 | 500 | lock | expire | slow | drop   (slow:MS sets the delay, default 1000)
  ~PATH limits a rule to API paths after /services/data/vXX.X starting with PATH ('*' = any chars).
  lock rules count only calls that write records; with a rate they draw once per record.
  Example: --faults '503=0.05;lock@2;slow:250=0.1~/query;seed=7'
`;

class UsageError extends Error {}

/** This repository's SFDX package directory, deployed unless --blank. */
const RECO_SOURCE = path.resolve(import.meta.dirname, '../../force-app');

function int(flag: string, value: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${flag} must be an integer between ${min} and ${max}, got "${value}"`);
  }
  return Number(value);
}

function day(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new UsageError(`--${flag} must be a date YYYY-MM-DD, got "${value}"`);
  }
  return value;
}

function currencyCode(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!/^[A-Z]{3}$/.test(v)) throw new UsageError(`--currency must be a three-letter ISO 4217 code such as USD, GBP or EUR, got "${v}"`);
  return v;
}

function readable(flag: string, file: string): string {
  if (!existsSync(file)) throw new UsageError(`--${flag}: no such file: ${file}`);
  return file;
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      currency: { type: 'string' },
      blank: { type: 'boolean' },
      deploy: { type: 'string' },
      seed: { type: 'string' },
      'seed-cases': { type: 'string' },
      'as-of': { type: 'string' },
      'credentials-file': { type: 'string' },
      faults: { type: 'string' },
      'daily-api-limit': { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'jwt-public-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const opts: LocalOrgOptions = {
    port: int('port', values.port, 0, 65535),
    host: values.host,
    db: values.db,
    currency: currencyCode(values.currency),
    asOf: day('as-of', values['as-of']),
    dailyApiLimit: int('daily-api-limit', values['daily-api-limit'], 1),
    username: values.username,
    password: values.password,
    clientId: values['client-id'],
    clientSecret: values['client-secret'],
  };
  if (values.seed !== undefined) {
    const m = /^online-retail=(.+)$/.exec(values.seed);
    if (!m) throw new UsageError(`--seed must be online-retail=PATH, got "${values.seed}"`);
    opts.seed = {
      onlineRetail: readable('seed', m[1]),
      cases: values['seed-cases'] === undefined ? undefined : readable('seed-cases', values['seed-cases']),
      onProgress: (p) => process.stderr.write(`local-org: seeding ${p.stage} ${p.done}${p.total ? `/${p.total}` : ''}\n`),
    };
  }
  if (opts.asOf && !opts.seed) throw new UsageError('--as-of only applies together with --seed');
  if (values['seed-cases'] !== undefined && !opts.seed) throw new UsageError('--seed-cases only applies together with --seed');
  if (values.faults !== undefined) {
    try {
      parseFaultSpec(values.faults);
    } catch (e) {
      throw new UsageError(`--faults: ${(e as Error).message}`);
    }
    opts.faults = values.faults;
  }
  if (values['jwt-public-key'] !== undefined) opts.jwtPublicKey = readFileSync(readable('jwt-public-key', values['jwt-public-key']), 'utf8');

  if (values.blank && values.deploy !== undefined) throw new UsageError('give either --blank or --deploy DIR, not both');
  const source = values.blank ? undefined : values.deploy === undefined ? RECO_SOURCE : readable('deploy', values.deploy);

  // Loaded only once the flags are valid: a usage error shouldn't wait for the whole emulator to load.
  const [{ startLocalOrg }, { deploySource, assignPermissionSets }, { ADMIN_USERNAME, INTEGRATION_USERNAME, SALES_REP_USERNAME }] = await Promise.all([
    import('./app.js'),
    import('./metadata-api/fast-path.js'),
    import('./store/org-store.js'),
  ]);
  const org = await startLocalOrg(opts);
  if (source) {
    try {
      const outcome = deploySource(org, source);
      console.log(`local-org: deployed ${outcome.applied.length} components from ${path.relative(process.cwd(), source) || '.'}`);
      if (source === RECO_SOURCE) {
        assignPermissionSets(org, ADMIN_USERNAME, ['Reco_Admin']);
        assignPermissionSets(org, INTEGRATION_USERNAME, ['Reco_Integration']);
        assignPermissionSets(org, SALES_REP_USERNAME, ['Reco_Sales_Rep']);
        console.log(`local-org: assigned Reco_Admin to ${ADMIN_USERNAME}, Reco_Integration to ${INTEGRATION_USERNAME}, Reco_Sales_Rep to ${SALES_REP_USERNAME}`);
      }
    } catch (e) {
      await org.close();
      throw e;
    }
  } else {
    console.log('local-org: blank org (standard objects only); deploy metadata to it with `sf project deploy start`');
  }
  if (org.seedReport) {
    const r = org.seedReport;
    console.log(
      `local-org: seeded ${r.accounts} accounts, ${r.products} products, ${r.opportunities.won + r.opportunities.lost} opportunities, ` +
        `${r.lineItems} line items, ${r.tasks + r.events} activities; ${r.pendingInvoices} invoices pending replay`,
    );
    // Rows the seed left out, each by file and line, so a typo in the data is seen, not silently lost.
    for (const note of r.notes.filter((n) => n.startsWith('skipped '))) console.error(`local-org: warning: ${note}`);
  }
  const file = values['credentials-file'];
  if (file) {
    writeFileSync(file, `${JSON.stringify(org.credentials, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  console.log(`local-org: listening at ${org.url}`);
  console.log(`local-org: admin user ${org.credentials.username}, client id ${org.credentials.clientId}` + (file ? `; credentials in ${file}` : ''));
  const stop = (): void => {
    void org.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function replay(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      db: { type: 'string' },
      'credentials-file': { type: 'string' },
      until: { type: 'string' },
      count: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const opts: ReplayOptions = { until: day('until', values.until), count: int('count', values.count, 0) };
  if (opts.until !== undefined && opts.count !== undefined) throw new UsageError('give either --until or --count, not both');
  const creds = values['credentials-file'];
  if (creds && values.db) throw new UsageError('give either --credentials-file (running server) or --db (stopped server), not both');
  if (creds) {
    // The running server keeps id counters in memory: replaying through it keeps ids unique.
    const c = JSON.parse(readFileSync(readable('credentials-file', creds), 'utf8')) as { instanceUrl: string; accessToken: string };
    const res = await fetch(`${c.instanceUrl}/_local/replay`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${c.accessToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(opts),
    });
    const body = await res.text();
    if (!res.ok) throw new Error(`replay failed (HTTP ${res.status}): ${body}`);
    console.log(body);
    return;
  }
  if (!values.db) throw new UsageError('replay needs --credentials-file (running server) or --db (stopped server)');
  const [{ openOrgStore }, { replayInvoices }] = await Promise.all([import('./store/org-store.js'), import('./seed/replay.js')]);
  const store = openOrgStore({ file: readable('db', values.db) });
  try {
    console.log(JSON.stringify(replayInvoices(store, opts), null, 2));
  } finally {
    store.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first === 'replay') await replay(rest);
  else await serve(argv);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`local-org: ${(e as Error).message}\nRun "npm run local-org -- --help" for usage.`);
    process.exit(2);
  }
  console.error(`local-org: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
