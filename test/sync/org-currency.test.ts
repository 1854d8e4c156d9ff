import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanMirror } from '../../sync-server/src/clean/clean.js';
import { ApiBudget } from '../../sync-server/src/connect/api-budget.js';
import { extractAll } from '../../sync-server/src/extract/extract.js';
import { currencyFrom, readOrgCurrency, refreshOrgCurrency } from '../../sync-server/src/extract/org-currency.js';
import { SubrequestError } from '../../sync-server/src/extract/query-many.js';
import { openMirror } from '../../sync-server/src/mirror/db.js';
import { storedOrgCurrency } from '../../sync-server/src/mirror/org-currency.js';
import { startTestOrg, tokenConnection } from '../local-org/http-fixture.js';

const page = (records: Array<Record<string, unknown>>) => ({ totalSize: records.length, done: true, records });
const refused = (code: string) => new SubrequestError(code, 'refused', 'SELECT ...');

describe('sync: the org currency comes from the org', () => {
  it('a single-currency org: Organization.DefaultCurrencyIsoCode, read in one call, reaches the cleaned dataset', async () => {
    const org = await startTestOrg({ currency: 'EUR' });
    const dir = mkdtempSync(join(tmpdir(), 'reco-org-currency-'));
    const mirror = openMirror(dir);
    try {
      const conn = tokenConnection(org);
      const budget = new ApiBudget(conn);
      const read = await readOrgCurrency(conn, { budget });
      expect(read.currency).to.deep.equal({ corporate: 'EUR', rates: {} });
      expect(read.refused.join(' '), 'CurrencyType does not exist in a single-currency org').to.match(/INVALID_TYPE/);
      expect(budget.calls).to.equal(1);

      await extractAll(conn, mirror, { runId: 'r1' });
      expect((await storedOrgCurrency(mirror.sql))).to.deep.equal({ corporate: 'EUR', rates: {} });
      expect((await cleanMirror(mirror.sql)).dataset.currency).to.equal('EUR');
      // The caller's setting still wins (an operator who knows better).
      expect((await cleanMirror(mirror.sql, { currency: { corporate: 'GBP', rates: {} } })).dataset.currency).to.equal('GBP');

      // Read at most once a day: the next extraction spends no call on it.
      const again = new ApiBudget(conn);
      expect(await refreshOrgCurrency(conn, mirror.sql, { budget: again })).to.deep.equal({ corporate: 'EUR', rates: {} });
      expect(again.calls).to.equal(0);
    } finally {
      mirror.close();
      rmSync(dir, { recursive: true, force: true });
      await org.close();
    }
  });

  it('a multi-currency org: the corporate CurrencyType and 1 / ConversionRate per other active currency', () => {
    const types = page([
      { IsoCode: 'USD', ConversionRate: 1, IsCorporate: true },
      { IsoCode: 'EUR', ConversionRate: 0.8, IsCorporate: false },
      { IsoCode: 'GBP', ConversionRate: 0.5, IsCorporate: false },
      { IsoCode: 'XYZ1', ConversionRate: 2, IsCorporate: false }, // not an ISO code: ignored
      { IsoCode: 'JPY', ConversionRate: 0, IsCorporate: false }, // no usable rate: ignored, so its amounts are flagged
    ]);
    // Multi-currency orgs may refuse DefaultCurrencyIsoCode; the corporate currency decides either way.
    for (const org of [refused('INVALID_FIELD'), page([{ DefaultCurrencyIsoCode: 'EUR' }])]) {
      expect(currencyFrom(org, types)).to.deep.equal({ corporate: 'USD', rates: { EUR: 1.25, GBP: 2 } });
    }
  });

  it('unknown only when the org answers neither; never a guessed currency', () => {
    expect(currencyFrom(refused('INVALID_FIELD'), refused('INVALID_TYPE'))).to.equal(null);
    expect(currencyFrom(page([{ DefaultCurrencyIsoCode: null }]), refused('INVALID_TYPE'))).to.equal(null);
    expect(currencyFrom(page([{ DefaultCurrencyIsoCode: 'CHF' }]), refused('INVALID_TYPE'))).to.deep.equal({ corporate: 'CHF', rates: {} });
  });
});
