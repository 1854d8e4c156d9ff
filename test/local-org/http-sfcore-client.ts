// Child-process half of http-sfcore.test.ts: @salesforce/core reads HOME when it loads, so it runs in its
// own process with an isolated HOME. Prints one JSON line with what the org answered.
import { AuthInfo, Connection, Org } from '@salesforce/core';

const [instanceUrl, accessToken] = process.argv.slice(2);
const authInfo = await AuthInfo.create({ accessTokenOptions: { accessToken, instanceUrl, loginUrl: instanceUrl } });
const connection = await Connection.create({ authInfo });
const org = await Org.create({ connection });
const conn = org.getConnection();
const result = await conn.query<{ Name: string }>('SELECT Name FROM Account ORDER BY Name');
const orgRow = await conn.query<{ Id: string; OrganizationType: string }>('SELECT Id, OrganizationType FROM Organization');
console.log(JSON.stringify({ orgId: org.getOrgId(), names: result.records.map((r) => r.Name), organization: orgRow.records[0], apiVersion: conn.getApiVersion() }));
