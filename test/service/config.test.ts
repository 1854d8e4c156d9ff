import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { pipelineSettings } from '@reco/sync-server/server.js';
import { ConfigError, loadConfig } from '@reco/sync-server/config/load-config.js';
import { createLogger } from '@reco/sync-server/logging/logger.js';

describe('service configuration', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'reco-config-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('applies defaults: incremental every 15 minutes, full nightly, loopback', () => {
    const config = loadConfig({ env: { RECO_API_TOKEN: 'x'.repeat(20) } });
    expect(config.schedule.incremental).to.equal('*/15 * * * *');
    expect(config.schedule.full).to.equal('7 2 * * *');
    expect(config.server).to.deep.equal({ host: '127.0.0.1', port: 3000, allowedHosts: [] });
  });

  it('reads a file and lets the environment win over it', () => {
    const file = path.join(dir, 'reco.json');
    writeFileSync(file, JSON.stringify({ auth: { token: 'f'.repeat(20) }, server: { port: 4000 }, schedule: { full: '0 3 * * *' } }));
    const config = loadConfig({ file, env: { RECO_PORT: '4100', RECO_SCHEDULE_ENABLED: 'false' } });
    expect(config.server.port).to.equal(4100);
    expect(config.schedule.full).to.equal('0 3 * * *');
    expect(config.schedule.enabled).to.equal(false);
  });

  it('names every bad setting with its variable, and never echoes values', () => {
    let error: unknown;
    try {
      loadConfig({ env: { RECO_API_TOKEN: 'short-secret', RECO_SCHEDULE_INCREMENTAL: 'every minute', RECO_PORT: '99999' } });
    } catch (e) { error = e; }
    expect(error).to.be.instanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).to.contain('auth.token (RECO_API_TOKEN): must be at least 16 characters');
    expect(message).to.contain('schedule.incremental (RECO_SCHEDULE_INCREMENTAL): not a valid cron expression');
    expect(message).to.contain('server.port (RECO_PORT)');
    expect(message).not.to.contain('short-secret');
  });

  it('says what a number setting must be, not "expected number, received NaN"', () => {
    for (const [name, value, path, rule] of [
      ['RECO_PORT', 'abc', 'server.port', 'must be a whole number from 0 to 65535'],
      ['RECO_PORT', '80.5', 'server.port', 'must be a whole number from 0 to 65535'],
      ['RECO_SHUTDOWN_GRACE_MS', 'soon', 'shutdown.graceMs', 'must be a whole number from 0 to 600000'],
      ['RECO_API_BUDGET_SHARE', 'half', 'sync.apiBudgetShare', 'must be a number above 0 and at most 1'],
      ['RECO_API_BUDGET_SHARE', '1.5', 'sync.apiBudgetShare', 'must be a number above 0 and at most 1'],
      ['RECO_API_BUDGET_SHARE', '0', 'sync.apiBudgetShare', 'must be a number above 0 and at most 1'],
      ['RECO_EXTRACT_BULK_THRESHOLD', '1e4', 'sync.extractBulkThreshold', 'must be a whole number from 1 to 100000000'],
      ['RECO_CURRENCY', 'pounds', 'dashboard.currency', 'must be a three-letter ISO 4217 currency code'],
      ['RECO_TEXT_EXCERPTS', 'none', 'text.excerptChars', 'must be off, or a whole number of characters from 1 to 255'],
      ['RECO_TEXT_EXCERPTS', '300', 'text.excerptChars', 'must be off, or a whole number of characters from 1 to 255'],
      ['RECO_TEXT_EMAIL_EXCERPTS', '-1', 'text.emailExcerptChars', 'must be off, or a whole number of characters from 1 to 255'],
    ]) {
      let message = '';
      try {
        loadConfig({ env: { RECO_API_TOKEN: 'x'.repeat(20), [name]: value } });
      } catch (e) { message = (e as Error).message; }
      expect(message, `${name}=${value}`).to.contain(`${path} (${name}): ${rule}`);
      expect(message).not.to.match(/NaN|expected number/);
    }
    expect(loadConfig({ env: { RECO_API_TOKEN: 'x'.repeat(20), RECO_PORT: '4100' } }).server.port).to.equal(4100);
  });

  it('rejects an unknown schedule time zone at load, before anything listens', () => {
    expect(() => loadConfig({ env: { RECO_API_TOKEN: 'x'.repeat(20), RECO_SCHEDULE_TIMEZONE: 'Mars/Olympus_Mons' } }))
      .to.throw(ConfigError, 'schedule.timezone (RECO_SCHEDULE_TIMEZONE): not a known IANA time zone');
    expect(loadConfig({ env: { RECO_API_TOKEN: 'x'.repeat(20), RECO_SCHEDULE_TIMEZONE: 'Europe/London' } }).schedule.timezone).to.equal('Europe/London');
  });

  it('reads RECO_ALLOWED_HOSTS as a comma-separated list and rejects what is not a host', () => {
    expect(loadConfig({ env: { RECO_API_TOKEN: 'x'.repeat(20), RECO_ALLOWED_HOSTS: 'reco.example.com, proxy:8443' } }).server.allowedHosts)
      .to.deep.equal(['reco.example.com', 'proxy:8443']);
    expect(() => loadConfig({ env: { RECO_API_TOKEN: 'x'.repeat(20), RECO_ALLOWED_HOSTS: 'http://reco.example.com/' } }))
      .to.throw(ConfigError, 'server.allowedHosts.0 (RECO_ALLOWED_HOSTS)');
  });

  it('takes a PostgreSQL store from RECO_STORE_URL and rejects anything else without printing it', () => {
    const token = { RECO_API_TOKEN: 'x'.repeat(20) };
    expect(loadConfig({ env: { ...token, RECO_STORE_URL: 'postgres://reco:pw@127.0.0.1:5432/reco' } }).store).to.deep.equal({ path: '.reco/mirror.db', url: 'postgres://reco:pw@127.0.0.1:5432/reco' });
    expect(loadConfig({ env: token }).store).to.deep.equal({ path: '.reco/mirror.db' });
    for (const bad of ['mysql://reco:hunter2-secret@db/reco', 'postgres://reco:hunter2-secret@db', 'hunter2-secret']) {
      let error: unknown;
      try {
        loadConfig({ env: { ...token, RECO_STORE_URL: bad } });
      } catch (e) {
        error = e;
      }
      expect(error, bad).to.be.instanceOf(ConfigError);
      expect((error as Error).message).to.contain('store.url (RECO_STORE_URL): must be a PostgreSQL URL: postgres://user:password@host:port/database');
      expect((error as Error).message).to.not.contain('hunter2');
    }
  });

  it('takes RECO_MODEL_WORKERS only with a PostgreSQL store, and says why otherwise', () => {
    const base = { RECO_API_TOKEN: 'x'.repeat(20), RECO_STORE_URL: 'postgres://reco:pw@127.0.0.1:5432/reco' };
    expect(loadConfig({ env: { ...base, RECO_MODEL_WORKERS: '2', RECO_MODEL_PARTITION_ACCOUNTS: '2000' } }).models).to.deep.equal({ workers: 2, partitionAccounts: 2000 });
    expect(loadConfig({ env: { ...base, RECO_MODEL_WORKERS: '0' } }).models).to.deep.equal({ workers: 0 });
    expect(loadConfig({ env: base }).models).to.deep.equal({});
    const problem = (env: Record<string, string>): string => {
      try {
        loadConfig({ env });
      } catch (e) {
        expect(e).to.be.instanceOf(ConfigError);
        return (e as Error).message;
      }
      return 'no error';
    };
    const { RECO_STORE_URL: _url, ...sqlite } = base;
    expect(problem({ ...sqlite, RECO_MODEL_WORKERS: '2' })).to.contain('models.workers (RECO_MODEL_WORKERS): needs a PostgreSQL store (RECO_STORE_URL)');
    expect(problem({ ...base, RECO_MODEL_WORKERS: 'two' })).to.contain('models.workers (RECO_MODEL_WORKERS): must be a whole number from 0 to 256');
    expect(problem({ ...base, RECO_MODEL_WORKERS: '-1' })).to.contain('models.workers (RECO_MODEL_WORKERS): must be a whole number from 0 to 256');
    expect(problem({ ...base, RECO_MODEL_WORKERS: '1', RECO_MODEL_PARTITION_ACCOUNTS: '5' })).to.contain('models.partitionAccounts (RECO_MODEL_PARTITION_ACCOUNTS): must be a whole number from 10 to 1000000');
    expect(problem({ ...base, RECO_MODEL_PARTITION_ACCOUNTS: '2000' })).to.contain('models.partitionAccounts (RECO_MODEL_PARTITION_ACCOUNTS): applies only to the model step in worker processes: set RECO_MODEL_WORKERS');
  });

  it('reports a missing token and an unreadable file clearly', () => {
    expect(() => loadConfig({ env: {} })).to.throw(ConfigError, 'auth.token (RECO_API_TOKEN): is required');
    expect(() => loadConfig({ env: {}, file: path.join(dir, 'missing.json') })).to.throw(ConfigError, /missing\.json: cannot be read \(ENOENT\)/);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{ nope');
    expect(() => loadConfig({ env: {}, file: bad })).to.throw(ConfigError, /bad\.json: not a JSON object/);
  });
});

