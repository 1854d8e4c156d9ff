import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openOrgStore } from '../../local-org/src/store/org-store.js';
import { rejection, startTestOrg, tokenConnection } from './http-fixture.js';

type OrgRow = { Id: string; DefaultCurrencyIsoCode: string | null };

describe('local-org: the org currency (Organization.DefaultCurrencyIsoCode)', () => {
  it('a new org is in USD; a configured one in its currency, readable by SOQL as a real org answers', async () => {
    const usd = await startTestOrg({}, { blank: true });
    const eur = await startTestOrg({ currency: 'EUR' }, { blank: true });
    try {
      const read = async (org: typeof usd) => (await tokenConnection(org).query<OrgRow>('SELECT Id, DefaultCurrencyIsoCode FROM Organization')).records[0].DefaultCurrencyIsoCode;
      expect(await read(usd)).to.equal('USD');
      expect(await read(eur)).to.equal('EUR');
    } finally {
      await usd.close();
      await eur.close();
    }
  });

  it('describes the field as the restricted ISO-code picklist it is, which the API cannot write', async () => {
    const org = await startTestOrg({}, { blank: true });
    try {
      const conn = tokenConnection(org);
      const f = (await conn.sobject('Organization').describe()).fields.find((x) => x.name === 'DefaultCurrencyIsoCode')!;
      expect(f).to.include({ type: 'picklist', restrictedPicklist: true, nillable: true, createable: false, updateable: false, length: 3, filterable: true, groupable: true, sortable: true });
      const codes = f.picklistValues!.map((v) => v.value);
      expect(codes).to.include.members(['USD', 'GBP', 'EUR', 'JPY']);
      expect(codes.every((c) => /^[A-Z]{3}$/.test(c))).to.equal(true);
      const orgId = org.store.identity.organizationId;
      const err = await rejection(() => conn.sobject('Organization').update({ Id: orgId, DefaultCurrencyIsoCode: 'GBP' }));
      expect(err.errorCode).to.match(/INSUFFICIENT_ACCESS|INVALID_FIELD_FOR_INSERT_UPDATE|INVALID_TYPE/);
      expect((await conn.query<OrgRow>('SELECT DefaultCurrencyIsoCode FROM Organization')).records[0].DefaultCurrencyIsoCode).to.equal('USD');
    } finally {
      await org.close();
    }
  });

  it("the SOAP login's userInfo reports the org's currency and its symbol, not a fixed USD", async () => {
    const org = await startTestOrg({ currency: 'GBP' }, { blank: true });
    try {
      const c = org.credentials;
      const body =
        '<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com">' +
        `<soapenv:Body><urn:login><urn:username>${c.username}</urn:username><urn:password>${c.password}</urn:password></urn:login></soapenv:Body></soapenv:Envelope>`;
      const res = await fetch(`${org.url}/services/Soap/u/62.0`, { method: 'POST', headers: { 'content-type': 'text/xml', SOAPAction: 'login' }, body });
      const xml = await res.text();
      expect(res.status, xml).to.equal(200);
      expect(xml).to.contain('<orgDefaultCurrencyIsoCode>GBP</orgDefaultCurrencyIsoCode>');
      expect(xml).to.contain('<currencySymbol>£</currencySymbol>');
    } finally {
      await org.close();
    }
  });

  it('a single-currency org has no CurrencyType: querying it fails with INVALID_TYPE, as in Salesforce', async () => {
    const org = await startTestOrg({}, { blank: true });
    try {
      const err = await rejection(() => tokenConnection(org).query('SELECT IsoCode, ConversionRate FROM CurrencyType'));
      expect(err.errorCode).to.equal('INVALID_TYPE');
    } finally {
      await org.close();
    }
  });

  it('refuses a code that is not ISO 4217, naming the setting; an org file keeps its currency and takes a new one when given', () => {
    expect(() => openOrgStore({ currency: 'ABC' })).to.throw(/currency: "ABC" is not an ISO 4217 currency code/);
    const dir = mkdtempSync(join(tmpdir(), 'reco-org-currency-'));
    try {
      const file = join(dir, 'org.db');
      const code = (s: ReturnType<typeof openOrgStore>) => (s.db.prepare('SELECT DefaultCurrencyIsoCode AS c FROM "Organization"').get() as { c: string }).c;
      let s = openOrgStore({ file, currency: 'GBP' });
      expect(code(s)).to.equal('GBP');
      s.close();
      s = openOrgStore({ file });
      expect(code(s)).to.equal('GBP');
      s.close();
      s = openOrgStore({ file, currency: 'CHF' });
      expect(code(s)).to.equal('CHF');
      s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
