import { expect } from 'chai';
import { FilterError, literal, whereToSoql } from '@reco/sync-server/http/preview/where-filter.js';
import { appBuilderProperties, renderPage } from '@reco/sync-server/http/preview/page.js';

describe('preview: UI API filter to SOQL', () => {
  it('translates the filter the recommendations component sends', () => {
    expect(whereToSoql('{ Status__c: { in: ["New", "Accepted"] } }')).to.equal("Status__c IN ('New', 'Accepted')");
  });

  it('translates comparisons, relationship paths and and/or/not', () => {
    expect(whereToSoql('{ and: [{ Score__c: { gte: 0.5 } }, { or: [{ Kind__c: { eq: "Cross-sell" } }, { Product__r: { Name: { like: "Bag%" } } }] }] }'))
      .to.equal("(Score__c >= 0.5 AND (Kind__c = 'Cross-sell' OR Product__r.Name LIKE 'Bag%'))");
    expect(whereToSoql('{ not: { Status__c: { nin: ["Dismissed"] } }, Rank__c: { lt: 3 } }'))
      .to.equal("((NOT Status__c NOT IN ('Dismissed')) AND Rank__c < 3)");
    expect(whereToSoql('{ Opportunity__c: { eq: null }, Holdout__c: { ne: true } }')).to.equal('(Opportunity__c = null AND Holdout__c != true)');
    expect(whereToSoql(undefined)).to.equal('');
    expect(whereToSoql('  ')).to.equal('');
  });

  it('escapes string values so they cannot end the literal', () => {
    expect(literal("O'Brien \\ Co")).to.equal("'O\\'Brien \\\\ Co'");
    expect(whereToSoql(`{ Reason__c: { eq: "x' OR Name != '" } }`)).to.equal("Reason__c = 'x\\' OR Name != \\''");
  });

  it('rejects what it cannot translate with a clear error', () => {
    const message = (filter: string) => {
      try {
        whereToSoql(filter);
      } catch (error) {
        expect(error).to.be.instanceOf(FilterError);
        return (error as Error).message;
      }
      throw new Error(`accepted ${filter}`);
    };
    expect(message('Status__c = "New"')).to.match(/cannot read/);
    expect(message('{ "Bad Name": { eq: 1 } }')).to.match(/not a field name/);
    expect(message('{ Status__c: { in: [] } }')).to.match(/non-empty list/);
    expect(message('{ eq: 1 }')).to.match(/needs a field/);
    expect(message('{ Status__c: { eq: { nested: 1 } } }')).to.match(/unsupported value/);
  });
});

describe('preview: record page', () => {
  it('reads App Builder properties from the query and rejects bad ones', () => {
    expect(appBuilderProperties({ rowsPerList: '3', showBuyAgain: 'false' })).to.deep.equal({ rowsPerList: 3, showBuyAgain: false });
    expect(appBuilderProperties({})).to.deep.equal({});
    expect(() => appBuilderProperties({ rowsPerList: '0' })).to.throw(/rowsPerList/);
    expect(() => appBuilderProperties({ showCrossSell: 'yes' })).to.throw(/showCrossSell must be true or false/);
  });

  it('escapes what it puts into the page', () => {
    const html = renderPage({ base: '/preview', recordId: '001000000000001AAA', objectApiName: 'Account', appBuilder: { rowsPerList: 2 } });
    expect(html).to.contain('data-app-builder="{&quot;rowsPerList&quot;:2}"');
    expect(html).to.contain('src="/preview/dist/main.js"');
    expect(renderPage({ base: '/p"><script>', recordId: 'x', objectApiName: 'Account', appBuilder: {} })).to.not.contain('"><script>');
  });
});