describe('service logger', () => {
  it('writes JSON lines with the run id and redacts secrets at any of the first levels', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info' }, new Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } }));
    logger.child({ runId: 'run-7' }).info({ config: { auth: { token: 'tok-SECRET-1' }, org: { password: 'pw-SECRET-2', clientSecret: 'cs-SECRET-3' } }, headers: { authorization: 'Bearer SECRET-4' }, accessToken: 'SECRET-5' }, 'started');
    const text = lines.join('');
    expect(text).not.to.match(/SECRET/);
    const entry = JSON.parse(lines[0]);
    expect(entry).to.include({ runId: 'run-7', msg: 'started', level: 'info' });
    expect(entry.config.auth.token).to.equal('[redacted]');
  });
});

describe('service sync settings', () => {
  it('hands the operator\'s sync settings to the pipeline, and leaves unset ones to its defaults', () => {
    const token = { RECO_API_TOKEN: 'x'.repeat(20) };
    expect(pipelineSettings(loadConfig({ env: token }))).to.deep.equal({ extract: {}, writeback: {}, modelOptions: { holdoutShare: 0.1 }, impactWindowDays: 90 });
    const config = loadConfig({ env: { ...token, RECO_API_BUDGET_SHARE: '0.25', RECO_EXTRACT_BULK_THRESHOLD: '5000', RECO_WRITEBACK_BULK_THRESHOLD: '2000', RECO_INCREMENTAL_OVERLAP_MS: '0', RECO_RETUNE_AFTER_DAYS: '3', RECO_IMPACT_HOLDOUT_SHARE: '0.2', RECO_IMPACT_WINDOW_DAYS: '30' } });
    expect(pipelineSettings(config)).to.deep.equal({ maxShareOfDailyLimit: 0.25, extract: { bulkThreshold: 5000, overlapMs: 0 }, writeback: { bulkThreshold: 2000 }, retuneAfterDays: 3, modelOptions: { holdoutShare: 0.2 }, impactWindowDays: 30 });
    const store = { RECO_STORE_URL: 'postgres://reco:pw@127.0.0.1:5432/reco' };
    expect(pipelineSettings(loadConfig({ env: { ...token, ...store, RECO_MODEL_WORKERS: '3' } })).modelWorkers).to.deep.equal({ workers: 3 });
    expect(pipelineSettings(loadConfig({ env: { ...token, ...store, RECO_MODEL_WORKERS: '0', RECO_MODEL_PARTITION_ACCOUNTS: '500' } })).modelWorkers).to.deep.equal({ workers: 0, partitionAccounts: 500 });
  });

  it('turns the excerpt settings into per-object limits: off is 0, emails have their own setting', () => {
    const token = { RECO_API_TOKEN: 'x'.repeat(20) };
    const limits = (env: Record<string, string>) => pipelineSettings(loadConfig({ env: { ...token, ...env } })).extract?.textExcerptChars;
    expect(limits({ RECO_TEXT_EXCERPTS: 'off' })).to.deep.equal({ Case: 0, CaseComment: 0, Task: 0, Event: 0 });
    expect(limits({ RECO_TEXT_EXCERPTS: ' OFF ' })).to.deep.equal({ Case: 0, CaseComment: 0, Task: 0, Event: 0 });
    expect(limits({ RECO_TEXT_EXCERPTS: '80', RECO_TEXT_EMAIL_EXCERPTS: '40' })).to.deep.equal({ Case: 80, CaseComment: 80, Task: 80, Event: 80, EmailMessage: 40 });
    expect(limits({ RECO_TEXT_EMAIL_EXCERPTS: '0' })).to.deep.equal({ EmailMessage: 0 });
    // From the JSON file a number works too.
    expect(pipelineSettings(loadConfig({ env: token, overrides: { text: { excerptChars: 120 } } })).extract?.textExcerptChars?.Case).to.equal(120);
  });
});
